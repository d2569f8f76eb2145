// SPDX-License-Identifier: MIT
// A Rust program for the demangling tests, built in both symbol schemes
// (legacy and v0): a module, a struct's method, a generic function, a
// trait implementation and a closure.
pub mod shop {
    pub struct Cart {
        pub total: u64,
    }
    impl Cart {
        #[inline(never)]
        pub fn add(&mut self, price: u64) -> u64 {
            self.total += price;
            self.total
        }
    }
    impl std::fmt::Display for Cart {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "cart of {}", self.total)
        }
    }
    #[inline(never)]
    pub fn largest<T: PartialOrd + Copy, const N: usize>(v: [T; N]) -> T {
        let mut m = v[0];
        for x in v {
            if x > m {
                m = x;
            }
        }
        m
    }
}

fn main() {
    let mut c = shop::Cart { total: 0 };
    let add = |c: &mut shop::Cart, i: u64| c.add(i * 10);
    for i in 0..3 {
        println!("add {}", add(&mut c, i));
    }
    println!("{} {} {}", c, shop::largest([3u8, 9, 4]), shop::largest([1.5f64, 0.5]));
}

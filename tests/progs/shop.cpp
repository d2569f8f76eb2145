// SPDX-License-Identifier: MIT
// A C++ program with what C++ names are made of, for the live tests of
// names as written in the source: a namespace, a class with overloads of
// one method, a static member function, a template instantiated twice,
// an operator, a constructor and a lambda. Each call prints its arguments,
// for the test to compare with what the kernel recorded; Cart::note leaks
// what it allocates (a leak site with a C++ name).
//   shop N    N rounds (default 3)
#include <cstdio>
#include <cstdlib>
#include <string>

namespace shop {

class Cart {
public:
	explicit Cart(long start) : total_(start) { std::printf("Cart(%ld)\n", start); }
	__attribute__((noinline)) long add(int price)
	{
		std::printf("add(int) %d\n", price);
		return total_ += price;
	}
	__attribute__((noinline)) long add(double price)
	{
		std::printf("add(double) %.1f\n", price);
		return total_ += (long)price;
	}
	__attribute__((noinline)) long add(const std::string &name, int qty)
	{
		std::printf("add(string,int) %s %d\n", name.c_str(), qty);
		return total_ += qty;
	}
	__attribute__((noinline)) static void note(int len)
	{
		char *p = static_cast<char *>(std::malloc((size_t)len));

		__asm__ volatile("" : : "r"(p) : "memory");	/* kept, never freed */
		std::printf("note %d\n", len);
	}
	__attribute__((noinline)) static int tax(int cents)
	{
		std::printf("tax %d\n", cents);
		return cents / 5;
	}
	long total() const { return total_; }

private:
	long total_;
};

template <typename T> __attribute__((noinline)) T twice(T v)
{
	std::printf("twice %ld\n", (long)v);
	return v + v;
}

__attribute__((noinline)) Cart &operator<<(Cart &c, int price)
{
	std::printf("operator<< %d\n", price);
	c.add(price);
	return c;
}

} // namespace shop

int main(int argc, char **argv)
{
	int n = argc > 1 ? std::atoi(argv[1]) : 3;
	shop::Cart cart(100);
	auto round = [&cart](int i) {
		cart.add(i * 10 + 1);
		cart.add(i + 0.5);
		cart.add(std::string("apple"), i + 2);
		cart << i + 7;
		shop::Cart::note(100 + i);
		return shop::Cart::tax(i * 100) + shop::twice(i) + (int)shop::twice(i * 1000L);
	};
	for (int i = 0; i < n; i++)
		std::printf("round %d\n", round(i));
	std::printf("total %ld\n", cart.total());
	return 0;
}

// SPDX-License-Identifier: MIT
// A Go program for the live tests of Go's calling convention and of
// return probes on Go functions: add takes its arguments in Go's
// registers (or on the stack, by the Go version and target), and deep
// recurses, which grows the goroutine's stack past its first 8 KiB many
// times over: a uretprobe's return address hijack would make the runtime
// abort there (golang/go#22008); an entry probe at each return is fine.
// Each call prints its arguments and its result.
//   gotest N    N rounds (default 3)
package main

import (
	"fmt"
	"os"
	"strconv"
)

//go:noinline
func add(a, b int, c int64) int {
	r := a*100 + b*10 + int(c)
	fmt.Printf("add %d %d %d = %d\n", a, b, c, r)
	return r
}

// deep recurses n times with a frame of 512 bytes, so that the stack grows
// (and is copied) while the outer calls are still to return
//
//go:noinline
func deep(n int) int {
	var pad [64]int
	pad[n%64] = n
	if n == 0 {
		return pad[0] + 1
	}
	return deep(n-1) + pad[n%64] - n + 1
}

func main() {
	n := 3
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	for i := 0; i < n; i++ {
		add(i, i+1, int64(i*7))
		d := 200 + i
		fmt.Printf("deep %d = %d\n", d, deep(d))
	}
	done := make(chan int)
	go func() { done <- deep(300) }()
	fmt.Printf("goroutine deep 300 = %d\n", <-done)
}

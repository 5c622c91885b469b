//go:build !unix

package main

// alive reports whether process pid exists. Without a portable way to ask,
// every process counts as alive here, so that a temporary directory of a
// running stampede is never removed; those of killed runs stay behind.
func alive(pid int) bool { return true }

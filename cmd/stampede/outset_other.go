//go:build !linux

package main

import "errors"

// exchange swaps the directories a and b in one step, where the system
// can; here it cannot, and swapDir moves them one after the other.
func exchange(a, b string) error { return errors.New("no atomic exchange on this system") }

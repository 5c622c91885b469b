//go:build !unix

package fit

func cpuSeconds() float64 { return 0 }

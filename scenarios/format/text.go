package format

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The short forms of times and numbers that the TUI shows and that a saved
// session's comments carry (one implementation, so the two always agree).

// Clock formats a virtual time as a clock: "0:07.3", "1:02:03".
func Clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	tenths := int64(d / (100 * time.Millisecond))
	s := tenths / 10
	h, m, sec := s/3600, (s/60)%60, s%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d.%d", m, sec, tenths%10)
}

// ShortDuration formats a duration shortly for people: "250ms", "10s", "1m30s", "1.5s".
func ShortDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d < time.Microsecond:
		return strconv.FormatInt(int64(d), 10) + "ns"
	case d < time.Millisecond:
		return TrimFloat(float64(d)/1e3, 1) + "us"
	case d < 10*time.Millisecond:
		return TrimFloat(float64(d)/1e6, 1) + "ms"
	case d < time.Second:
		return TrimFloat(float64(d)/1e6, 0) + "ms"
	case d < time.Minute:
		return TrimFloat(d.Seconds(), 1) + "s"
	}
	s := d.Round(time.Second)
	out := strings.TrimSuffix(s.String(), "0s")
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}

// ShortNumber formats a number shortly: "3", "2.5", "1.2k", "3.4M".
func ShortNumber(x float64) string {
	a := math.Abs(x)
	switch {
	case math.IsNaN(x):
		return "—"
	case a >= 1e9:
		return TrimFloat(x/1e9, 1) + "G"
	case a >= 1e6:
		return TrimFloat(x/1e6, 1) + "M"
	case a >= 1e4:
		return TrimFloat(x/1e3, 0) + "k"
	case a >= 1e3:
		return TrimFloat(x/1e3, 1) + "k"
	case a >= 100 || a == math.Trunc(a):
		return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	case a >= 1:
		return TrimFloat(x, 1)
	}
	return TrimFloat(x, 2)
}

// TrimFloat formats x with at most prec decimals, without trailing zeros.
func TrimFloat(x float64, prec int) string {
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

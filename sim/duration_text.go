package sim

import (
	"fmt"
	"strings"
	"time"
)

// MaxDurationText is the longest duration time.Duration holds, as a
// scenario would write it.
const MaxDurationText = "2562047h"

// DurationProblem says why s is not a duration in Go's syntax
// (time.ParseDuration), as an error message's tail naming s: a space
// between a number and its unit, a missing or unknown unit, or a value out
// of range. It returns "" when s is a duration, or when it does not start
// like one (with a number), so that there is nothing more precise to say
// than what a duration looks like.
func DurationProblem(s string) string {
	t := strings.TrimSpace(s)
	if _, err := time.ParseDuration(t); err == nil {
		return ""
	}
	if u := strings.TrimLeft(t, "+-"); u == "" || !(u[0] == '.' || '0' <= u[0] && u[0] <= '9') {
		return ""
	}
	joined := strings.Join(strings.Fields(t), "")
	if joined != t && wellFormed(joined) {
		return fmt.Sprintf("%q has a space between the number and its unit: write %q", s, joined)
	}
	return fmt.Sprintf("%q %s", s, durationProblem(joined))
}

// durationProblem says what is wrong with t, which time.ParseDuration
// rejects.
func durationProblem(t string) string {
	hasUnit := false
	isNum := func(c byte) bool { return c == '.' || c == '+' || c == '-' || '0' <= c && c <= '9' }
	for i := 0; i < len(t); {
		j := i
		for j < len(t) && isNum(t[j]) {
			j++
		}
		k := j
		for k < len(t) && !isNum(t[k]) {
			k++
		}
		if unit := t[j:k]; unit != "" {
			hasUnit = true
			if !durUnits[unit] {
				return fmt.Sprintf("has an unknown unit %q (units are ns, us, ms, s, m, h)", unit)
			}
		}
		i = k
	}
	if !hasUnit {
		return fmt.Sprintf("has no unit: write e.g. %q (units are ns, us, ms, s, m, h)", t+"ms")
	}
	if wellFormed(t) {
		return "is out of range: a duration is at most " + MaxDurationText + " (about 292 years)"
	}
	return "is not a duration such as \"250ms\", \"1.5s\" or \"1m30s\""
}

// wellFormed reports whether t is a sequence of decimal numbers, each with
// a known unit, optionally signed: a duration but for its size.
func wellFormed(t string) bool {
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	if t == "" {
		return false
	}
	for t != "" {
		i, dots := 0, 0
		for i < len(t) && (t[i] == '.' || '0' <= t[i] && t[i] <= '9') {
			if t[i] == '.' {
				dots++
			}
			i++
		}
		if i == 0 || dots > 1 || t[:i] == "." {
			return false
		}
		j := i
		for j < len(t) && !(t[j] == '.' || '0' <= t[j] && t[j] <= '9') {
			j++
		}
		if !durUnits[t[i:j]] {
			return false
		}
		t = t[j:]
	}
	return true
}

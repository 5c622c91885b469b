// Package lint reads a scenario's policies before anything runs and
// reports what SREs audit by hand: retries multiplied along each call
// path, a child timeout not shorter than its caller's, retries without a
// budget or backoff, deadlines not propagated, unbounded queues under
// callers that retry, and breakers that stay open longer than an SLO's
// window. Each finding names the rule, its severity, where the file sets
// what it is about (file:line:col), and what to change.
//
//	s, _ := scenarios.LoadBuiltin("retry-storm")
//	for _, f := range lint.Scenario(s) {
//		fmt.Println(f)
//	}
package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// Severity is how much a finding matters. The zero value is Info.
type Severity uint8

// Severities, in increasing order.
const (
	// Info is worth knowing: a retrying edge's worst case.
	Info Severity = iota
	// Warning is a policy that can turn a slowdown into an outage.
	Warning
	// Error is a policy that does, under the first overload.
	Error
)

var severityNames = [...]string{"info", "warning", "error"}

// String returns "info", "warning" or "error".
func (s Severity) String() string { return severityNames[s] }

// ParseSeverity reads "info", "warning" or "error".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if s == n {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("severity %q: want info, warning or error", s)
}

// The rules, as findings name them.
const (
	RuleAmplification = "retry-amplification"
	RuleTimeoutOrder  = "timeout-order"
	RuleNoBudget      = "retry-without-budget"
	RuleNoBackoff     = "retry-without-backoff"
	RuleDeadline      = "deadline-not-propagated"
	RuleUnbounded     = "unbounded-queue"
	RuleBreakerOpen   = "breaker-open-past-slo-window"
)

// Finding is one problem the lint found.
type Finding struct {
	Severity Severity
	// Rule names the check (RuleAmplification, ...).
	Rule string
	// File and Pos say where the file sets what the finding is about
	// (the nearest key the file has when the value is a default).
	File string
	Pos  format.Pos
	// Path is the key path, spelled as errors spell it
	// ("clients[users].retry").
	Path string
	// Message says what is wrong and why it matters; Fix what to change.
	Message string
	Fix     string
}

// String formats the finding as one line and its fix:
// "file:line:col: warning: path: message [rule]\n\tfix: ...".
func (f Finding) String() string {
	loc := f.File
	if f.Pos.Line > 0 {
		loc += fmt.Sprintf(":%d:%d", f.Pos.Line, f.Pos.Col)
	}
	s := fmt.Sprintf("%s: %s: %s: %s [%s]", loc, f.Severity, f.Path, f.Message, f.Rule)
	if f.Fix != "" {
		s += "\n\tfix: " + f.Fix
	}
	return s
}

// Scenario lints the base scenario (variants are alternatives the file
// compares; the base is what it recommends or warns about), with the
// defaults a run would apply. Findings come sorted by position, then
// rule.
func Scenario(s *scenarios.Scenario) []Finding {
	return lintConfig(s, format.Clone(&s.Config))
}

// Variant lints one variant of s (its name, or scenarios.BaseName for the
// base) as Scenario lints the base: the base with the variant's overrides.
// Findings are located at the keys of the file that set what they are
// about, which for an override of the base's value is the base's key.
func Variant(s *scenarios.Scenario, name string) ([]Finding, error) {
	cfg, err := s.VariantConfig(name)
	if err != nil {
		return nil, err
	}
	return lintConfig(s, &cfg), nil
}

// lintConfig lints cfg, a configuration of s, with the defaults a run
// would apply.
func lintConfig(s *scenarios.Scenario, cfg *config.Config) []Finding {
	cfg.ApplyDefaults()
	g := newGraph(s, cfg)
	l := &linter{s: s, cfg: cfg, g: g, seen: map[string]bool{}}
	for _, e := range g.edges {
		l.retries(e)
	}
	l.paths()
	l.queues()
	l.breakers()
	sort.SliceStable(l.out, func(i, j int) bool {
		a, b := l.out[i], l.out[j]
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Rule < b.Rule
	})
	return l.out
}

type linter struct {
	s    *scenarios.Scenario
	cfg  *config.Config
	g    *graph
	out  []Finding
	seen map[string]bool // findings already reported, by rule and subject
}

// add reports a finding once per rule and subject, located at the index
// path keys (its nearest key in the file).
func (l *linter) add(sev Severity, rule, subject string, keys []string, path, msg, fix string) {
	k := rule + "\x00" + subject
	if l.seen[k] {
		return
	}
	l.seen[k] = true
	l.out = append(l.out, Finding{Severity: sev, Rule: rule, File: l.s.File, Pos: l.s.KeyPos(keys...),
		Path: path, Message: msg, Fix: fix})
}

// Max returns the highest severity among fs, and false when fs is empty.
func Max(fs []Finding) (Severity, bool) {
	var m Severity
	for _, f := range fs {
		m = max(m, f.Severity)
	}
	return m, len(fs) > 0
}

// Count returns how many findings there are of each severity.
func Count(fs []Finding) [3]int {
	var n [3]int
	for _, f := range fs {
		n[f.Severity]++
	}
	return n
}

// join names a path of edges: "users -> api -> db".
func join(path []*edge) string {
	names := []string{path[0].from}
	for _, e := range path {
		names = append(names, e.to)
	}
	return strings.Join(names, " -> ")
}

package lint

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// retries: a retrying edge needs something that caps its retries when
// everything fails (a budget; a retry breaker or adaptive throttling do
// as much) and a backoff that spreads them (Brooker, "Timeouts, retries,
// and backoff with jitter", Amazon Builders' Library; SRE book ch. 22).
func (l *linter) retries(e *edge) {
	if !e.retries() {
		return
	}
	p := e.pol
	capped := (p.Budget != nil && !p.Budget.Off()) || (p.RetryBreaker != nil && !p.RetryBreaker.Off()) ||
		(p.Throttle != nil && !p.Throttle.Off())
	noBackoff := p.Retry.Backoff == "none"
	n := p.Retry.Attempts
	switch {
	case !capped && noBackoff:
		l.add(Error, RuleNoBudget, e.disp, e.at("retry"), e.disp+".retry",
			fmt.Sprintf("%s retries (%d attempts per call) with neither a budget nor backoff: when %s slows down, every failed attempt comes straight back, %dx the load on a service already behind",
				e.from, n, e.to, n),
			"add budget = { kind = \"token_bucket\" } (or a retry_breaker) and retry.backoff = \"exponential\" with jitter = \"full\"")
	case !capped:
		l.add(Warning, RuleNoBudget, e.disp, e.at("retry"), e.disp+".retry",
			fmt.Sprintf("%s retries (%d attempts per call) without a budget: when %s fails for everyone, retries multiply its load by up to %d, backoff only delays them",
				e.from, n, e.to, n),
			"add budget = { kind = \"token_bucket\" } (retries capped at about 10% of calls), or a retry_breaker")
	case noBackoff:
		l.add(Warning, RuleNoBackoff, e.disp, e.at("retry", "backoff"), e.disp+".retry.backoff",
			fmt.Sprintf("%s retries at once (backoff = \"none\"): retries of calls that failed together arrive together", e.from),
			"retry.backoff = \"exponential\" with jitter = \"full\"")
	}
}

// paths checks every call path: retries multiplied along it, each
// child's timeout under its caller's, and deadlines carried down.
func (l *linter) paths() {
	complete := l.g.walk(func(path []*edge) {
		l.amplification(path)
		if len(path) < 2 {
			return
		}
		p, c := path[len(path)-2], path[len(path)-1]
		l.timeoutOrder(p, c)
		l.deadline(path, p, c)
	})
	if !complete {
		l.add(Info, RuleAmplification, "limit", []string{"services"}, "services",
			fmt.Sprintf("the call graph has more than %d paths or paths deeper than %d: only those were checked", maxPaths, maxDepth), "")
	}
}

// amplification reports the worst case of attempts reaching the last
// service of a path for one call at its start, when the last edge
// retries: the product of every layer's attempts (SRE book ch. 22:
// "retries at every layer: 3 x 3 x 3 = 27").
func (l *linter) amplification(path []*edge) {
	last := path[len(path)-1]
	if last.attempts() < 2 {
		return
	}
	prod, layers := 1, 0
	var factors []string
	for _, e := range path {
		a := e.attempts()
		prod *= a
		factors = append(factors, strconv.Itoa(a))
		if a > 1 {
			layers++
		}
	}
	sev := Info
	switch {
	case layers >= 3 || prod >= 27:
		sev = Error
	case layers >= 2:
		sev = Warning
	}
	msg := fmt.Sprintf("%s: up to %d attempts reach %s for one call of %s", join(path), prod, last.to, path[0].from)
	if layers > 1 {
		msg = fmt.Sprintf("%s: up to %s = %d attempts reach %s for one call of %s (retries at %d %s)",
			join(path), strings.Join(factors, " x "), prod, last.to, path[0].from, layers, plural(layers, "layer", "layers"))
	}
	fix := ""
	if layers >= 2 {
		fix = "retry at one layer only (the one above the failing service), or give each retrying layer a budget"
	}
	l.add(sev, RuleAmplification, join(path), last.at("retry", "attempts"), last.disp+".retry.attempts", msg, fix)
}

// timeoutOrder: a child edge should give up before its caller does, with
// its retries inside the caller's time; else the caller has abandoned the
// request while the child still works (and retries) for it.
func (l *linter) timeoutOrder(p, c *edge) {
	pl := p.limit()
	if pl == 0 {
		return
	}
	subject := p.disp + "|" + c.disp
	cl := c.limit()
	switch {
	case cl == 0:
		l.add(Warning, RuleTimeoutOrder, subject, c.keys, c.disp+".timeout",
			fmt.Sprintf("%s -> %s has no timeout, under %s -> %s's %s: when %s gives up, %s keeps waiting on %s",
				c.from, c.to, p.from, p.to, dur(pl), p.from, c.from, c.to),
			fmt.Sprintf("timeout = \"%s\" or less on %s", dur(pl/2), c.disp))
	case cl >= pl:
		l.add(Error, RuleTimeoutOrder, subject, c.at(timeoutKey(c)), c.disp+"."+timeoutKey(c),
			fmt.Sprintf("%s -> %s waits %s, not less than its caller %s -> %s's %s: %s gives up first, so %s's answer (and its retries) arrive for nobody",
				c.from, c.to, dur(cl), p.from, p.to, dur(pl), p.from, c.from),
			fmt.Sprintf("a timeout shorter than %s on %s (with its retries inside it), or propagate the deadline", dur(pl), c.disp))
	case c.retries() && time.Duration(c.pol.Retry.Attempts)*cl > pl:
		n := c.pol.Retry.Attempts
		l.add(Warning, RuleTimeoutOrder, subject, c.at("retry", "attempts"), c.disp+".retry.attempts",
			fmt.Sprintf("%s -> %s makes up to %d attempts of %s (%s), longer than its caller %s -> %s's %s: the later retries work for a request already abandoned",
				c.from, c.to, n, dur(cl), dur(time.Duration(n)*cl), p.from, p.to, dur(pl)),
			fmt.Sprintf("attempts x timeout under %s on %s, or propagate the deadline so retries stop when it passes", dur(pl), c.disp))
	}
}

func timeoutKey(e *edge) string {
	if e.pol.Timeout > 0 {
		return "timeout"
	}
	return "deadline"
}

// deadline: a request that carries a deadline should pass it on to the
// calls made for it, or the service keeps calling downstream for
// requests whose caller has given up (Vitillo ch. 27; gRPC deadline
// propagation).
func (l *linter) deadline(path []*edge, p, c *edge) {
	carried := false
	for _, e := range path[:len(path)-1] {
		carried = e.pol.Deadline > 0 || (carried && e.inherit)
	}
	if !carried || c.inherit {
		return
	}
	svc := c.from
	l.add(Warning, RuleDeadline, c.disp, c.keys, c.disp,
		fmt.Sprintf("requests reach %s with a deadline (%s's calls) but %s does not propagate it to %s: %s keeps calling %s for requests already past their deadline",
			svc, p.from, svc, c.to, svc, c.to),
		fmt.Sprintf("propagate_deadline = true on %s (and queue.drop_expired = true on %s)", c.disp, c.to))
}

// queues: a queue with no bound under callers that retry is the
// metastable failure's sustaining effect: under overload it grows,
// every timed-out attempt's retry joins it, and the wait outgrows every
// timeout (Bronson et al., "Metastable Failures in Distributed Systems",
// HotOS 2021; Huang et al., OSDI 2022).
func (l *linter) queues() {
	for i := range l.cfg.Services {
		sv := &l.cfg.Services[i]
		if sv.Queue.Limit != nil {
			continue
		}
		var callers []string
		var timeout time.Duration
		for _, e := range l.g.edges {
			if e.to == sv.Name && e.retries() {
				callers = append(callers, e.from)
				if t := e.limit(); t > 0 && (timeout == 0 || t < timeout) {
					timeout = t
				}
			}
		}
		if len(callers) == 0 {
			continue
		}
		fix := "queue = { limit = N }, N about workers x the callers' timeout / the service time, so a request is not queued longer than anyone waits"
		if m := sv.ServiceTime.Mean(); timeout > 0 && m > 0 && !math.IsInf(m, 0) {
			workers := max(1, sv.Workers)
			n := int(math.Ceil(float64(workers) * timeout.Seconds() / m))
			fix = fmt.Sprintf("queue = { limit = %d } (workers %d x timeout %s / mean service time %s): no request waits longer than its caller does",
				n, workers, dur(timeout), dur(time.Duration(m*float64(time.Second))))
		}
		idx := strconv.Itoa(i)
		l.add(Warning, RuleUnbounded, sv.Name, []string{"services", idx, "queue"}, fmt.Sprintf("services[%s].queue", sv.Name),
			fmt.Sprintf("%s's queue has no bound and %s %s: under overload the queue grows without limit, timed-out attempts stay in it and their retries join them",
				sv.Name, strings.Join(callers, ", "), plural(len(callers), "retries", "retry")),
			fix)
	}
}

// breakers: a breaker open longer than an SLO's compliance window fails
// every call it covers for longer than the window: one trip spends the
// whole error budget (SRE workbook, "Alerting on SLOs").
func (l *linter) breakers() {
	for _, slo := range l.cfg.SLOs {
		window := slo.Window
		if window == 0 {
			window = l.cfg.Duration
		}
		l.g.walk(func(path []*edge) {
			if !covers(slo.Client, path[0]) && !containsEdge(path, slo.Client) {
				return
			}
			e := path[len(path)-1]
			b := e.pol.Breaker
			if b == nil || b.Off() || b.OpenFor <= window {
				return
			}
			l.add(Warning, RuleBreakerOpen, e.disp+"|"+slo.Name, e.at("breaker", "open_for"), e.disp+".breaker.open_for",
				fmt.Sprintf("%s -> %s's breaker stays open %s, longer than SLO %s's window of %s: one trip fails the calls %s covers for longer than the window, its whole error budget",
					e.from, e.to, dur(b.OpenFor), slo.Name, dur(window), slo.Name),
				fmt.Sprintf("breaker.open_for under %s (a few seconds, then half-open probes)", dur(window)))
		})
	}
}

// covers says an SLO's client ("users" or "api->db") names edge e.
func covers(client string, e *edge) bool {
	return client == e.from || client == e.from+"->"+e.to
}

func containsEdge(path []*edge, client string) bool {
	for _, e := range path {
		if client == e.from+"->"+e.to {
			return true
		}
	}
	return false
}

// dur prints a duration without trailing zero units ("1m", not "1m0s").
func dur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

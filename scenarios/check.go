package scenarios

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// check runs every semantic check after decoding: the world (models'
// Validate, located back in the file), the run settings, each variant with
// its overrides, the sweep and the claims.
func (s *Scenario) check(d *format.Decoder) {
	base := s.validateWorld(&s.Config, d, nil)
	var worst worstRun
	worst.consider(&s.Config, "", format.Path{})

	if s.Replications < 1 || s.Replications > maxReplications {
		d.Fail(format.At("replications"), nil, "must be in [1, %d], got %d", maxReplications, s.Replications)
	}
	if s.RunLimits.MaxWall < 0 {
		d.Fail(format.At("limits").Field("max_wall"), nil, "must be >= 0 (0 means the default, %v), got %v", DefaultMaxWall, s.RunLimits.MaxWall)
	}

	variants := []*Scenario{s}
	vnames := []string{BaseName} // parallel to variants
	names := []string{BaseName}  // every valid variant name
	for i := range s.Variants {
		v := &s.Variants[i]
		p := format.At("variants").Elem(i, v.Name)
		if i == maxVariants {
			d.Fail(format.At("variants").Elem(i, ""), nil, "%d variants, over the limit of %d on a scenario's variants; split them into several scenario files (or sweep the key they vary)",
				len(s.Variants), maxVariants)
			break
		}
		switch {
		case !format.ValidName(v.Name):
			d.Fail(p.Field("name"), nil, "must be a non-empty name of letters, digits, '_' or '-', got %q", v.Name)
		case v.Name == BaseName:
			d.Fail(p.Field("name"), nil, "%q is the name of the base scenario; pick another", BaseName)
		case slices.Contains(names, v.Name):
			d.Fail(p.Field("name"), nil, "%q is already the name of a variant; names must be unique", v.Name)
		default:
			names = append(names, v.Name)
		}
		vs, sets := s.withSettings(v.Set, d, p)
		if vs == nil {
			continue
		}
		variants = append(variants, vs)
		vnames = append(vnames, v.Name)
		s.validateWorld(&vs.Config, d, &variantCtx{p: p, sets: sets, base: base})
		worst.consider(&vs.Config, "of variant "+strconv.Quote(v.Name), p)
	}

	var axes [2][]any
	if sw := s.Sweep; sw != nil {
		p := format.At("sweep")
		if sw.X == nil {
			d.Fail(p, nil, "needs an axis: x = { path = \"clients.users.rate\", values = [100, 200] } (and optionally y)")
		}
		for j, a := range []*Axis{sw.X, sw.Y} {
			if a == nil {
				continue
			}
			ap := p.Field([]string{"x", "y"}[j])
			if a.Path != "" {
				if _, _, err := format.Resolve(format.Clone(s), a.Path); err != nil {
					d.Fail(ap.Field("path"), err, "%v", err)
					continue
				}
			}
			vals, ok := axisValues(s, a, d, ap)
			if !ok {
				continue
			}
			axes[j] = vals
			// Each value on its own, in the base and in every variant.
			for k, val := range vals {
				vp := ap.Field("values").Elem(k, "")
				if len(a.Values) == 0 {
					vp = ap // generated from a range: report at the axis
				}
				for vi, vs := range variants {
					c := format.Clone(vs)
					before := d.Len()
					if !d.Set(c, format.Setting{Path: a.Path, Value: val}, vp) {
						break
					}
					if d.Len() > before {
						break
					}
					ctx := &variantCtx{p: vp, base: base, point: fmt.Sprintf("with %s = %s", a.Path, format.Label(val))}
					if vi > 0 {
						ctx.point += " in variant " + strconv.Quote(vnames[vi])
					}
					ctx.sets = []setRef{{disp: "", p: vp}}
					s.validateWorld(&c.Config, d, ctx)
					worst.consider(&c.Config, ctx.point, vp)
				}
			}
		}
		if n := len(axes[0]) * max(1, len(axes[1])); n > maxPoints {
			d.Fail(p, nil, "has %d points; at most %d", n, maxPoints)
		}
	}
	points := max(1, len(axes[0])) * max(1, len(axes[1]))
	if runs := points * len(variants) * max(1, s.Replications); runs > maxRuns {
		d.Fail(format.At("replications"), nil, "the batch would be %d runs (points x variants x replications); at most %d", runs, maxRuns)
	}

	if !s.force && d.Len() == 0 {
		worst.check(d)
	}

	shape := metricShape(&s.Config)
	for i := range s.Expect {
		s.checkExpect(i, names, axes, shape, d)
	}
	s.checkFigures(names, shape, d)
	s.checkMargin(names, d)
	s.checkRare(names, base, d)
}

// setRef is a setting applied to a variant: the path errors spell for the
// key it set, and where the setting is.
type setRef struct {
	disp string
	p    format.Path
}

// variantCtx locates errors of a derived world (a variant or a sweep
// point): errors also in the base are left to the base; others go to the
// setting that touched the key, or to the variant itself.
type variantCtx struct {
	p     format.Path
	sets  []setRef
	base  map[string]bool
	point string
}

// withSettings returns a copy of s with sets applied, and what each one
// set; nil if a setting failed.
func (s *Scenario) withSettings(sets format.Settings, d *format.Decoder, p format.Path) (*Scenario, []setRef) {
	c := format.Clone(s)
	ok := true
	var refs []setRef
	for _, st := range sets {
		sp := st.In(p.Disp + ".set." + format.QuoteKey(st.Path))
		if sp.Key == nil {
			sp = format.Path{Disp: "--set " + st.Path}
		}
		_, disp, _ := format.Resolve(format.Clone(c), st.Path)
		if !d.Set(c, st, sp) {
			ok = false
			continue
		}
		refs = append(refs, setRef{disp: disp, p: sp})
	}
	if !ok {
		return nil, nil
	}
	return c, refs
}

// validateWorld runs models' Validate on a copy of c with defaults applied
// and reports its errors located in the file. It returns the set of
// "path: msg" errors found (to tell a variant's own errors from the
// base's).
func (s *Scenario) validateWorld(c *config.Config, d *format.Decoder, v *variantCtx) map[string]bool {
	cfg := *format.Clone(c)
	cfg.ApplyDefaults()
	if v == nil {
		explicitZeros(&cfg, d)
	}
	found := map[string]bool{}
	err := cfg.Validate()
	if err == nil {
		return found
	}
	var fes []*config.FieldError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var fe *config.FieldError
			if errors.As(e, &fe) {
				fes = append(fes, fe)
			}
		}
	} else {
		var fe *config.FieldError
		if errors.As(err, &fe) {
			fes = append(fes, fe)
		}
	}
	for _, fe := range fes {
		id := fe.Path + ": " + fe.Msg
		found[id] = true
		msg := fe.Msg + targetHint(fe, &cfg) + choiceHint(fe.Msg)
		if v == nil {
			key := d.KeyOf(fe.Path)
			if d.Failed(key) {
				continue
			}
			if fe.Msg == "must be > 0, got 0s" && d.HasPositions() && !d.Holds(key) {
				msg = "is required: a duration > 0, such as \"30s\""
			}
			d.Add(d.KeyPos(key), fe.Path, msg, fe)
			continue
		}
		if v.base[id] {
			continue
		}
		at, shown := v.p, fe.Path+": "+msg
		for _, sr := range v.sets {
			if sr.disp == fe.Path || sr.disp == "" {
				at, shown = sr.p, msg
				if sr.disp == "" {
					shown = fe.Path + ": " + msg
				}
				break
			}
			if strings.HasPrefix(fe.Path, sr.disp+".") || strings.HasPrefix(fe.Path, sr.disp+"[") {
				at = sr.p
			}
		}
		if d.Failed(at.Key) {
			continue
		}
		if v.point != "" {
			shown = v.point + ": " + shown
		}
		d.Add(d.KeyPos(at.Key), at.Disp, shown, fe)
	}
	return found
}

// explicitZeros puts back the zeros the file sets that cfg's defaults
// replaced, so that validation judges the value written, not the default:
// `workers = 0` is "must be >= 1, got 0", never a silent 1. A zero that
// validation accepts but a default would still replace when the world is
// built (limits.max_in_flight = 0 meaning a million) is an error here.
func explicitZeros(cfg *config.Config, d *format.Decoder) {
	zs := d.RestoreZeros(cfg)
	if len(zs) == 0 {
		return
	}
	judged := map[string]bool{}
	if err := cfg.Validate(); err != nil {
		for _, e := range unwrapAll(err) {
			var fe *config.FieldError
			if errors.As(e, &fe) {
				judged[fe.Path] = true
			}
		}
	}
	for _, z := range zs {
		if !judged[z.Path.Disp] {
			d.Fail(z.Path, nil, "is 0, which the default (%v) would replace: give a value in range, or leave the key out for the default", z.Default)
		}
	}
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// targetHint adds a did-you-mean to errors about a reference to a service,
// cache or client that does not exist.
func targetHint(fe *config.FieldError, c *config.Config) string {
	if !strings.HasSuffix(fe.Path, ".target") && !strings.HasSuffix(fe.Path, ".backend") {
		return ""
	}
	q, err := strconv.QuotedPrefix(fe.Msg)
	if err != nil {
		return ""
	}
	name, _ := strconv.Unquote(q)
	var names []string
	for _, sv := range c.Services {
		names = append(names, sv.Name)
	}
	for _, ca := range c.Caches {
		names = append(names, ca.Name)
	}
	for _, cl := range c.Clients {
		names = append(names, cl.Name)
	}
	if sug := format.Suggest(name, names); sug != "" {
		return fmt.Sprintf("; did you mean %q?", sug)
	}
	return ""
}

// choiceHint adds a did-you-mean to a "must be one of a, b, c, got "x""
// error when x is a likely typo of one of them.
func choiceHint(msg string) string {
	list, got, ok := strings.Cut(strings.TrimPrefix(msg, "must be one of "), ", got ")
	if !ok || !strings.HasPrefix(msg, "must be one of ") {
		return ""
	}
	x, err := strconv.Unquote(got)
	if err != nil {
		return ""
	}
	if sug := format.Suggest(x, strings.Split(list, ", ")); sug != "" {
		return fmt.Sprintf("; did you mean %q?", sug)
	}
	return ""
}

// checkExpect checks one claim.
func (s *Scenario) checkExpect(i int, names []string, axes [2][]any, shape *metricNode, d *format.Decoder) {
	ex := &s.Expect[i]
	p := format.At("expect").Elem(i, "")
	if d.HasPositions() {
		ex.pos = d.KeyPos(p.Key)
	}
	if !slices.Contains(names, ex.Variant) {
		d.Fail(p.Field("variant"), nil, "no variant named %q%s", ex.Variant, format.DidYouMean(ex.Variant, names, "variants"))
	}
	if ex.RelativeTo != "" && !slices.Contains(names, ex.RelativeTo) {
		d.Fail(p.Field("relative_to"), nil, "no variant named %q%s", ex.RelativeTo, format.DidYouMean(ex.RelativeTo, names, "variants"))
	}
	if ex.Recovered != nil {
		if ex.Metric != "" || ex.Equals != nil || ex.Min != nil || ex.Max != nil {
			d.Fail(p.Field("recovered"), nil, "is short for metric = \"recovered\" with equals = %v; give it alone, not with metric, equals, min or max", *ex.Recovered)
			return
		}
		ex.Metric, ex.Equals, ex.Recovered = "recovered", *ex.Recovered, nil
	}
	if IsMarginMetric(ex.Metric) {
		s.checkMarginExpect(ex, p, names, d)
		return
	}
	if IsRareMetric(ex.Metric) {
		s.checkRareExpect(ex, p, names, d)
		return
	}
	if ex.For != "" {
		d.Fail(p.Field("for"), nil, "picks the trigger duration of a margin claim (metric = \"margin.survived\" or \"margin.tipped\"), and %q is not one", ex.Metric)
	}
	mp := p.Field("metric")
	var leaf *metricNode
	if ex.Metric == "" {
		d.Fail(mp, nil, "is required: a path into the variant's summary, such as \"goodput\", \"latency_s.p99\" or \"recovered\"")
	} else if leaf = shape.find(strings.Split(ex.Metric, ".")); leaf == nil || leaf.leaf == "" || leaf.leaf == "array" {
		all := shape.leaves()
		msg := "is not a metric of the summary"
		if leaf != nil && leaf.leaf == "" {
			msg = "is a group of metrics, not one; pick a key inside it"
			var inside []string
			for _, l := range all {
				if strings.HasPrefix(l, ex.Metric+".") {
					inside = append(inside, l)
				}
			}
			if len(inside) > 0 {
				msg += ": " + strings.Join(inside, ", ")
			}
			d.Fail(mp, nil, "%s", msg)
		} else if sug := format.Suggest(ex.Metric, all); sug != "" {
			d.Fail(mp, nil, "%q %s; did you mean %q?", ex.Metric, msg, sug)
		} else {
			d.Fail(mp, nil, "%q %s (e.g. calls, goodput, amplification, latency_s.p99, recovered, recovery_s, services.<name>.utilization)", ex.Metric, msg)
		}
		leaf = nil
	}
	checkBounds(ex, p, d)
	if ex.Equals != nil {
		kind := ""
		switch ex.Equals.(type) {
		case int64, float64:
			kind = "number"
		case bool:
			kind = "boolean"
		case string:
			kind = "string"
		default:
			d.Fail(p.Field("equals"), nil, "must be a number, a boolean or a string, got %s", format.Describe(ex.Equals))
		}
		if kind != "" && leaf != nil && leaf.leaf != kind && !(leaf.leaf == "boolean" && kind == "number") {
			d.Fail(p.Field("equals"), nil, "%s is a %s, so equals must be one, got %s", ex.Metric, leaf.leaf, format.Describe(ex.Equals))
		}
	}
	if (ex.Min != nil || ex.Max != nil) && leaf != nil && leaf.leaf == "string" {
		d.Fail(p.Field("metric"), nil, "%s is a string: use equals, not min/max", ex.Metric)
	}
	if ex.RelativeTo != "" && leaf != nil && leaf.leaf != "number" {
		d.Fail(p.Field("relative_to"), nil, "compares numbers, and %s is a %s", ex.Metric, leaf.leaf)
	}
	if math.IsNaN(ex.Tolerance) || ex.Tolerance < 0 || math.IsInf(ex.Tolerance, 0) {
		d.Fail(p.Field("tolerance"), nil, "must be a finite number >= 0, got %v", ex.Tolerance)
	}
	for _, m := range []*float64{ex.Min, ex.Max} {
		if m != nil && math.IsNaN(*m) {
			d.Fail(p, nil, "min and max must be numbers, got nan")
		}
	}
	for j, sel := range []any{ex.X, ex.Y} {
		if sel == nil {
			continue
		}
		k := []string{"x", "y"}[j]
		if axes[j] == nil {
			d.Fail(p.Field(k), nil, "picks a sweep point, but the scenario has no sweep.%s", k)
			continue
		}
		found := false
		var labels []string
		for _, v := range axes[j] {
			found = found || format.Equal(v, sel)
			labels = append(labels, format.Label(v))
		}
		if !found {
			d.Fail(p.Field(k), nil, "%s is not a value of sweep.%s (values: %s)", format.Label(sel), k, strings.Join(labels, ", "))
		}
	}
}

package scenarios

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/models"
)

// check runs every semantic check after decoding: the world (models'
// Validate, located back in the file), the run settings, each variant with
// its overrides, the sweep and the claims.
func (s *Scenario) check(d *decoder) {
	base := s.validateWorld(&s.Config, d, nil)

	if s.Replications < 1 || s.Replications > maxReplications {
		d.fail(path{[]string{"replications"}, "replications"}, nil, "must be in [1, %d], got %d", maxReplications, s.Replications)
	}
	if s.RunLimits.MaxWall < 0 {
		d.fail(path{[]string{"limits", "max_wall"}, "limits.max_wall"}, nil, "must be >= 0 (0 means the default, %v), got %v", DefaultMaxWall, s.RunLimits.MaxWall)
	}

	variants := []*Scenario{s}
	vnames := []string{BaseName} // parallel to variants
	names := []string{BaseName}  // every valid variant name
	for i := range s.Variants {
		v := &s.Variants[i]
		p := path{key: []string{"variants", strconv.Itoa(i)}}.elemDisp("variants", i, v.Name)
		switch {
		case !validName(v.Name):
			d.fail(p.field("name"), nil, "must be a non-empty name of letters, digits, '_' or '-', got %q", v.Name)
		case v.Name == BaseName:
			d.fail(p.field("name"), nil, "%q is the name of the base scenario; pick another", BaseName)
		case contains(names, v.Name):
			d.fail(p.field("name"), nil, "%q is already the name of a variant; names must be unique", v.Name)
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
	}

	var axes [2][]any
	if sw := s.Sweep; sw != nil {
		p := path{[]string{"sweep"}, "sweep"}
		if sw.X == nil {
			d.fail(p, nil, "needs an axis: x = { path = \"clients.users.rate\", values = [100, 200] } (and optionally y)")
		}
		for j, a := range []*Axis{sw.X, sw.Y} {
			if a == nil {
				continue
			}
			ap := p.field([]string{"x", "y"}[j])
			if a.Path != "" {
				if _, _, err := resolve(s.clone(), a.Path); err != nil {
					d.fail(ap.field("path"), err, "%v", err)
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
				vp := ap.field("values").elem(k, "")
				if len(a.Values) == 0 {
					vp = ap // generated from a range: report at the axis
				}
				for vi, vs := range variants {
					c := vs.clone()
					before := len(d.e.list)
					if !apply(c, Setting{Path: a.Path, Value: val}, d, vp) {
						break
					}
					if len(d.e.list) > before {
						break
					}
					ctx := &variantCtx{p: vp, base: base, point: fmt.Sprintf("with %s = %s", a.Path, label(val))}
					if vi > 0 {
						ctx.point += " in variant " + strconv.Quote(vnames[vi])
					}
					ctx.sets = []setRef{{disp: "", p: vp}}
					s.validateWorld(&c.Config, d, ctx)
				}
			}
		}
		if n := len(axes[0]) * max(1, len(axes[1])); n > maxPoints {
			d.fail(p, nil, "has %d points; at most %d", n, maxPoints)
		}
	}
	points := max(1, len(axes[0])) * max(1, len(axes[1]))
	if runs := points * len(variants) * max(1, s.Replications); runs > maxRuns {
		d.fail(path{[]string{"replications"}, "replications"}, nil, "the batch would be %d runs (points x variants x replications); at most %d", runs, maxRuns)
	}

	shape := metricShape(&s.Config)
	for i := range s.Expect {
		s.checkExpect(i, names, axes, shape, d)
	}
}

// elemDisp sets the display path of a list entry (by name when valid).
func (p path) elemDisp(list string, i int, name string) path {
	sel := strconv.Itoa(i)
	if validName(name) {
		sel = name
	}
	p.disp = list + "[" + sel + "]"
	return p
}

// setRef is a setting applied to a variant: the path errors spell for the
// key it set, and where the setting is.
type setRef struct {
	disp string
	p    path
}

// variantCtx locates errors of a derived world (a variant or a sweep
// point): errors also in the base are left to the base; others go to the
// setting that touched the key, or to the variant itself.
type variantCtx struct {
	p     path
	sets  []setRef
	base  map[string]bool
	point string
}

// withSettings returns a copy of s with sets applied, and what each one
// set; nil if a setting failed.
func (s *Scenario) withSettings(sets Settings, d *decoder, p path) (*Scenario, []setRef) {
	c := s.clone()
	ok := true
	var refs []setRef
	for _, st := range sets {
		sp := path{key: st.key, disp: p.disp + ".set." + quoteKey(st.Path)}
		if st.key == nil {
			sp = path{disp: "--set " + st.Path}
		}
		_, disp, _ := resolve(c.clone(), st.Path)
		if !apply(c, st, d, sp) {
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
func (s *Scenario) validateWorld(c *models.Config, d *decoder, v *variantCtx) map[string]bool {
	cfg := *c
	cfg.ApplyDefaults()
	found := map[string]bool{}
	err := cfg.Validate()
	if err == nil {
		return found
	}
	var fes []*models.FieldError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var fe *models.FieldError
			if errors.As(e, &fe) {
				fes = append(fes, fe)
			}
		}
	} else {
		var fe *models.FieldError
		if errors.As(err, &fe) {
			fes = append(fes, fe)
		}
	}
	for _, fe := range fes {
		id := fe.Path + ": " + fe.Msg
		found[id] = true
		msg := fe.Msg + targetHint(fe, &cfg)
		if v == nil {
			key := s.modelKey(fe.Path)
			if d.hasFailed(key) {
				continue
			}
			d.e.add(d.keyPos(key), fe.Path, msg, fe)
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
		if d.hasFailed(at.key) {
			continue
		}
		if v.point != "" {
			shown = v.point + ": " + shown
		}
		d.e.add(d.keyPos(at.key), at.disp, shown, fe)
	}
	return found
}

// targetHint adds a did-you-mean to errors about a reference to a service,
// cache or client that does not exist.
func targetHint(fe *models.FieldError, c *models.Config) string {
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
	if sug := suggest(name, names); sug != "" {
		return fmt.Sprintf("; did you mean %q?", sug)
	}
	return ""
}

// modelKey turns a models error path ("services[api].calls[0].target")
// into the index key of that key in the file, resolving entries by name
// against what the file holds.
func (s *Scenario) modelKey(mpath string) []string {
	var key []string
	var cur any = s.raw
	rest := mpath
	for rest != "" {
		if rest[0] == '[' {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				break
			}
			sel := rest[1:end]
			rest = strings.TrimPrefix(rest[end+1:], ".")
			items, _ := asArray(cur)
			idx := -1
			if n, err := strconv.Atoi(sel); err == nil && n >= 0 && n < len(items) {
				idx = n
			}
			for i, it := range items {
				if name, ok := nameOf(it); ok && name == sel && idx < 0 {
					idx = i
				}
			}
			if idx < 0 {
				break
			}
			key = append(key, strconv.Itoa(idx))
			cur = items[idx]
			continue
		}
		end := strings.IndexAny(rest, ".[")
		name := rest
		if end >= 0 {
			name = rest[:end]
			rest = rest[end:]
			rest = strings.TrimPrefix(rest, ".")
		} else {
			rest = ""
		}
		key = append(key, name)
		if m, ok := cur.(map[string]any); ok {
			cur = m[name]
		} else {
			cur = nil
		}
	}
	return key
}

// checkExpect checks one claim.
func (s *Scenario) checkExpect(i int, names []string, axes [2][]any, shape *metricNode, d *decoder) {
	ex := &s.Expect[i]
	p := path{key: []string{"expect", strconv.Itoa(i)}, disp: fmt.Sprintf("expect[%d]", i)}
	if d.ix != nil {
		ex.pos = d.keyPos(p.key)
	}
	if !contains(names, ex.Variant) {
		d.fail(p.field("variant"), nil, "no variant named %q%s", ex.Variant, didYouMean(ex.Variant, names, "variants"))
	}
	if ex.RelativeTo != "" && !contains(names, ex.RelativeTo) {
		d.fail(p.field("relative_to"), nil, "no variant named %q%s", ex.RelativeTo, didYouMean(ex.RelativeTo, names, "variants"))
	}
	if ex.Recovered != nil {
		if ex.Metric != "" || ex.Equals != nil || ex.Min != nil || ex.Max != nil {
			d.fail(p.field("recovered"), nil, "is short for metric = \"recovered\" with equals = %v; give it alone, not with metric, equals, min or max", *ex.Recovered)
			return
		}
		ex.Metric, ex.Equals, ex.Recovered = "recovered", *ex.Recovered, nil
	}
	mp := p.field("metric")
	var leaf *metricNode
	if ex.Metric == "" {
		d.fail(mp, nil, "is required: a path into the variant's summary, such as \"goodput\", \"latency_s.p99\" or \"recovered\"")
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
			d.fail(mp, nil, "%s", msg)
		} else if sug := suggest(ex.Metric, all); sug != "" {
			d.fail(mp, nil, "%q %s; did you mean %q?", ex.Metric, msg, sug)
		} else {
			d.fail(mp, nil, "%q %s (e.g. calls, goodput, amplification, latency_s.p99, recovered, recovery_s, services.<name>.utilization)", ex.Metric, msg)
		}
		leaf = nil
	}
	switch {
	case ex.Equals != nil && (ex.Min != nil || ex.Max != nil):
		d.fail(p.field("equals"), nil, "give equals, or min and/or max, not both")
	case ex.Equals == nil && ex.Min == nil && ex.Max == nil:
		d.fail(p, nil, "needs equals, or min and/or max")
	case ex.Min != nil && ex.Max != nil && !(*ex.Min <= *ex.Max):
		d.fail(p.field("min"), nil, "must be <= max (%v), got %v", *ex.Max, *ex.Min)
	}
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
			d.fail(p.field("equals"), nil, "must be a number, a boolean or a string, got %s", describe(ex.Equals))
		}
		if kind != "" && leaf != nil && leaf.leaf != kind && !(leaf.leaf == "boolean" && kind == "number") {
			d.fail(p.field("equals"), nil, "%s is a %s, so equals must be one, got %s", ex.Metric, leaf.leaf, describe(ex.Equals))
		}
	}
	if (ex.Min != nil || ex.Max != nil) && leaf != nil && leaf.leaf == "string" {
		d.fail(p.field("metric"), nil, "%s is a string: use equals, not min/max", ex.Metric)
	}
	if ex.RelativeTo != "" && leaf != nil && leaf.leaf != "number" {
		d.fail(p.field("relative_to"), nil, "compares numbers, and %s is a %s", ex.Metric, leaf.leaf)
	}
	if math.IsNaN(ex.Tolerance) || ex.Tolerance < 0 || math.IsInf(ex.Tolerance, 0) {
		d.fail(p.field("tolerance"), nil, "must be a finite number >= 0, got %v", ex.Tolerance)
	}
	for _, m := range []*float64{ex.Min, ex.Max} {
		if m != nil && math.IsNaN(*m) {
			d.fail(p, nil, "min and max must be numbers, got nan")
		}
	}
	for j, sel := range []any{ex.X, ex.Y} {
		if sel == nil {
			continue
		}
		k := []string{"x", "y"}[j]
		if axes[j] == nil {
			d.fail(p.field(k), nil, "picks a sweep point, but the scenario has no sweep.%s", k)
			continue
		}
		found := false
		var labels []string
		for _, v := range axes[j] {
			found = found || sameValue(v, sel)
			labels = append(labels, label(v))
		}
		if !found {
			d.fail(p.field(k), nil, "%s is not a value of sweep.%s (values: %s)", label(sel), k, strings.Join(labels, ", "))
		}
	}
}

package results

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"math"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// OTLPEpoch is the wall-clock instant (Unix seconds) that virtual time 0
// is written as in OTLP traces: 2000-01-01T00:00:00Z. OTLP times are Unix
// nanoseconds, and a fixed origin keeps the file the same byte for byte
// on every run; the resource attribute stampede.virtual_time_origin says
// so in the file.
const OTLPEpoch = 946684800

// WriteOTLPTraces writes traces as OTLP JSON, the OpenTelemetry
// protocol's JSON encoding of an ExportTraceServiceRequest, one per line
// and one line per run, as the OpenTelemetry Collector's file exporter
// writes them (and its otlpjsonfile receiver, Jaeger and Tempo read
// them). The encoding is pdata's (go.opentelemetry.io/collector/pdata),
// the Collector's own.
//
// Each service, cache and client of a run is a resource (service.name,
// with stampede.run naming the run). A call is an INTERNAL span at its
// caller; each attempt of it a CLIENT span under the call, from send to
// the moment the caller let go; and the target's side of an attempt a
// SERVER span under it, from arrival to answer, with events where a
// worker took it ("started") and its local work ended ("work_done"). A
// call made while serving a request is a child of that request's SERVER
// span, so the tree reads as the request flowed. A failed call or attempt
// has status ERROR with its reason; a late answer (after the caller gave
// up) is marked by the attribute stampede.late. Trace IDs hash the run's
// name with the call's trace ID (the same call in two variants is two
// traces), span IDs the trace ID with the span's place in it: the output
// is deterministic.
func WriteOTLPTraces(w io.Writer, sets []TraceSet) error {
	bw := bufio.NewWriter(w)
	var m ptrace.JSONMarshaler
	for _, set := range sets {
		td := ptrace.NewTraces()
		o := otlpRun{run: set.Name, td: td, scopes: map[string]ptrace.SpanSlice{}}
		for i := range set.Traces {
			o.trace(&set.Traces[i])
		}
		b, err := m.MarshalTraces(td)
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// otlpRun builds one run's traces, one resource per service in the order
// first met.
type otlpRun struct {
	run    string
	td     ptrace.Traces
	scopes map[string]ptrace.SpanSlice // by service name
}

// spans returns the span list of service's resource, adding it.
func (o *otlpRun) spans(service string) ptrace.SpanSlice {
	if s, ok := o.scopes[service]; ok {
		return s
	}
	rs := o.td.ResourceSpans().AppendEmpty()
	a := rs.Resource().Attributes()
	a.PutStr("service.name", service)
	a.PutStr("stampede.run", o.run)
	a.PutStr("stampede.virtual_time_origin", "2000-01-01T00:00:00Z is virtual time 0")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("stampede")
	s := ss.Spans()
	o.scopes[service] = s
	return s
}

// otlpTime converts seconds of virtual time to an OTLP timestamp.
func otlpTime(s float64) pcommon.Timestamp {
	return pcommon.Timestamp(uint64(OTLPEpoch)*1e9 + uint64(math.Round(math.Max(0, s)*1e9)))
}

// otlpIDs derives a trace's IDs from the run name and the call's trace
// ID: the trace ID, and the span ID of its n-th span.
type otlpIDs struct{ trace [16]byte }

func newOTLPIDs(run, id string) otlpIDs {
	h := sha256.Sum256([]byte(run + "\x00" + id))
	var ids otlpIDs
	copy(ids.trace[:], h[:16])
	return ids
}

func (ids otlpIDs) span(kind byte, i int) pcommon.SpanID {
	var b [16 + 1 + 8]byte
	copy(b[:], ids.trace[:])
	b[16] = kind
	binary.BigEndian.PutUint64(b[17:], uint64(i))
	h := sha256.Sum256(b[:])
	var id [8]byte
	copy(id[:], h[:8])
	return pcommon.SpanID(id)
}

// caller names who makes a call: the client of the root call, the "from"
// of a "from->to" edge.
func caller(t *Trace, c *TraceCall) string {
	if from, _, ok := strings.Cut(c.Edge, "->"); ok {
		return from
	}
	if c.Edge != "" {
		return c.Edge
	}
	return t.Client
}

// trace adds one recorded call tree.
func (o *otlpRun) trace(t *Trace) {
	ids := newOTLPIDs(o.run, t.ID)
	tid := pcommon.TraceID(ids.trace)
	end := func(p *float64, or float64) float64 {
		if p != nil {
			return *p
		}
		return or
	}
	for ci := range t.Calls {
		c := &t.Calls[ci]
		sp := o.spans(caller(t, c)).AppendEmpty()
		sp.SetTraceID(tid)
		sp.SetSpanID(ids.span('c', ci))
		if c.Parent >= 0 && c.Parent < len(t.Spans) {
			sp.SetParentSpanID(ids.span('s', c.Parent))
		}
		sp.SetName("call " + c.Target)
		sp.SetKind(ptrace.SpanKindInternal)
		sp.SetStartTimestamp(otlpTime(c.StartS))
		sp.SetEndTimestamp(otlpTime(end(c.EndS, t.EndS)))
		a := sp.Attributes()
		a.PutStr("stampede.edge", c.Edge)
		a.PutStr("stampede.outcome", orNone(c.Outcome, "in flight"))
		if ci == 0 {
			a.PutStr("stampede.trace_id", t.ID)
			a.PutStr("stampede.kept", strings.Join(t.Kept, ","))
			if t.Dropped > 0 {
				a.PutInt("stampede.dropped_spans", int64(t.Dropped))
			}
		}
		otlpStatus(sp, c.Outcome)
	}
	for si := range t.Spans {
		s := &t.Spans[si]
		c := &t.Calls[s.Call]
		last := end(s.EndS, t.EndS)
		if s.AnsweredS != nil {
			last = math.Max(last, *s.AnsweredS)
		}
		cl := o.spans(caller(t, c)).AppendEmpty()
		cl.SetTraceID(tid)
		cl.SetSpanID(ids.span('a', si))
		cl.SetParentSpanID(ids.span('c', s.Call))
		cl.SetName(s.Target)
		cl.SetKind(ptrace.SpanKindClient)
		cl.SetStartTimestamp(otlpTime(s.SentS))
		cl.SetEndTimestamp(otlpTime(end(s.EndS, last)))
		a := cl.Attributes()
		a.PutInt("stampede.attempt", int64(s.Attempt))
		a.PutStr("stampede.outcome", orNone(s.Outcome, "in flight"))
		a.PutStr("peer.service", s.Target)
		if s.Late {
			a.PutBool("stampede.late", true)
		}
		otlpStatus(cl, s.Outcome)
		if s.ArrivedS == nil {
			continue // lost on the way, or still on the wire: no server side
		}
		sv := o.spans(s.Target).AppendEmpty()
		sv.SetTraceID(tid)
		sv.SetSpanID(ids.span('s', si))
		sv.SetParentSpanID(ids.span('a', si))
		sv.SetName(s.Target)
		sv.SetKind(ptrace.SpanKindServer)
		sv.SetStartTimestamp(otlpTime(*s.ArrivedS))
		sv.SetEndTimestamp(otlpTime(end(s.AnsweredS, last)))
		a = sv.Attributes()
		a.PutInt("stampede.attempt", int64(s.Attempt))
		a.PutStr("stampede.answer", orNone(s.Server, "no answer"))
		if s.Cache {
			a.PutBool("stampede.cache", true)
		}
		if s.StartedS != nil {
			ev := sv.Events().AppendEmpty()
			ev.SetName("started")
			ev.SetTimestamp(otlpTime(*s.StartedS))
		}
		if s.WorkDoneS != nil {
			ev := sv.Events().AppendEmpty()
			ev.SetName("work_done")
			ev.SetTimestamp(otlpTime(*s.WorkDoneS))
		}
		otlpStatus(sv, s.Server)
	}
}

// otlpStatus sets a span's status from an outcome: OK for "ok", ERROR
// with the reason for a failure, unset while in flight.
func otlpStatus(sp ptrace.Span, outcome string) {
	switch outcome {
	case "":
	case "ok":
		sp.Status().SetCode(ptrace.StatusCodeOk)
	default:
		sp.Status().SetCode(ptrace.StatusCodeError)
		sp.Status().SetMessage(outcome)
	}
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// otlpFile is an OpenTelemetry span exporter that writes what the
// Collector's file exporter writes: one OTLP JSON ExportTraceServiceRequest
// per line, one line per exported batch, encoded by the Collector's own
// pdata marshaler. Several tracer providers (one per service, each with its
// service.name resource) share one file.
type otlpFile struct {
	mu    sync.Mutex
	f     *os.File
	w     *bufio.Writer
	spans int
	err   error
}

func newOTLPFile(path string) (*otlpFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &otlpFile{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// ExportSpans writes one batch as one line.
func (o *otlpFile) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	if len(spans) == 0 {
		return nil
	}
	td := ptrace.NewTraces()
	byRes := map[string]ptrace.ScopeSpans{}
	for _, s := range spans {
		key := s.Resource().Encoded(attribute.DefaultEncoder()) + "\x00" + s.InstrumentationScope().Name
		ss, ok := byRes[key]
		if !ok {
			rs := td.ResourceSpans().AppendEmpty()
			for _, kv := range s.Resource().Attributes() {
				putAttr(rs.Resource().Attributes(), kv)
			}
			ss = rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName(s.InstrumentationScope().Name)
			byRes[key] = ss
		}
		sp := ss.Spans().AppendEmpty()
		sc := s.SpanContext()
		sp.SetTraceID(pcommon.TraceID(sc.TraceID()))
		sp.SetSpanID(pcommon.SpanID(sc.SpanID()))
		if p := s.Parent(); p.IsValid() {
			sp.SetParentSpanID(pcommon.SpanID(p.SpanID()))
		}
		sp.SetName(s.Name())
		sp.SetKind(ptrace.SpanKind(s.SpanKind()))
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(s.StartTime()))
		sp.SetEndTimestamp(pcommon.NewTimestampFromTime(s.EndTime()))
		for _, kv := range s.Attributes() {
			putAttr(sp.Attributes(), kv)
		}
		// The Go API numbers codes Unset, Error, Ok; OTLP numbers them
		// Unset, Ok, Error.
		st := s.Status()
		switch st.Code {
		case codes.Error:
			sp.Status().SetCode(ptrace.StatusCodeError)
			sp.Status().SetMessage(st.Description)
		case codes.Ok:
			sp.Status().SetCode(ptrace.StatusCodeOk)
		}
	}
	b, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		_, o.err = o.w.Write(append(b, '\n'))
	}
	o.spans += len(spans)
	return o.err
}

// Shutdown does nothing: the file is closed by close, after every
// provider has flushed into it.
func (o *otlpFile) Shutdown(context.Context) error { return nil }

func (o *otlpFile) close() (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		o.err = o.w.Flush()
	}
	if err := o.f.Close(); o.err == nil && err != nil {
		o.err = err
	}
	if o.err != nil {
		return o.spans, fmt.Errorf("writing %s: %w", o.f.Name(), o.err)
	}
	return o.spans, nil
}

func putAttr(m pcommon.Map, kv attribute.KeyValue) {
	k := string(kv.Key)
	switch kv.Value.Type() {
	case attribute.STRING:
		m.PutStr(k, kv.Value.AsString())
	case attribute.INT64:
		m.PutInt(k, kv.Value.AsInt64())
	case attribute.BOOL:
		m.PutBool(k, kv.Value.AsBool())
	case attribute.FLOAT64:
		m.PutDouble(k, kv.Value.AsFloat64())
	default:
		m.PutStr(k, kv.Value.String())
	}
}

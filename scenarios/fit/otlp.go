package fit

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits on trace input.
const (
	// MaxAttributes is the most attributes of one span or resource read;
	// the rest are skipped and counted (warning "attributes_skipped").
	MaxAttributes = 1000
)

// readTraces streams spans from r to emit: OTLP JSON (an
// ExportTraceServiceRequest object, or one per line as the Collector's
// file exporter writes them) or Zipkin v2 JSON (an array of spans, or one
// array per line), told apart by the first byte. It holds one span at a
// time (and the spans of one resource until its service name is read, if
// a file puts it after them).
func readTraces(r io.Reader, file string, emit func(*Span), w *Warnings) error {
	lr := &lineReader{r: r}
	br := bufio.NewReaderSize(lr, 1<<16)
	first, err := firstByte(br)
	if err != nil {
		if err == io.EOF {
			return &InputError{File: file, Msg: "empty input: no spans"}
		}
		return err
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	d := &decoder{dec: dec, lr: lr, file: file, emit: emit, w: w}
	switch first {
	case '{':
		return d.otlp()
	case '[':
		return d.zipkin()
	}
	return lr.errorAt(file, 0, "not trace JSON: the input starts with %q; want OTLP JSON (an object with resourceSpans) or Zipkin v2 JSON (an array of spans)", string(first))
}

// firstByte peeks at the first byte that is not white space, consuming
// nothing.
func firstByte(br *bufio.Reader) (byte, error) {
	for i := 1; i <= br.Size(); i++ {
		b, err := br.Peek(i)
		if len(b) < i {
			return 0, err
		}
		if c := b[i-1]; c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return c, nil
		}
	}
	return 0, errors.New("no JSON in the first 64 KiB")
}

type decoder struct {
	dec  *json.Decoder
	lr   *lineReader
	file string
	emit func(*Span)
	w    *Warnings
	span Span
}

// fail turns a decoding error into a located one.
func (d *decoder) fail(err error) error {
	off := d.dec.InputOffset()
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return d.lr.errorAt(d.file, d.lr.off, "truncated: the input ends inside a JSON value")
	case errors.As(err, &se):
		return d.lr.errorAt(d.file, se.Offset, "invalid JSON: %v", err)
	case errors.As(err, &te):
		return d.lr.errorAt(d.file, te.Offset, "%s: want %s, got JSON %s", te.Field, te.Type, te.Value)
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	return d.lr.errorAt(d.file, off, "%v", err)
}

func (d *decoder) delim(want json.Delim) error {
	t, err := d.dec.Token()
	if err != nil {
		return d.fail(err)
	}
	if t != want {
		return d.fail(fmt.Errorf("want %q, got %v", string(want), t))
	}
	return nil
}

func (d *decoder) key() (string, error) {
	t, err := d.dec.Token()
	if err != nil {
		return "", d.fail(err)
	}
	k, ok := t.(string)
	if !ok {
		return "", d.fail(fmt.Errorf("want an object key, got %v", t))
	}
	return k, nil
}

func (d *decoder) skip() error {
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return d.fail(err)
	}
	return nil
}

// otlp reads OTLP JSON objects until the input ends.
func (d *decoder) otlp() error {
	objects, found, prom := 0, false, false
	for d.dec.More() {
		if err := d.delim('{'); err != nil {
			return err
		}
		objects++
		for d.dec.More() {
			k, err := d.key()
			if err != nil {
				return err
			}
			if k != "resourceSpans" {
				prom = prom || k == "resultType" || k == "data"
				if err := d.skip(); err != nil {
					return err
				}
				continue
			}
			found = true
			if err := d.array(d.resourceSpans); err != nil {
				return err
			}
		}
		if err := d.delim('}'); err != nil {
			return err
		}
	}
	switch {
	case !found && prom:
		return &InputError{File: d.file, Msg: "not OTLP JSON but a Prometheus answer, it seems: give it with --prom"}
	case !found:
		return &InputError{File: d.file, Msg: fmt.Sprintf("not OTLP JSON: none of its %d objects has resourceSpans (OTLP metrics or logs? traces are wanted)", objects)}
	}
	return nil
}

func (d *decoder) array(each func() error) error {
	if err := d.delim('['); err != nil {
		return err
	}
	for d.dec.More() {
		if err := each(); err != nil {
			return err
		}
	}
	return d.delim(']')
}

type otlpAttr struct {
	Key   string `json:"key"`
	Value struct {
		StringValue string `json:"stringValue"`
	} `json:"value"`
}

type otlpSpan struct {
	TraceID      string          `json:"traceId"`
	SpanID       string          `json:"spanId"`
	ParentSpanID string          `json:"parentSpanId"`
	Name         string          `json:"name"`
	Kind         json.RawMessage `json:"kind"`
	Start        json.RawMessage `json:"startTimeUnixNano"`
	End          json.RawMessage `json:"endTimeUnixNano"`
	Attributes   []otlpAttr      `json:"attributes"`
	Status       struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"status"`
}

// resourceSpans reads one resource's spans. The resource (its
// service.name) normally comes first; spans read before it wait.
func (d *decoder) resourceSpans() error {
	if err := d.delim('{'); err != nil {
		return err
	}
	service, haveRes := "", false
	var waiting []Span
	for d.dec.More() {
		k, err := d.key()
		if err != nil {
			return err
		}
		switch k {
		case "resource":
			var res struct {
				Attributes []otlpAttr `json:"attributes"`
			}
			if err := d.dec.Decode(&res); err != nil {
				return d.fail(err)
			}
			for _, a := range res.Attributes {
				if a.Key == "service.name" {
					service = a.Value.StringValue
				}
			}
			haveRes = true
			for i := range waiting {
				waiting[i].Service = service
				d.emitSpan(&waiting[i])
			}
			waiting = nil
		case "scopeSpans", "instrumentationLibrarySpans":
			err := d.array(func() error {
				if err := d.delim('{'); err != nil {
					return err
				}
				for d.dec.More() {
					k, err := d.key()
					if err != nil {
						return err
					}
					if k != "spans" {
						if err := d.skip(); err != nil {
							return err
						}
						continue
					}
					if err := d.array(func() error {
						s, err := d.otlpSpan()
						if err != nil {
							return err
						}
						if haveRes {
							s.Service = service
							d.emitSpan(s)
						} else {
							waiting = append(waiting, *s)
						}
						return nil
					}); err != nil {
						return err
					}
				}
				return d.delim('}')
			})
			if err != nil {
				return err
			}
		default:
			if err := d.skip(); err != nil {
				return err
			}
		}
	}
	for i := range waiting {
		d.emitSpan(&waiting[i])
	}
	return d.delim('}')
}

func (d *decoder) emitSpan(s *Span) {
	if s.Service == "" {
		d.w.add(WarnNoService, 1)
		s.Service = "unknown"
	}
	d.emit(s)
}

func (d *decoder) otlpSpan() (*Span, error) {
	var o otlpSpan
	off := d.dec.InputOffset()
	if err := d.dec.Decode(&o); err != nil {
		return nil, d.fail(err)
	}
	s := &d.span
	*s = Span{Trace: o.TraceID, ID: o.SpanID, Parent: o.ParentSpanID, Name: o.Name}
	if s.Trace == "" || s.ID == "" {
		return nil, d.lr.errorAt(d.file, off, "span %q has no traceId or spanId", o.Name)
	}
	var err error
	if s.Start, err = strconv.ParseInt(strings.Trim(string(o.Start), `"`), 10, 64); err != nil {
		return nil, d.lr.errorAt(d.file, off, "span %s: startTimeUnixNano %q is not an integer", s.ID, o.Start)
	}
	if s.End, err = strconv.ParseInt(strings.Trim(string(o.End), `"`), 10, 64); err != nil {
		return nil, d.lr.errorAt(d.file, off, "span %s: endTimeUnixNano %q is not an integer", s.ID, o.End)
	}
	s.Kind = otlpKind(o.Kind)
	code := strings.Trim(string(o.Status.Code), `"`)
	s.Error = code == "2" || code == "STATUS_CODE_ERROR"
	errType := ""
	if len(o.Attributes) > MaxAttributes {
		d.w.add(WarnAttributes, len(o.Attributes)-MaxAttributes)
		o.Attributes = o.Attributes[:MaxAttributes]
	}
	for _, a := range o.Attributes {
		switch a.Key {
		case "peer.service":
			s.Peer = a.Value.StringValue
		case "error.type":
			errType = a.Value.StringValue
		}
	}
	s.Timeout = s.Error && isTimeout(errType, o.Status.Message)
	return s, nil
}

func otlpKind(raw json.RawMessage) Kind {
	switch strings.Trim(string(raw), `"`) {
	case "1", "SPAN_KIND_INTERNAL":
		return KindInternal
	case "2", "SPAN_KIND_SERVER":
		return KindServer
	case "3", "SPAN_KIND_CLIENT":
		return KindClient
	case "4", "SPAN_KIND_PRODUCER":
		return KindProducer
	case "5", "SPAN_KIND_CONSUMER":
		return KindConsumer
	}
	return KindUnspecified
}

type zipkinSpan struct {
	TraceID        string                       `json:"traceId"`
	ID             string                       `json:"id"`
	ParentID       string                       `json:"parentId"`
	Name           string                       `json:"name"`
	Kind           string                       `json:"kind"`
	Timestamp      int64                        `json:"timestamp"` // µs
	Duration       int64                        `json:"duration"`  // µs
	LocalEndpoint  struct{ ServiceName string } `json:"localEndpoint"`
	RemoteEndpoint struct{ ServiceName string } `json:"remoteEndpoint"`
	Tags           map[string]string            `json:"tags"`
}

// zipkin reads Zipkin v2 JSON: arrays of spans until the input ends.
func (d *decoder) zipkin() error {
	for d.dec.More() {
		err := d.array(func() error {
			var z zipkinSpan
			off := d.dec.InputOffset()
			if err := d.dec.Decode(&z); err != nil {
				return d.fail(err)
			}
			if z.TraceID == "" || z.ID == "" {
				return d.lr.errorAt(d.file, off, "not a Zipkin v2 span: no traceId or id")
			}
			if len(z.Tags) > MaxAttributes {
				d.w.add(WarnAttributes, len(z.Tags)-MaxAttributes)
			}
			s := &d.span
			*s = Span{Trace: z.TraceID, ID: z.ID, Parent: z.ParentID, Name: z.Name,
				Service: z.LocalEndpoint.ServiceName, Peer: z.RemoteEndpoint.ServiceName,
				Start: z.Timestamp * 1000, End: (z.Timestamp + z.Duration) * 1000}
			switch z.Kind {
			case "SERVER":
				s.Kind = KindServer
			case "CLIENT":
				s.Kind = KindClient
			case "PRODUCER":
				s.Kind = KindProducer
			case "CONSUMER":
				s.Kind = KindConsumer
			default:
				s.Kind = KindInternal
			}
			if e, ok := z.Tags["error"]; ok {
				s.Error = true
				s.Timeout = isTimeout(z.Tags["error.type"], e)
			}
			d.emitSpan(s)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

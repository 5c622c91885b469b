package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// dist is a service-time distribution the testbed draws from. Its String
// is the distribution as a stampede scenario writes it, the truth a fit
// is compared with.
type dist struct {
	kind string // "exp", "lognormal", "uniform"
	a, b float64
}

func (d dist) sample(r *rand.Rand) time.Duration {
	var s float64
	switch d.kind {
	case "exp":
		s = r.ExpFloat64() * d.a
	case "lognormal":
		s = d.a * math.Exp(d.b*r.NormFloat64())
	default:
		s = d.a + (d.b-d.a)*r.Float64()
	}
	return time.Duration(s * float64(time.Second))
}

func (d dist) String() string {
	ms := func(x float64) string { return fmt.Sprintf("%gms", x*1000) }
	switch d.kind {
	case "exp":
		return "exp(" + ms(d.a) + ")"
	case "lognormal":
		return fmt.Sprintf("lognormal(%s, %g)", ms(d.a), d.b)
	default:
		return "uniform(" + ms(d.a) + ", " + ms(d.b) + ")"
	}
}

// service is one HTTP service of the testbed: a bounded worker pool (at
// most workers requests in work at once) behind a bounded FIFO queue (at
// most queue waiting; beyond that 503 at once). A worker sleeps a service
// time drawn from its distribution (times the current slowdown factor),
// then calls its back ends one after the other, holding the worker, and
// answers; the first failed back-end call fails the request. A request
// whose caller gave up is still served to the end, as in stampede's model.
type service struct {
	name    string
	workers int
	queue   int
	work    dist
	calls   []*service

	addr   string
	tracer trace.Tracer
	client *http.Client
	slow   atomic.Uint64 // math.Float64bits of the slowdown factor
	held   atomic.Int64  // requests waiting or in work
	sem    chan struct{}
	mu     sync.Mutex
	rng    *rand.Rand
	srv    *http.Server
	m      *serviceMetrics
}

var propagator = propagation.TraceContext{}

func (s *service) factor() float64 { return math.Float64frombits(s.slow.Load()) }

func (s *service) setFactor(f float64) { s.slow.Store(math.Float64bits(f)) }

func (s *service) start(ln net.Listener) {
	s.sem = make(chan struct{}, s.workers)
	s.setFactor(1)
	s.addr = ln.Addr().String()
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // ends with Shutdown
}

func (s *service) serve(w http.ResponseWriter, r *http.Request) {
	ctx := propagator.Extract(context.WithoutCancel(r.Context()), propagation.HeaderCarrier(r.Header))
	ctx, span := s.tracer.Start(ctx, "GET /work", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", "GET"), attribute.String("url.path", "/work")))
	begin := time.Now()
	code := s.handle(ctx)
	span.SetAttributes(attribute.Int("http.response.status_code", code))
	if code != http.StatusOK {
		span.SetStatus(codes.Error, http.StatusText(code))
	}
	span.End()
	s.m.requests.WithLabelValues(s.name, fmt.Sprint(code)).Inc()
	s.m.duration.WithLabelValues(s.name).Observe(time.Since(begin).Seconds())
	w.WriteHeader(code)
}

func (s *service) handle(ctx context.Context) int {
	if s.held.Add(1) > int64(s.workers+s.queue) {
		s.held.Add(-1)
		return http.StatusServiceUnavailable
	}
	s.m.inFlight.WithLabelValues(s.name).Inc()
	defer func() {
		s.held.Add(-1)
		s.m.inFlight.WithLabelValues(s.name).Dec()
	}()
	_, wait := s.tracer.Start(ctx, "queue.wait", trace.WithSpanKind(trace.SpanKindInternal))
	s.sem <- struct{}{}
	wait.End()
	s.m.busy.WithLabelValues(s.name).Inc()
	defer func() {
		<-s.sem
		s.m.busy.WithLabelValues(s.name).Dec()
	}()
	s.mu.Lock()
	d := s.work.sample(s.rng)
	s.mu.Unlock()
	time.Sleep(time.Duration(float64(d) * s.factor()))
	for _, b := range s.calls {
		if code := s.call(ctx, b); code != http.StatusOK {
			return http.StatusBadGateway
		}
	}
	return http.StatusOK
}

// call makes one back-end call as a client span carrying the trace context.
func (s *service) call(ctx context.Context, b *service) int {
	ctx, span := s.tracer.Start(ctx, "GET "+b.name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("peer.service", b.name), attribute.String("server.address", b.addr)))
	defer span.End()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+b.addr+"/work", nil)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		return 0
	}
	propagator.Inject(ctx, propagation.HeaderCarrier(req.Header))
	resp, err := s.client.Do(req)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		return 0
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck // drained for reuse
	resp.Body.Close()
	span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
	if resp.StatusCode != http.StatusOK {
		span.SetStatus(codes.Error, resp.Status)
	}
	return resp.StatusCode
}

// serviceMetrics are the Prometheus metrics of every service, labelled by
// service, as an HTTP server library would expose them.
type serviceMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight *prometheus.GaugeVec
	busy     *prometheus.GaugeVec
}

func newServiceMetrics(reg *prometheus.Registry) *serviceMetrics {
	m := &serviceMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "testbed_requests_total", Help: "Requests answered, by service and status code.",
		}, []string{"service", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "testbed_request_duration_seconds",
			Help:    "Time from arrival to answer (queue wait, work and back-end calls).",
			Buckets: prometheus.ExponentialBuckets(0.001, 1.25, 40),
		}, []string{"service"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "testbed_in_flight", Help: "Requests held: waiting for a worker or in work.",
		}, []string{"service"}),
		busy: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "testbed_busy_workers", Help: "Workers in work.",
		}, []string{"service"}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight, m.busy)
	return m
}

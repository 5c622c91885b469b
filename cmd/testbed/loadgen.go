package main

import (
	"cmp"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// load is an open-loop load generator: calls arrive as a Poisson process
// at rate calls/s for duration, each call makes up to attempts attempts at
// once one after the other (no backoff, no budget: the retries of the
// retry-storm scenario), and an attempt that has no answer within timeout
// is abandoned (its request goes on, and its connection is kept for
// reuse; only the caller stops waiting) and counts as a timeout.
type load struct {
	rate     float64
	duration time.Duration
	timeout  time.Duration
	attempts int
	seed     uint64
}

// outcome is what one call did, in seconds since the load began.
type outcome struct {
	start, end float64
	ok         bool
	attempts   int
}

// drive runs the load against target and returns every call's outcome,
// in start order. It stops issuing at duration and waits for the calls in
// flight, which end within attempts x timeout.
func (l load) drive(tracer trace.Tracer, client *http.Client, target *service) []outcome {
	r := rand.New(rand.NewPCG(l.seed, 0x10ad))
	begin := time.Now()
	var (
		mu  sync.Mutex
		out []outcome
		wg  sync.WaitGroup
	)
	next := 0.0
	for {
		next += r.ExpFloat64() / l.rate
		at := time.Duration(next * float64(time.Second))
		if at >= l.duration {
			break
		}
		time.Sleep(time.Until(begin.Add(at)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := l.call(tracer, client, target, begin)
			mu.Lock()
			out = append(out, o)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.SortFunc(out, func(a, b outcome) int { return cmp.Compare(a.start, b.start) })
	return out
}

func (l load) call(tracer trace.Tracer, client *http.Client, target *service, begin time.Time) outcome {
	start := time.Now()
	ctx, span := tracer.Start(context.Background(), "call", trace.WithSpanKind(trace.SpanKindInternal))
	o := outcome{start: start.Sub(begin).Seconds()}
	for a := 0; a < l.attempts && !o.ok; a++ {
		o.attempts++
		o.ok = l.attempt(ctx, tracer, client, target, a)
	}
	if !o.ok {
		span.SetStatus(codes.Error, "failed after "+strconv.Itoa(o.attempts)+" attempts")
	}
	span.SetAttributes(attribute.Int("stampede.attempts", o.attempts))
	span.End()
	o.end = time.Since(begin).Seconds()
	return o
}

// attempt sends one request and waits at most timeout for its answer. On
// timeout it leaves a goroutine to read the late answer, so the server's
// work goes on and the connection returns to the pool.
func (l load) attempt(ctx context.Context, tracer trace.Tracer, client *http.Client, target *service, n int) bool {
	ctx, span := tracer.Start(ctx, "GET "+target.name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("peer.service", target.name), attribute.Int("http.request.resend_count", n)))
	defer span.End()
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, "http://"+target.addr+"/work", nil)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		return false
	}
	propagator.Inject(ctx, propagation.HeaderCarrier(req.Header))
	done := make(chan int, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			done <- 0
			return
		}
		io.Copy(io.Discard, resp.Body) //nolint:errcheck // drained for reuse
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	t := time.NewTimer(l.timeout)
	defer t.Stop()
	select {
	case code := <-done:
		span.SetAttributes(attribute.Int("http.response.status_code", code))
		if code != http.StatusOK {
			span.SetStatus(codes.Error, "status "+strconv.Itoa(code))
			return false
		}
		return true
	case <-t.C:
		span.SetAttributes(attribute.String("error.type", "timeout"))
		span.SetStatus(codes.Error, "timeout")
		return false
	}
}

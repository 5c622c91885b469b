// Package models describes real systems for the sim engine: clients (open,
// closed and partly open loops), services (replicas x workers, a queue, a
// service time, downstream calls), load balancers, network links, caches
// and a timeline of faults; it runs the request lifecycle and records the
// per-interval series and per-run summary of Results.
package models

// Package config is the schema of a simulated world: Config and the
// configurations of its services, clients, caches, faults, jobs, SLOs and
// traces, as plain data with the toml keys of the scenario format, their
// defaults (ApplyDefaults, the one place where they are set) and their
// validation (Validate, returning *FieldError values). The running world
// that a Config builds lives in package models.
package config

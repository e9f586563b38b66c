// Package dev is temper dev: an embedded Temporal server on SQLite, the
// Temporal Web UI, the worker and the gateway in one process, plus the sample
// apps bundled into the binary. Nothing in production needs it.
package dev

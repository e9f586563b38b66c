// Package teststack wires temper dev's whole stack for tests on a real
// in-process Temporal server: a SQLite store, the worker (projection
// hook, Cedar gate, deploy pipeline, reactions, WASM integrations) and
// the gateway with authentication, Cedar, trajectories, deploys and
// integrations, served by httptest. The gateway's and the MCP server's
// end-to-end tests share it, so both test the same wiring.
package teststack

// Package worker wires a Temporal worker: it dials, registers the workflows
// and activities with their interceptors and options, and runs. It holds no
// logic of its own.
package worker

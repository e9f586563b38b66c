// Package devserver runs a complete Temporal server inside the current
// process for development: the frontend, history, matching and worker
// services on one SQLite database (a file that survives restarts, or memory),
// with the Temporal Web UI beside it. It is what `temporal server start-dev`
// does, rebuilt from the server's public packages because the Temporal CLI's
// dev server is internal to the CLI module. Before the services start, Start
// writes the namespace (with a raised retention) and its custom search
// attributes straight into the SQLite store, so the first workflow can upsert
// them; on a database from an earlier run it adds what is missing through the
// operator API before it reports ready. Nothing in production needs this
// package: a real deployment points the worker and gateway at a real cluster.
package devserver

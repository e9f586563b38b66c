// Package mcp serves Temper to agents over the Model Context Protocol
// (streamable HTTP, at /mcp on the gateway, built with the official
// go-sdk). It offers one tool, execute, which runs an agent's Starlark
// script in a sandbox (a step budget, a deadline, an output cap, a call
// budget, and no file, network, clock or randomness access) with a
// temper module: specs, spec, submit_specs, create, get, list, action,
// patch, delete, decisions, decision_status, poll_decision, trajectories
// and agent_id. Each temper call is an in-process HTTP request to the
// gateway's own handler carrying the caller's credentials, so MCP has no
// authorization path of its own: Cedar, decisions and trajectories apply
// exactly as over HTTP. A denial comes back to the script as data (the
// decision to poll); nothing in the module approves, denies or writes
// policies.
package mcp

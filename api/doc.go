// Package api is the Echo gateway: the OData v4 service of every deployed
// app, the governance API, MCP, server-sent events and the Observe dashboard.
// Handlers go through identity and Cedar, then to a workflow or a store
// query; they never talk SQL directly.
package api

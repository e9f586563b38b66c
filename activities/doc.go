// Package activities holds the Temporal activities the workflows call:
// Cedar checks for internal dispatch, WASM integrations, verification jobs,
// projection and transition writes, and webhooks. Activities are methods on
// structs that hold their dependencies; they hold no workflow logic.
package activities

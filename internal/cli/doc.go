// Package cli implements the temper command line: one type per subcommand,
// each with its own flag set and injected output, behind Run so tests call
// the CLI exactly as a user does and read what it prints.
package cli

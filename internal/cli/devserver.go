package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/temperhq/temper/dev/devserver"
)

// devserverCmd is `temper devserver`: the embedded Temporal dev server and
// its Web UI on their own, the equivalent of `temporal server start-dev`.
type devserverCmd struct{}

func (*devserverCmd) name() string { return "devserver" }
func (*devserverCmd) synopsis() string {
	return "run the embedded Temporal dev server (SQLite) and its Web UI until interrupted"
}

func (*devserverCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def := devserver.DefaultOptions()
	fset := newFlags("devserver", stderr,
		"devserver [--db-filename F | --ephemeral] [--ip IP] [--port N] [--ui-port N] [--http-port N] [--namespace NS] [--log-level L]")
	helped := false
	usage := fset.Usage
	fset.Usage = func() { helped = true; usage() }
	dbFile := fset.String("db-filename", def.DBFile, "SQLite `file` that keeps the server's data across restarts")
	ephemeral := fset.Bool("ephemeral", false, "keep the data in memory only; it is gone when the server stops")
	ip := fset.String("ip", def.IP, "`address` the frontend, HTTP API and UI listen on (keep it on loopback: no authentication)")
	port := fset.Int("port", def.FrontendPort, "frontend gRPC `port` (0: a free one)")
	uiPort := fset.Int("ui-port", def.UIPort, "Web UI `port` (0: no UI)")
	httpPort := fset.Int("http-port", 0, "frontend HTTP API `port` (0: a free one)")
	namespace := fset.String("namespace", def.Namespace, "`namespace` to create, with Temper's search attributes")
	logLevel := fset.String("log-level", "warn", "server log `level`: debug, info, warn or error")
	if err := parseFlags(fset, args); err != nil || helped {
		return err
	}
	if fset.NArg() > 0 {
		fset.Usage()
		return fmt.Errorf("%w: devserver takes no arguments, got %q", ErrUsage, fset.Arg(0))
	}
	set := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *ephemeral && set["db-filename"] {
		return fmt.Errorf("%w: --db-filename and --ephemeral exclude each other", ErrUsage)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", ErrUsage, *logLevel)
	}

	opts := def
	opts.Ephemeral = *ephemeral
	opts.DBFile = *dbFile
	if *ephemeral {
		opts.DBFile = ""
	}
	opts.IP = *ip
	opts.FrontendPort = *port
	opts.UIPort = *uiPort
	opts.HTTPPort = *httpPort
	opts.Namespace = *namespace
	opts.LogLevel = level
	opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	s, err := devserver.Start(ctx, opts)
	if err != nil {
		return err
	}
	persistence := opts.DBFile
	if opts.Ephemeral {
		persistence = "in memory (gone when the server stops)"
	}
	fmt.Fprintf(stdout, "Temporal server:  %s (namespace %s)\n", s.FrontendAddr(), s.Namespace())
	if s.UIAddr() != "" {
		fmt.Fprintf(stdout, "Temporal UI:      http://%s\n", s.UIAddr())
	}
	fmt.Fprintf(stdout, "Temporal HTTP:    http://%s\n", s.HTTPAddr())
	fmt.Fprintf(stdout, "Persistence:      %s\n", persistence)
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	<-ctx.Done()
	return s.Stop()
}

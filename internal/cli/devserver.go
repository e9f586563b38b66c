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

const serverFlagsUsage = "[--db-filename F | --ephemeral] [--ip IP] [--port N] [--ui-port N] [--http-port N] [--namespace NS] [--log-level L]"

// serverFlags are the flags temper devserver and temper dev share.
type serverFlags struct {
	fset                   *flag.FlagSet
	def                    devserver.Options
	dbFile, ip, ns, level  *string
	ephemeral              *bool
	port, uiPort, httpPort *int
}

func addServerFlags(fset *flag.FlagSet) *serverFlags {
	def := devserver.DefaultOptions()
	return &serverFlags{
		fset:      fset,
		def:       def,
		dbFile:    fset.String("db-filename", def.DBFile, "SQLite `file` that keeps the server's data across restarts"),
		ephemeral: fset.Bool("ephemeral", false, "keep the data in memory only; it is gone when the server stops"),
		ip:        fset.String("ip", def.IP, "`address` the frontend, HTTP API and UI listen on (keep it on loopback: no authentication)"),
		port:      fset.Int("port", def.FrontendPort, "frontend gRPC `port` (0: a free one)"),
		uiPort:    fset.Int("ui-port", def.UIPort, "Web UI `port` (0: no UI)"),
		httpPort:  fset.Int("http-port", 0, "frontend HTTP API `port` (0: a free one)"),
		ns:        fset.String("namespace", def.Namespace, "`namespace` to create, with Temper's search attributes"),
		level:     fset.String("log-level", "warn", "server log `level`: debug, info, warn or error"),
	}
}

// options validates the parsed flags into server options.
func (f *serverFlags) options(stderr io.Writer) (devserver.Options, error) {
	set := map[string]bool{}
	f.fset.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if *f.ephemeral && set["db-filename"] {
		return devserver.Options{}, fmt.Errorf("%w: --db-filename and --ephemeral exclude each other", ErrUsage)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*f.level)); err != nil {
		return devserver.Options{}, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", ErrUsage, *f.level)
	}
	opts := f.def
	opts.Ephemeral = *f.ephemeral
	opts.DBFile = *f.dbFile
	if *f.ephemeral {
		opts.DBFile = ""
	}
	opts.IP = *f.ip
	opts.FrontendPort = *f.port
	opts.UIPort = *f.uiPort
	opts.HTTPPort = *f.httpPort
	opts.Namespace = *f.ns
	opts.LogLevel = level
	opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	return opts, nil
}

// printServer tells where the server listens.
func printServer(w io.Writer, s *devserver.Server, opts devserver.Options) {
	persistence := opts.DBFile
	if opts.Ephemeral {
		persistence = "in memory (gone when the server stops)"
	}
	fmt.Fprintf(w, "Temporal server:  %s (namespace %s)\n", s.FrontendAddr(), s.Namespace())
	if s.UIAddr() != "" {
		fmt.Fprintf(w, "Temporal UI:      http://%s\n", s.UIAddr())
	}
	fmt.Fprintf(w, "Temporal HTTP:    http://%s\n", s.HTTPAddr())
	fmt.Fprintf(w, "Persistence:      %s\n", persistence)
}

func (*devserverCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("devserver", stderr, "devserver "+serverFlagsUsage)
	helped := false
	usage := fset.Usage
	fset.Usage = func() { helped = true; usage() }
	sf := addServerFlags(fset)
	if err := parseFlags(fset, args); err != nil || helped {
		return err
	}
	if fset.NArg() > 0 {
		fset.Usage()
		return fmt.Errorf("%w: devserver takes no arguments, got %q", ErrUsage, fset.Arg(0))
	}
	opts, err := sf.options(stderr)
	if err != nil {
		return err
	}
	s, err := devserver.Start(ctx, opts)
	if err != nil {
		return err
	}
	printServer(stdout, s, opts)
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	<-ctx.Done()
	return s.Stop()
}

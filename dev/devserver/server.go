package devserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	"go.temporal.io/server/temporal"
)

// readyTimeout bounds how long Start waits for the services once they run,
// when the caller's context has no earlier deadline.
const readyTimeout = time.Minute

// Server is a running dev server. Its methods are safe for concurrent use.
type Server struct {
	opts         Options // normalized
	frontendAddr string
	httpAddr     string
	uiAddr       string

	temporal temporal.Server
	ui       *uiserver.Server
	uiDone   chan struct{} // closed when the UI's serving goroutine returns
	logLevel *slog.LevelVar

	stopOnce sync.Once
	stopErr  error
}

// Start starts a dev server and returns once it is ready: the namespace
// exists with its retention and search attributes, the frontend answers,
// and the UI (if enabled) serves. ctx bounds the start only; the server runs
// until Stop. A fixed port that is taken yields a *PortInUseError, invalid
// options an *OptionsError.
//
// The Web UI comes from ui-server, which exits the process if it cannot
// bind its port; Start checks the port right before, which leaves only a
// race with another process grabbing it in between.
func Start(ctx context.Context, opts Options) (*Server, error) {
	o, err := opts.normalized()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("devserver: start: %w", err)
	}
	p, err := resolvePorts(o)
	if err != nil {
		return nil, err
	}
	store, err := sqlConfig(o)
	if err != nil {
		return nil, err
	}
	if err := prepareStore(store, o); err != nil {
		return nil, err
	}

	level := new(slog.LevelVar)
	level.Set(o.LogLevel)
	logger := newSlog(o.Logger, level)
	srvOpts, err := serverOptions(o, p, store, serverLogger{l: logger})
	if err != nil {
		return nil, err
	}
	ts, err := temporal.NewServer(srvOpts...)
	if err != nil {
		return nil, fmt.Errorf("devserver: build server: %w", err)
	}
	s := &Server{
		opts:         o,
		frontendAddr: frontendDialAddr(o, p),
		httpAddr:     httpDialAddr(o, p),
		temporal:     ts,
		logLevel:     level,
	}
	if err := ts.Start(); err != nil {
		// The server's fx app has already rolled back what it started.
		return nil, fmt.Errorf("devserver: start server: %w", err)
	}
	if p.ui != 0 {
		if err := s.startUI(o, p.ui); err != nil {
			_ = s.Stop()
			return nil, err
		}
	}

	rctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	if err := s.waitReady(rctx, logger); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// FrontendAddr is the host:port of the frontend gRPC API, the HostPort for
// go.temporal.io/sdk/client and `temporal --address`.
func (s *Server) FrontendAddr() string { return s.frontendAddr }

// HTTPAddr is the host:port of the frontend's HTTP API.
func (s *Server) HTTPAddr() string { return s.httpAddr }

// UIAddr is the host:port of the Temporal Web UI, "" when disabled.
func (s *Server) UIAddr() string { return s.uiAddr }

// Namespace is the namespace Start made sure of.
func (s *Server) Namespace() string { return s.opts.Namespace }

// Stop stops the UI and the server's services and waits for them; it takes
// about a second, the frontend's minimum drain time for long polls. Unless
// Options.LogLevel is Debug or lower, the server's logs are dropped from
// here on: while the services shut down one after another they warn, and
// log errors for the long polls of still-connected workers they cut off.
// Stop is idempotent.
//
// Some resources outlive Stop, by the server's and the UI's own design,
// about a hundred goroutines per Start/Stop cycle in all (a concern only
// for a process that starts many servers, such as tests):
//   - the SQLite plugin keeps every database connection it opened for the
//     life of the process: an in-memory database stays allocated, a file
//     stays open, and a later Start on the same file reuses the connection;
//   - the server's worker service never stops the SDK workers of its
//     scanner and parent-close-policy processor (their pollers idle in
//     backoff), nor closes its system client and the gRPC connections
//     between services;
//   - the UI never closes its gRPC connection to the frontend.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		if s.opts.LogLevel > slog.LevelDebug {
			s.logLevel.Set(quiet)
		}
		if s.ui != nil {
			s.ui.Stop()
			<-s.uiDone
		}
		if err := s.temporal.Stop(); err != nil {
			s.stopErr = fmt.Errorf("devserver: stop server: %w", err)
		}
	})
	return s.stopErr
}

// quiet is a log level above every record the server writes.
const quiet = slog.LevelError + 100

// ErrNotReady is wrapped by Start's error when the server started but did
// not become ready (namespace served, UI answering) before ctx ended or a
// minute passed; the error also carries the probe's last failure.
var ErrNotReady = errors.New("devserver: server not ready")

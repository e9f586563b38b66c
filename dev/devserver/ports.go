package devserver

import (
	"fmt"
	"net"
	"runtime"
	"strconv"
)

// loopback is where the services only the server itself talks to (history,
// matching, worker) listen, whatever Options.IP says.
const loopback = "127.0.0.1"

// PortInUseError reports that a port Options named explicitly is taken.
// Start never moves to another port on its own: a dev server silently
// appearing elsewhere is worse than one that does not start.
type PortInUseError struct {
	Listener string // "frontend", "HTTP API" or "UI"
	Addr     string // host:port
	Err      error  // from the operating system
}

func (e *PortInUseError) Error() string {
	hint := "0 for a free one"
	if e.Listener == "UI" {
		hint = "0 to run without the UI"
	}
	return fmt.Sprintf("devserver: %s port %s is in use (is another Temporal server running?); choose another port, or %s: %v", e.Listener, e.Addr, hint, e.Err)
}

func (e *PortInUseError) Unwrap() error { return e.Err }

// ports are the listening ports of one server.
type ports struct {
	frontend, http, ui        int
	history, matching, worker int
}

// resolvePorts checks the fixed ports of o and picks the free ones; o is
// normalized. ui stays 0 when disabled.
func resolvePorts(o Options) (ports, error) {
	var p ports
	var err error
	if p.frontend, err = resolvePort("frontend", o.IP, o.FrontendPort, true); err != nil {
		return p, err
	}
	if p.http, err = resolvePort("HTTP API", o.IP, o.HTTPPort, true); err != nil {
		return p, err
	}
	if p.ui, err = resolvePort("UI", o.IP, o.UIPort, false); err != nil {
		return p, err
	}
	for _, q := range []*int{&p.history, &p.matching, &p.worker} {
		if *q, err = freePort(loopback); err != nil {
			return p, err
		}
	}
	return p, nil
}

// resolvePort returns the port to listen on: a fixed port if it is free, a
// free port for AnyPort (and for 0 when zeroIsAny), 0 for a disabled
// listener.
func resolvePort(listener, host string, port int, zeroIsAny bool) (int, error) {
	switch {
	case port == AnyPort, port == 0 && zeroIsAny:
		return freePort(host)
	case port == 0:
		return 0, nil
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return 0, &PortInUseError{Listener: listener, Addr: addr, Err: err}
	}
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("devserver: check %s port %s: %w", listener, addr, err)
	}
	return port, nil
}

// freePort asks the kernel for a port that is free on host. The port is
// released before the server binds it, so another process could take it in
// between; to make that unlikely on Linux, where ephemeral ports are handed
// out at random and may come back at once, the probe connects to itself and
// closes the accepted side first, which parks the port in TIME_WAIT: the
// kernel does not hand it out again for a while, yet the server may still
// bind it (Go listeners set SO_REUSEADDR).
func freePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("devserver: find a free port on %s: %w", host, err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		// These hand out ephemeral ports in sequence; no parking needed.
		return port, nil
	}
	c, err := net.Dial("tcp", net.JoinHostPort(dialHost(host), strconv.Itoa(port)))
	if err != nil {
		return 0, fmt.Errorf("devserver: find a free port on %s: %w", host, err)
	}
	defer c.Close()
	s, err := l.Accept()
	if err != nil {
		return 0, fmt.Errorf("devserver: find a free port on %s: %w", host, err)
	}
	// The side that closes first holds TIME_WAIT.
	if err := s.Close(); err != nil {
		return 0, fmt.Errorf("devserver: find a free port on %s: %w", host, err)
	}
	return port, nil
}

// dialHost is the host a local client dials to reach a listener on host:
// loopback for the unspecified addresses, host itself otherwise.
func dialHost(host string) string {
	ip := net.ParseIP(host)
	switch {
	case ip == nil || !ip.IsUnspecified():
		return host
	case ip.To4() != nil:
		return loopback
	default:
		return "::1"
	}
}

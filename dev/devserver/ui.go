package devserver

import (
	"net"
	"strconv"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
)

// startUI serves the Temporal Web UI on o.IP:port, talking to the frontend
// over gRPC. ui-server's Start blocks and, if it cannot listen, exits the
// process, so the port is checked once more right before and serving runs
// in a goroutine that Stop waits for.
func (s *Server) startUI(o Options, port int) error {
	if _, err := resolvePort("UI", o.IP, port, false); err != nil {
		return err
	}
	host := o.IP
	if ip := net.ParseIP(host); ip.To4() == nil {
		host = "[" + host + "]" // ui-server joins host and port with a plain colon
	}
	ui := uiserver.NewServer(uioptions.WithConfigProvider(&uiconfig.Config{
		Host:                host,
		Port:                port,
		TemporalGRPCAddress: s.frontendAddr,
		EnableUI:            true,
		DefaultNamespace:    o.Namespace,
		// Plain HTTP on loopback: a Secure cookie would never come back.
		CORS:     uiconfig.CORS{CookieInsecure: true},
		HideLogs: true,
		// The browser would fetch release news from the internet.
		DisableNewsFetch: true,
	}))
	s.ui = ui
	s.uiDone = make(chan struct{})
	s.uiAddr = net.JoinHostPort(dialHost(o.IP), strconv.Itoa(port))
	go func() {
		defer close(s.uiDone)
		_ = ui.Start() // nil once Stop closes it; other errors exit in ui-server
	}()
	return nil
}

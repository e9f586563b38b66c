package wasm

import (
	"fmt"
	"net/netip"
	"strings"
	"syscall"
)

// DenyError is a request the runtime refused on its own, before or
// after any authorizer: a cloud metadata endpoint (never allowed), or a
// loopback, private or otherwise non-public address that the call's
// allowlist does not name. It is checked on the URL's host and again on
// every address the dialer connects to, so a name that resolves (or
// re-resolves) to a forbidden address is refused too.
type DenyError struct {
	Host   string
	Addr   netip.Addr // the zero Addr when the host name itself is refused
	Reason string
}

// Error implements error.
func (e *DenyError) Error() string {
	if e.Addr.IsValid() && e.Addr.String() != e.Host {
		return fmt.Sprintf("%s (%s): %s", e.Host, e.Addr, e.Reason)
	}
	return e.Host + ": " + e.Reason
}

// netGuard holds one call's network policy.
type netGuard struct {
	// allow lists the non-public prefixes the call may reach.
	allow []netip.Prefix
}

// checkHost refuses metadata host names, and checks a host that is an
// IP literal like a dialed address.
func (g netGuard) checkHost(host string) error {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "" {
		return &DenyError{Host: host, Reason: "no host"}
	}
	if isMetadataName(h) {
		return &DenyError{Host: host, Reason: "cloud metadata endpoint (always forbidden)"}
	}
	if a, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return g.checkAddr(host, a)
	}
	return nil
}

// checkAddr refuses a metadata address always, and a non-public address
// that the allowlist does not name.
func (g netGuard) checkAddr(host string, a netip.Addr) error {
	a = a.WithZone("").Unmap()
	if isMetadataAddr(a) {
		return &DenyError{Host: host, Addr: a, Reason: "cloud metadata address (always forbidden)"}
	}
	why := nonPublic(a)
	if why == "" {
		return nil
	}
	for _, p := range g.allow {
		if p.Contains(a) {
			return nil
		}
	}
	return &DenyError{Host: host, Addr: a, Reason: why + " address (not in the call's allowlist)"}
}

// control is a net.Dialer Control function: it runs after resolution,
// for every address a connection is attempted to.
func (g netGuard) control(host string) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &DenyError{Host: host, Reason: fmt.Sprintf("unparseable dial address %q", address)}
		}
		return g.checkAddr(host, ap.Addr())
	}
}

// isMetadataName reports the host names of cloud metadata services.
func isMetadataName(h string) bool {
	switch h {
	case "metadata", "metadata.google.internal", "metadata.goog", "instance-data",
		"instance-data.ec2.internal", "metadata.azure.internal", "metadata.tencentyun.com",
		"metadata.platformequinix.com", "metadata.packet.net":
		return true
	}
	return false
}

// isMetadataAddr reports cloud metadata addresses: AWS, GCP, Azure,
// OpenStack, Oracle and DigitalOcean at 169.254.169.254 (and its
// neighbours for DNS and time), ECS task metadata at 169.254.170.2, AWS's
// IPv6 endpoints under fd00:ec2::/32, Alibaba's 100.100.100.200 and
// Oracle's 192.0.0.192; also when embedded in NAT64 or 6to4 addresses.
func isMetadataAddr(a netip.Addr) bool {
	if v4, ok := embeddedV4(a); ok {
		return isMetadataAddr(v4)
	}
	switch {
	case netip.MustParsePrefix("169.254.169.0/24").Contains(a),
		a == netip.MustParseAddr("169.254.170.2"),
		a == netip.MustParseAddr("100.100.100.200"),
		a == netip.MustParseAddr("192.0.0.192"),
		netip.MustParsePrefix("fd00:ec2::/32").Contains(a):
		return true
	}
	return false
}

// nonPublic names the kind of a non-public address, or "" for a public
// one.
func nonPublic(a netip.Addr) string {
	if v4, ok := embeddedV4(a); ok {
		if why := nonPublic(v4); why != "" {
			return why + " (embedded in " + a.String() + ")"
		}
		return ""
	}
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsUnspecified() || a.Is4() && netip.MustParsePrefix("0.0.0.0/8").Contains(a):
		return "unspecified"
	case a.IsPrivate():
		return "private"
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return "link-local"
	case a.IsMulticast() || a.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, r := range []struct{ prefix, why string }{
		{"100.64.0.0/10", "shared (CGNAT)"},
		{"192.0.0.0/24", "IETF protocol"},
		{"198.18.0.0/15", "benchmarking"},
		{"240.0.0.0/4", "reserved"},
		{"fec0::/10", "site-local"},
	} {
		if netip.MustParsePrefix(r.prefix).Contains(a) {
			return r.why
		}
	}
	return ""
}

// embeddedV4 extracts the IPv4 address of a NAT64 (64:ff9b::/96) or
// 6to4 (2002::/16) address, through which a v4-only check could be
// bypassed.
func embeddedV4(a netip.Addr) (netip.Addr, bool) {
	if !a.Is6() {
		return netip.Addr{}, false
	}
	b := a.As16()
	switch {
	case netip.MustParsePrefix("64:ff9b::/96").Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case netip.MustParsePrefix("2002::/16").Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

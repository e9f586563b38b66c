package wasm

import (
	"errors"
	"net/netip"
	"testing"
)

func TestNetGuard(t *testing.T) {
	t.Parallel()
	allow := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("0.0.0.0/0")}
	for _, tc := range []struct {
		host    string
		denied  bool // with no allowlist
		allowed bool // with allow (metadata never is)
	}{
		{"example.org", false, true},
		{"93.184.215.14", false, true},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", false, true},
		{"127.0.0.1", true, true},
		{"127.0.0.2", true, true}, // 0.0.0.0/0 allows it
		{"::1", true, false},
		{"[::1]", true, false},
		{"10.0.0.1", true, true},
		{"172.16.5.4", true, true},
		{"192.168.0.1", true, true},
		{"fc00::1", true, false},
		{"fe80::1", true, false},
		{"169.254.10.10", true, true},
		{"0.0.0.0", true, true},
		{"100.64.1.1", true, true},
		{"224.0.0.1", true, true},
		{"::ffff:10.0.0.1", true, true},
		{"64:ff9b::a00:1", true, false}, // NAT64 of 10.0.0.1: v4 allowlist does not name the v6 form
		{"2002:a00:1::", true, false},   // 6to4 of 10.0.0.1
		{"169.254.169.254", true, false},
		{"169.254.169.253", true, false},
		{"169.254.170.2", true, false},
		{"fd00:ec2::254", true, false},
		{"::ffff:169.254.169.254", true, false},
		{"2002:a9fe:a9fe::", true, false},
		{"100.100.100.200", true, false},
		{"192.0.0.192", true, false},
		{"metadata.google.internal", true, false},
		{"Metadata.Google.Internal.", true, false},
		{"metadata", true, false},
		{"", true, false},
	} {
		t.Run(tc.host, func(t *testing.T) {
			err := netGuard{}.checkHost(tc.host)
			var deny *DenyError
			if (err != nil) != tc.denied || err != nil && !errors.As(err, &deny) {
				t.Fatalf("no allowlist: %v, want denied %v", err, tc.denied)
			}
			if err := (netGuard{allow: allow}).checkHost(tc.host); (err == nil) != tc.allowed {
				t.Fatalf("allowlist: %v, want allowed %v", err, tc.allowed)
			}
		})
	}
}

func TestDialControl(t *testing.T) {
	t.Parallel()
	g := netGuard{allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	for addr, ok := range map[string]bool{
		"127.0.0.1:80":          true,
		"[::1]:80":              false,
		"[fe80::1%eth0]:80":     false,
		"169.254.169.254:80":    false,
		"93.184.215.14:443":     true,
		"not an address":        false,
		"[::ffff:127.0.0.1]:80": true,
	} {
		if err := g.control("h")("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("%s: %v, want allowed %v", addr, err, ok)
		}
	}
}

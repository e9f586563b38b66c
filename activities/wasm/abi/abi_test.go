package abi_test

import (
	"strings"
	"testing"

	"github.com/temperhq/temper/activities/wasm/abi"
)

func TestSecretNames(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"search_api_key": true, "a": true, "A.b-c_9": true, strings.Repeat("n", abi.MaxSecretName): true,
		"": false, "has space": false, "a}b": false, "ü": false, strings.Repeat("n", abi.MaxSecretName+1): false,
	} {
		if abi.ValidSecretName(name) != ok {
			t.Errorf("ValidSecretName(%q) = %v", name, !ok)
		}
	}
	if got := abi.SecretRef("api_key"); got != "{secret:api_key}" {
		t.Fatalf("SecretRef: %q", got)
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	if got := (&abi.Error{Kind: abi.ErrHTTPStatus, Status: 503, Message: "busy"}).Error(); got != "http_status: 503: busy" {
		t.Fatal(got)
	}
	if got := (&abi.Error{Kind: abi.ErrNetwork, Message: "refused"}).Error(); got != "network: refused" {
		t.Fatal(got)
	}
}

//go:build wasip1

package guest

import "github.com/temperhq/temper/activities/wasm/abi"

// Secret answers the template that stands for the secret name,
// {secret:name}. Put it in a request's URL path or query, a header value
// or the body; the host substitutes the value just before sending, so
// the module never sees it.
func Secret(name string) string { return abi.SecretRef(name) }

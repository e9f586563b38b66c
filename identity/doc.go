// Package identity authenticates callers. A principal is an agent, a human
// admin or a named internal service; agents and admins present bearer
// tokens that an admin issued. Tokens are random, shown once, and stored
// only as their SHA-256 hash (they carry 256 bits of entropy, so a slow
// password hash would add nothing), so a leaked database does not leak
// credentials; revoking a principal stops its token at once.
//
// A principal named in a plain header is trusted only when the
// Authenticator is explicitly configured for it (temper dev's insecure
// flag) and the request comes from a loopback address.
package identity

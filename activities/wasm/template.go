package wasm

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/temperhq/temper/activities/wasm/abi"
)

// secretRef is one {secret:name} template in a string.
type secretRef struct {
	start, end int // s[start:end] is the template
	name       string
}

// scanSecretRefs finds the secret templates in s. A "{secret:" that does
// not open a well-formed template (a valid name, then "}") is an error:
// a typo must not send the template text where a credential belongs.
func scanSecretRefs(s string) ([]secretRef, error) {
	var refs []secretRef
	for off := 0; ; {
		i := strings.Index(s[off:], abi.SecretPrefix)
		if i < 0 {
			return refs, nil
		}
		start := off + i
		rest := s[start+len(abi.SecretPrefix):]
		j := strings.Index(rest, abi.SecretSuffix)
		if j < 0 {
			return nil, fmt.Errorf("unterminated secret template at offset %d", start)
		}
		name := rest[:j]
		if !abi.ValidSecretName(name) {
			return nil, fmt.Errorf("malformed secret template at offset %d: want {secret:name} with a name of 1 to %d characters from A-Z a-z 0-9 _ . -", start, abi.MaxSecretName)
		}
		end := start + len(abi.SecretPrefix) + j + len(abi.SecretSuffix)
		refs = append(refs, secretRef{start: start, end: end, name: name})
		off = end
	}
}

// expandSecrets replaces the templates in s with their values, passed
// through escape (nil: as they are).
func expandSecrets(s string, lookup func(name string) (string, error), escape func(string) string) (string, error) {
	refs, err := scanSecretRefs(s)
	if err != nil || len(refs) == 0 {
		return s, err
	}
	var b strings.Builder
	prev := 0
	for _, r := range refs {
		v, err := lookup(r.name)
		if err != nil {
			return "", err
		}
		if escape != nil {
			v = escape(v)
		}
		b.WriteString(s[prev:r.start])
		b.WriteString(v)
		prev = r.end
	}
	b.WriteString(s[prev:])
	return b.String(), nil
}

// escapeURLComponent percent-encodes everything but the unreserved
// characters (RFC 3986), so a substituted value is inert in a path or a
// query: it cannot add a segment, a parameter or a fragment.
func escapeURLComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// expandURL substitutes the templates of a request URL. Templates may
// appear only after the authority (in the path, query or fragment), so
// the host that was authorized is the host that is dialed, and the
// values are percent-encoded.
func expandURL(raw string, lookup func(name string) (string, error)) (string, error) {
	authEnd := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		authEnd = i + 3
		if j := strings.IndexAny(raw[authEnd:], "/?#"); j >= 0 {
			authEnd += j
		} else {
			authEnd = len(raw)
		}
	}
	if strings.Contains(raw[:authEnd], abi.SecretPrefix) {
		return "", fmt.Errorf("a secret template may not appear in the URL's scheme, user info, host or port")
	}
	rest, err := expandSecrets(raw[authEnd:], lookup, escapeURLComponent)
	if err != nil {
		return "", err
	}
	return raw[:authEnd] + rest, nil
}

// redactedText replaces a secret value in what a module, a log or an
// error would show.
const redactedText = "[REDACTED]"

// redactor removes the secret values a call used from everything that
// leaves the host toward the module or the logs: the value as sent and
// its usual encodings (percent, base64, JSON). A server that echoes a
// transformed value otherwise is not caught; which hosts receive secrets
// at all is the authorizer's decision.
type redactor struct {
	values []string
	r      *strings.Replacer
}

// add registers a secret value.
func (d *redactor) add(v string) {
	if v == "" || slices.Contains(d.values, v) {
		return
	}
	d.values = append(d.values, v)
	d.r = nil
}

// replacer builds the replacer over every form of every value, longest
// first so an encoding that contains the raw value wins.
func (d *redactor) replacer() *strings.Replacer {
	if d.r != nil {
		return d.r
	}
	var forms []string
	for _, v := range d.values {
		j, _ := json.Marshal(v) // a string always marshals
		for _, f := range []string{
			v, escapeURLComponent(v), url.QueryEscape(v), url.PathEscape(v), string(j[1 : len(j)-1]),
			base64.StdEncoding.EncodeToString([]byte(v)), base64.RawStdEncoding.EncodeToString([]byte(v)),
			base64.URLEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v)),
		} {
			if f != "" && !slices.Contains(forms, f) {
				forms = append(forms, f)
			}
		}
	}
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, redactedText)
	}
	d.r = strings.NewReplacer(pairs...)
	return d.r
}

// string redacts s.
func (d *redactor) string(s string) string {
	if len(d.values) == 0 {
		return s
	}
	return d.replacer().Replace(s)
}

// bytes redacts b.
func (d *redactor) bytes(b []byte) []byte {
	if len(d.values) == 0 || len(b) == 0 {
		return b
	}
	return []byte(d.replacer().Replace(string(b)))
}

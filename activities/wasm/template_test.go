package wasm

import (
	"errors"
	"strings"
	"testing"
)

func lookupIn(m map[string]string) func(string) (string, error) {
	return func(name string) (string, error) {
		if v, ok := m[name]; ok {
			return v, nil
		}
		return "", errMissingSecret{name}
	}
}

func TestExpandSecrets(t *testing.T) {
	t.Parallel()
	vals := map[string]string{"a": "AAA", "b.c-d_e": "x y", "k": "p/q?r&s#t"}
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "plain", want: "plain"},
		{in: "", want: ""},
		{in: "{secret:a}", want: "AAA"},
		{in: "Bearer {secret:a}!", want: "Bearer AAA!"},
		{in: "{secret:a}{secret:b.c-d_e}", want: "AAAx y"},
		{in: "{secret:a", err: "unterminated"},
		{in: "{secret:}", err: "malformed"},
		{in: "{secret:a b}", err: "malformed"},
		{in: "{secret:{secret:a}}", err: "malformed"},
		{in: "{secret:nope}", err: `secret "nope" is not set`},
		{in: "{Secret:a} {secre:a} {secret :a}", want: "{Secret:a} {secre:a} {secret :a}"},
		{in: "{secret:" + strings.Repeat("n", 129) + "}", err: "malformed"},
	} {
		got, err := expandSecrets(tc.in, lookupIn(vals), nil)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %q %v, want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestExpandURL(t *testing.T) {
	t.Parallel()
	vals := map[string]string{"k": "p/q?r&s#t ü"}
	for _, tc := range []struct {
		in, want string
		err      bool
	}{
		{in: "https://h.example/x?key={secret:k}", want: "https://h.example/x?key=p%2Fq%3Fr%26s%23t%20%C3%BC"},
		{in: "https://h.example/{secret:k}/y", want: "https://h.example/p%2Fq%3Fr%26s%23t%20%C3%BC/y"},
		{in: "https://h.example", want: "https://h.example"},
		{in: "https://{secret:k}/", err: true},
		{in: "https://h.example:{secret:k}/", err: true},
		{in: "https://{secret:k}@h.example/", err: true},
		{in: "{secret:k}://h.example/", err: true},
		{in: "no-scheme/{secret:k}", want: "no-scheme/p%2Fq%3Fr%26s%23t%20%C3%BC"},
	} {
		got, err := expandURL(tc.in, lookupIn(vals))
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%q: %q %v", tc.in, got, err)
		}
	}
}

func TestRedactor(t *testing.T) {
	t.Parallel()
	var d redactor
	if d.string("untouched {secret:x}") != "untouched {secret:x}" {
		t.Fatal("an empty redactor changed the text")
	}
	d.add("tok/en+1")
	d.add("")
	d.add("tok/en+1")
	for in, want := range map[string]string{
		"a tok/en+1 b":            "a [REDACTED] b",
		"tok%2Fen%2B1":            "[REDACTED]",
		"tok%2Fen+1":              "[REDACTED]", // PathEscape keeps '+'
		"dG9rL2VuKzE=":            "[REDACTED]",
		"dG9rL2VuKzE":             "[REDACTED]",
		`{"v":"tok/en+1"}`:        `{"v":"[REDACTED]"}`,
		"tok/en+tok/en+1tok/en+1": "tok/en+[REDACTED][REDACTED]",
	} {
		if got := d.string(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	if got := string(d.bytes([]byte("x tok/en+1"))); got != "x [REDACTED]" {
		t.Errorf("bytes: %q", got)
	}
}

// FuzzExpandSecrets: expansion never panics; a successful expansion of
// text with templates leaves none, and text without "{secret:" passes
// unchanged.
func FuzzExpandSecrets(f *testing.F) {
	for _, s := range []string{"", "{secret:a}", "x{secret:a}y{secret:b}", "{secret:", "{secret:a", "{{secret:a}}", "{secret:a}}", "}{secret:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lookup := func(name string) (string, error) {
			if name == "missing" {
				return "", errMissingSecret{name}
			}
			return "<" + name + ">", nil
		}
		got, err := expandSecrets(s, lookup, nil)
		if !strings.Contains(s, "{secret:") {
			if err != nil || got != s {
				t.Fatalf("%q without templates: %q %v", s, got, err)
			}
			return
		}
		if err != nil {
			var missing errMissingSecret
			if !errors.As(err, &missing) && !strings.Contains(err.Error(), "template") {
				t.Fatalf("%q: unexpected error %v", s, err)
			}
			return
		}
		refs, _ := scanSecretRefs(s)
		if len(refs) == 0 {
			t.Fatalf("%q expanded without a template", s)
		}
		if strings.Contains(got, "{secret:") {
			// Only text around the templates may form a new one, and
			// values (<name>) cannot, so a template left is a bug.
			t.Fatalf("%q expanded to %q, which holds a template", s, got)
		}
		if _, err := expandURL(s, lookup); err != nil && !strings.Contains(err.Error(), "may not appear") {
			t.Fatalf("expandURL %q: %v", s, err)
		}
	})
}

// FuzzRedact: a redacted text never holds the secret (when the secret
// shares no byte with the replacement, which could rebuild it).
func FuzzRedact(f *testing.F) {
	f.Add("token-123", "a token-123 b")
	f.Add("x", "xxx")
	f.Add("ab/c", "ab%2Fcab/c")
	f.Fuzz(func(t *testing.T, secret, text string) {
		if secret == "" || strings.ContainsAny(secret, redactedText) {
			return
		}
		var d redactor
		d.add(secret)
		if got := d.string(text); strings.Contains(got, secret) {
			t.Fatalf("redact(%q) of %q = %q", text, secret, got)
		}
	})
}

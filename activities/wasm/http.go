package wasm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/temperhq/temper/activities/wasm/abi"
	"github.com/temperhq/temper/activities/wasm/secrets"
)

// userAgent is sent when the module sets none.
const userAgent = "temper-wasm/1"

// errMissingSecret is a template naming a secret that is not set.
type errMissingSecret struct{ name string }

func (e errMissingSecret) Error() string { return fmt.Sprintf("secret %q is not set", e.name) }

// http serves one request of the module, in this order: the request's
// shape, the runtime's forbids (metadata, and non-public addresses not
// allowlisted), the authorizer, secret substitution, then the request,
// whose every dialed address is checked again. A denial, a broken budget
// or the end of the call's context stops the call; a malformed request,
// a missing secret or a network error is answered to the module.
func (st *callState) http(ctx context.Context, req abi.HTTPRequest) abi.HTTPResult {
	start := time.Now()
	invalid := func(format string, args ...any) abi.HTTPResult {
		return abi.HTTPResult{Error: &abi.Error{Kind: abi.ErrInvalid, Message: st.redact.string(fmt.Sprintf(format, args...))}}
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	if !validToken(method, 32) {
		return invalid("method %q is not a valid HTTP method", truncate(method, 32))
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return invalid("the URL does not parse: %v", errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return invalid("the URL's scheme must be http or https, not %q", u.Scheme)
	}
	if u.Host == "" || u.Opaque != "" {
		return invalid("the URL has no host")
	}
	if u.User != nil {
		return invalid("the URL has user info; send credentials in a header with a secret template")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if err := st.guard.checkHost(host); err != nil {
		st.stop(deniedBy(host, err))
	}
	if len(req.Body) > MaxRequestBodyBytes {
		st.stop(&Failure{Kind: KindBudget, Budget: BudgetRequest,
			Message: fmt.Sprintf("a request body of %d bytes, over %d", len(req.Body), MaxRequestBodyBytes)})
	}
	for name := range req.Header {
		if !validToken(name, 256) {
			return invalid("%q is not a valid header name", truncate(name, 64))
		}
		switch http.CanonicalHeaderKey(name) {
		case "Host", "Connection", "Transfer-Encoding", "Content-Length", "Te", "Upgrade", "Trailer", "Proxy-Authorization", "Proxy-Connection":
			return invalid("the header %q is set by the host", name)
		}
	}

	if st.authorizer == nil {
		st.stop(&Failure{Kind: KindDenied, Host: host, Forbidden: true, Message: "HTTP is not enabled for this call (no authorizer)"})
	}
	d, err := st.authorizer.AuthorizeHTTP(ctx, host, method, req.URL)
	if err != nil {
		st.stopPlatform(ctx, fmt.Errorf("authorize http_call on %s: %w", host, err))
	}
	if !d.Allowed {
		msg := d.Reason
		if msg == "" {
			msg = "http_call on HttpEndpoint::\"" + host + "\" is not permitted"
		}
		st.stop(&Failure{Kind: KindDenied, Host: host, DecisionID: d.DecisionID, Forbidden: d.DecisionID == "", Message: msg})
	}

	lookup := func(name string) (string, error) { return st.secret(ctx, name) }
	full, err := expandURL(req.URL, lookup)
	if err != nil {
		return st.templateError(err)
	}
	header := http.Header{}
	for name, v := range req.Header {
		if v, err = expandSecrets(v, lookup, nil); err != nil {
			return st.templateError(fmt.Errorf("header %s: %w", name, err))
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return invalid("the value of header %s has a line break or a NUL", name)
		}
		header.Set(name, v)
	}
	body, err := expandSecrets(string(req.Body), lookup, nil)
	if err != nil {
		return st.templateError(fmt.Errorf("body: %w", err))
	}
	hreq, err := http.NewRequestWithContext(ctx, method, full, strings.NewReader(body))
	if err != nil {
		return invalid("the request: %v", errors.Unwrap(err))
	}
	if hreq.URL.Host != u.Host {
		return invalid("the URL's host changed on substitution") // cannot happen: templates are refused there
	}
	hreq.Header = header
	if header.Get("User-Agent") == "" {
		hreq.Header.Set("User-Agent", userAgent)
	}

	resp, err := st.httpClient().Do(hreq)
	if err != nil {
		var deny *DenyError
		if errors.As(err, &deny) {
			st.stop(deniedBy(host, deny))
		}
		return st.networkError(ctx, host, err)
	}
	defer func() { _ = resp.Body.Close() }()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, int64(st.budget.MaxResponseBytes)+1))
	if err != nil {
		return st.networkError(ctx, host, err)
	}
	if len(rb) > st.budget.MaxResponseBytes {
		st.stop(&Failure{Kind: KindBudget, Budget: BudgetResponse,
			Message: fmt.Sprintf("the response of %s exceeds the budget of %d bytes", host, st.budget.MaxResponseBytes)})
	}
	if resp.StatusCode >= 400 {
		st.statuses[resp.StatusCode] = true
	}
	rh := make(map[string]string, len(resp.Header))
	for k, vs := range resp.Header {
		rh[k] = st.redact.string(strings.Join(vs, ", "))
	}
	st.logger.DebugContext(ctx, "wasm http call", "method", method, "host", host, "status", resp.StatusCode,
		"bytes", len(rb), "took", time.Since(start))
	return abi.HTTPResult{Response: &abi.HTTPResponse{Status: resp.StatusCode, Header: rh, Body: st.redact.bytes(rb)}}
}

// secret resolves one template and registers the value for redaction.
func (st *callState) secret(ctx context.Context, name string) (string, error) {
	if st.secrets == nil {
		return "", errMissingSecret{name}
	}
	v, err := st.secrets.Secret(ctx, name)
	switch {
	case errors.Is(err, secrets.ErrNotFound) || err == nil && v == "":
		return "", errMissingSecret{name}
	case err != nil:
		st.stopPlatform(ctx, fmt.Errorf("resolve secret %s: %w", name, err))
	}
	st.redact.add(v)
	return v, nil
}

// templateError answers a missing secret or a malformed template.
func (st *callState) templateError(err error) abi.HTTPResult {
	kind := abi.ErrInvalid
	var missing errMissingSecret
	if errors.As(err, &missing) {
		kind = abi.ErrSecret
	}
	return abi.HTTPResult{Error: &abi.Error{Kind: kind, Message: st.redact.string(err.Error())}}
}

// networkError answers a request that got no (complete) response, or
// stops the call if its context ended. The message leaves out the URL,
// which may hold substituted secrets.
func (st *callState) networkError(ctx context.Context, host string, err error) abi.HTTPResult {
	if ctx.Err() != nil {
		st.stopPlatform(ctx, err)
	}
	st.networkErrors++
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := st.redact.string(fmt.Sprintf("%s: %v", host, err))
	st.logger.DebugContext(ctx, "wasm http call failed", "host", host, "error", msg)
	return abi.HTTPResult{Error: &abi.Error{Kind: abi.ErrNetwork, Message: msg}}
}

// stopPlatform ends the call for a reason outside the module: its
// context ended (then the call's error says so), or a dependency failed.
func (st *callState) stopPlatform(ctx context.Context, err error) {
	if ctx.Err() != nil {
		panic(errAborted)
	}
	st.stop(err)
}

// deniedBy is the failure of a request the runtime refused.
func deniedBy(host string, err error) *Failure {
	return &Failure{Kind: KindDenied, Host: host, Forbidden: true, Message: err.Error()}
}

// httpClient answers the call's client, created on first use. It uses
// no proxy, follows no redirect (the module may request the Location,
// which is authorized like any request) and checks each dialed address.
func (st *callState) httpClient() *http.Client {
	if st.client != nil {
		return st.client
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		d := net.Dialer{Timeout: 10 * time.Second, Control: st.guard.control(host)}
		return d.DialContext(ctx, network, addr)
	}
	st.client = &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil,
			DialContext:            dial,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    10 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
			IdleConnTimeout:        30 * time.Second,
			MaxIdleConnsPerHost:    2,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return st.client
}

// validToken accepts an HTTP token (RFC 9110 tchar) of at most max
// bytes: a method or a header name.
func validToken(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

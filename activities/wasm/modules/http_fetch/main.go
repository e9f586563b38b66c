//go:build wasip1

// Command http_fetch is Temper's built-in integration module: it fetches
// one URL through the host and answers the response.
//
// Input (an abi.Input): the URL is params.url, else fields.url, else
// config.url. Config may set method (default GET), headers (a table of
// strings whose values may hold {secret:name} templates), body (a
// string), and fail_on_status (default true: a status of 400 or more is
// an http_status failure, retried for 408, 429 and 5xx).
//
// Output: {"status": 200, "content_type": "…", "body": "…"}; a body
// that is not UTF-8 comes as body_base64 instead.
//
// Build:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o http_fetch.wasm ./activities/wasm/modules/http_fetch
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/temperhq/temper/activities/wasm/guest"
)

func init() { guest.Handle(fetch) }

func main() {}

func fetch(raw json.RawMessage) (any, error) {
	var in guest.Input
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	url := firstString("url", in.Params, in.Fields, in.Config)
	if url == "" {
		return nil, errors.New("no url in params, fields or config")
	}
	req := guest.Request{Method: "GET", URL: url, Header: map[string]string{}}
	if m, ok := in.Config["method"].(string); ok && m != "" {
		req.Method = m
	}
	if hs, ok := in.Config["headers"].(map[string]any); ok {
		for k, v := range hs {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("config.headers.%s: want a string", k)
			}
			req.Header[k] = s
		}
	}
	if b, ok := in.Config["body"].(string); ok {
		req.Body = []byte(b)
	}
	resp, err := guest.HTTP(req)
	if err != nil {
		return nil, err
	}
	if fail, ok := in.Config["fail_on_status"].(bool); !ok || fail {
		if err := resp.Err(); err != nil {
			return nil, err
		}
	}
	out := map[string]any{"status": resp.Status, "content_type": resp.Header["Content-Type"]}
	if utf8.Valid(resp.Body) {
		out["body"] = string(resp.Body)
	} else {
		out["body_base64"] = base64.StdEncoding.EncodeToString(resp.Body)
	}
	return out, nil
}

// firstString answers the first non-empty string key of the maps.
func firstString(key string, maps ...map[string]any) string {
	for _, m := range maps {
		if s, ok := m[key].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

package wasm

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

var echoInput = json.RawMessage(`{"op":"echo","value":{"id":"k1","content":"graph databases","links":2}}`)

func benchCall(b *testing.B, f *fixture, in json.RawMessage, edit func(*Call)) {
	c := Call{Module: f.probe, Input: in}
	if edit != nil {
		edit(&c)
	}
	if _, err := f.rt.Call(context.Background(), c); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCall is the per-call cost of a small JSON echo: on a pooled
// instance, and on a fresh instance per call (instantiation and the Go
// runtime's initialization included).
func BenchmarkCall(b *testing.B) {
	for _, mode := range []struct {
		name    string
		maxIdle int
	}{{"pooled", 0}, {"fresh", -1}} {
		b.Run(mode.name, func(b *testing.B) {
			f := setup(b, Config{MaxIdle: mode.maxIdle})
			benchCall(b, f, echoInput, nil) // compile and warm up
			for b.Loop() {
				benchCall(b, f, echoInput, nil)
			}
		})
	}
}

// BenchmarkPooling alternates a pooled and a fresh call in one run and
// reports both and their ratio, so the figure does not depend on two
// runs seeing the same machine load.
func BenchmarkPooling(b *testing.B) {
	pooled, fresh := setup(b, Config{}), setup(b, Config{MaxIdle: -1})
	benchCall(b, pooled, echoInput, nil)
	benchCall(b, fresh, echoInput, nil)
	var tp, tf time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		benchCall(b, pooled, echoInput, nil)
		t1 := time.Now()
		benchCall(b, fresh, echoInput, nil)
		tf += time.Since(t1)
		tp += t1.Sub(t0)
		n++
	}
	b.ReportMetric(float64(tp.Microseconds())/float64(n), "pooled-µs/call")
	b.ReportMetric(float64(tf.Microseconds())/float64(n), "fresh-µs/call")
	b.ReportMetric(float64(tf)/float64(tp), "fresh/pooled")
}

// BenchmarkHTTPCall is a pooled call making one authorized HTTP request
// with a secret header to a loopback server.
func BenchmarkHTTPCall(b *testing.B) {
	f := setup(b, Config{})
	srv := httptestServer(b)
	in, _ := json.Marshal(map[string]any{"op": "http", "url": srv + "/", "header": map[string]string{"Authorization": "Bearer {secret:k}"}})
	edit := func(c *Call) {
		c.Authorizer, c.AllowPrivate, c.Secrets = allowAll(), loopback, secretMap{"k": "v-123456"}
	}
	benchCall(b, f, in, edit)
	for b.Loop() {
		benchCall(b, f, in, edit)
	}
}

func httptestServer(b *testing.B) string {
	s := newServer(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"ok":true}`) })
	b.Cleanup(s.Close)
	return s.URL
}

// BenchmarkHostOverhead is the runtime's own cost per pooled call,
// measured with a hand-assembled module that does no work (no Go
// runtime in the guest).
func BenchmarkHostOverhead(b *testing.B) {
	ctx := context.Background()
	rt, err := New(ctx, Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = rt.Close(ctx) }()
	h, err := rt.Add(ctx, tinyModule(1, `{"ok":{"related":["k2","k7"]}}`, 0))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := rt.Call(ctx, Call{Module: h, Input: echoInput, Budget: Budget{MemoryPages: 64}}); err != nil {
			b.Fatal(err)
		}
	}
}

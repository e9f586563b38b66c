//go:build wasip1

// Command probe is the test module of package wasm: one reactor whose
// input names the behaviour to show, so the tests build and compile a
// single module.
package main

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/temperhq/temper/activities/wasm/guest"
)

type input struct {
	Op     string            `json:"op"`
	N      int               `json:"n"`
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Header map[string]string `json:"header"`
	Body   string            `json:"body"`
	Msg    string            `json:"msg"`
	Status int               `json:"status"`
	Value  json.RawMessage   `json:"value"`
	// LogBody logs each HTTP response body.
	LogBody bool `json:"log_body"`
}

// keep holds what the memory bomb allocates, so it is not collected.
var keep [][]byte

// calls counts the calls this instance served.
var calls int

func init() {
	guest.Handle(handle)
}

func handle(raw json.RawMessage) (any, error) {
	calls++
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	switch in.Op {
	case "echo":
		return in.Value, nil
	case "calls":
		return map[string]int{"calls": calls}, nil
	case "loop":
		for {
		}
	case "sleep":
		time.Sleep(time.Duration(in.N) * time.Millisecond)
		return "slept", nil
	case "bomb":
		for {
			keep = append(keep, make([]byte, 1<<20))
		}
	case "alloc":
		b := make([]byte, in.N)
		for i := range b {
			b[i] = 1
		}
		return len(b), nil
	case "trap":
		// A panic outside the handler's goroutine is fatal: the Go
		// runtime aborts, which traps.
		done := make(chan struct{})
		go func() { panic("trap in a goroutine") }()
		<-done
		return nil, nil
	case "exit":
		os.Exit(in.N)
	case "panic":
		panic(in.Msg)
	case "error":
		return nil, errors.New(in.Msg)
	case "fake_status":
		return nil, &guest.StatusError{Status: in.Status}
	case "output":
		return strings.Repeat("x", in.N), nil
	case "log":
		for range max(in.N, 1) {
			guest.Log(in.Msg)
		}
		return "logged", nil
	case "http", "http_strict":
		n := max(in.N, 1)
		var resp *guest.Response
		for range n {
			var err error
			resp, err = guest.HTTP(guest.Request{Method: in.Method, URL: in.URL, Header: in.Header, Body: []byte(in.Body)})
			if err != nil {
				return nil, err
			}
			if in.LogBody {
				guest.Log(string(resp.Body))
			}
		}
		if in.Op == "http_strict" {
			if err := resp.Err(); err != nil {
				return nil, err
			}
		}
		return map[string]any{"status": resp.Status, "header": resp.Header, "body": string(resp.Body)}, nil
	case "secret":
		return guest.Secret(in.Msg), nil
	}
	return nil, errors.New("unknown op " + in.Op)
}

func main() {}

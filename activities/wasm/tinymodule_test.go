package wasm

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// tinyModule assembles a minimal module with the ABI's exports and no
// Go runtime: memory of minPages, alloc answering 4096, and run
// answering output, placed at offset 1024 (or the packed ptr/len in
// answer when it is not zero).
func tinyModule(minPages uint32, output string, answer uint64) []byte {
	uleb := func(v uint64) []byte {
		var b []byte
		for {
			c := byte(v & 0x7f)
			v >>= 7
			if v != 0 {
				c |= 0x80
			}
			b = append(b, c)
			if v == 0 {
				return b
			}
		}
	}
	sleb := func(v int64) []byte {
		var b []byte
		for {
			c := byte(v & 0x7f)
			v >>= 7
			if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
				return append(b, c)
			}
			b = append(b, c|0x80)
		}
	}
	name := func(s string) []byte { return append(uleb(uint64(len(s))), s...) }
	vec := func(items ...[]byte) []byte {
		b := uleb(uint64(len(items)))
		for _, it := range items {
			b = append(b, it...)
		}
		return b
	}
	section := func(id byte, body []byte) []byte {
		return append(append([]byte{id}, uleb(uint64(len(body)))...), body...)
	}
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	const i32, i64 = 0x7f, 0x7e
	if answer == 0 {
		answer = 1024<<32 | uint64(len(output))
	}
	body := func(instrs ...byte) []byte { return cat(uleb(uint64(len(instrs)+2)), []byte{0}, instrs, []byte{0x0b}) }
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, section(1, vec(
		[]byte{0x60, 0, 0},
		[]byte{0x60, 1, i32, 1, i32},
		[]byte{0x60, 2, i32, i32, 1, i64},
	))...)
	m = append(m, section(3, vec([]byte{0}, []byte{0}, []byte{1}, []byte{2}))...)
	m = append(m, section(5, vec(cat([]byte{0}, uleb(uint64(minPages)))))...)
	m = append(m, section(7, vec(
		cat(name("memory"), []byte{2, 0}),
		cat(name("_initialize"), []byte{0, 0}),
		cat(name("temper_abi_v1"), []byte{0, 1}),
		cat(name("alloc"), []byte{0, 2}),
		cat(name("run"), []byte{0, 3}),
	))...)
	m = append(m, section(10, vec(
		body(),
		body(),
		body(cat([]byte{0x41}, sleb(4096))...),
		body(cat([]byte{0x42}, sleb(int64(answer)))...),
	))...)
	if output != "" {
		m = append(m, section(11, vec(cat([]byte{0, 0x41}, sleb(1024), []byte{0x0b}, name(output))))...)
	}
	return m
}

func TestTinyModules(t *testing.T) {
	ctx := context.Background()
	rt, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rt.Close(ctx) }()
	for _, tc := range []struct {
		name   string
		wasm   []byte
		budget Budget
		kind   Kind
		want   string // the output, or in the failure's message
	}{
		{name: "ok", wasm: tinyModule(1, `{"ok":{"related":["k2"]}}`, 0), want: `{"related":["k2"]}`},
		{name: "ok null", wasm: tinyModule(1, `{"ok":null}`, 0), want: `null`},
		{name: "not json", wasm: tinyModule(1, `hello`, 0), kind: KindBadOutput, want: "not one JSON object"},
		{name: "trailing data", wasm: tinyModule(1, `{"ok":1} {"ok":2}`, 0), kind: KindBadOutput},
		{name: "both", wasm: tinyModule(1, `{"ok":1,"error":{"kind":"module","message":"x"}}`, 0), kind: KindBadOutput, want: "exactly one"},
		{name: "neither", wasm: tinyModule(1, `{}`, 0), kind: KindBadOutput, want: "exactly one"},
		{name: "output outside memory", wasm: tinyModule(1, "", 1<<20<<32|16), kind: KindBadOutput, want: "outside the module's memory"},
		{name: "module error", wasm: tinyModule(1, `{"error":{"kind":"module","message":"bad input"}}`, 0), kind: KindModule, want: "bad input"},
		{name: "unvouched network", wasm: tinyModule(1, `{"error":{"kind":"network","message":"down"}}`, 0), kind: KindModule},
		{name: "initial memory over budget", wasm: tinyModule(100, `{"ok":1}`, 0), budget: Budget{MemoryPages: 64}, kind: KindBudget, want: "at least 100 pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := rt.Add(ctx, tc.wasm)
			if err != nil {
				t.Fatal(err)
			}
			res, err := rt.Call(ctx, Call{Module: h, Input: json.RawMessage(`{}`), Budget: tc.budget})
			if tc.kind == "" {
				if err != nil || string(res.Output) != tc.want {
					t.Fatalf("output %s, err %v; want %s", res.Output, err, tc.want)
				}
				return
			}
			f, ok := AsFailure(err)
			if !ok || f.Kind != tc.kind || !strings.Contains(f.Message, tc.want) {
				t.Fatalf("err %v; want a %s failure with %q", err, tc.kind, tc.want)
			}
		})
	}
}

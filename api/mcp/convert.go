package mcp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"

	"go.starlark.net/starlark"
)

// maxDepth bounds the nesting of values converted either way (a Starlark
// list may contain itself).
const maxDepth = 64

// fromJSON converts a JSON document to Starlark values: objects become
// dicts (in the document's key order), arrays lists, integers ints (of
// any size), other numbers floats, null None.
func fromJSON(data []byte) (starlark.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("json: data after the value")
	}
	return v, nil
}

// fromGo converts a Go value through its JSON form.
func fromGo(v any) (starlark.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return fromJSON(b)
}

func decodeValue(dec *json.Decoder, depth int) (starlark.Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("json: nested deeper than %d", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("json: %w", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			list := starlark.NewList(nil)
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				_ = list.Append(v)
			}
			_, err := dec.Token() // ]
			return list, err
		case '{':
			dict := starlark.NewDict(0)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("json: %w", err)
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				_ = dict.SetKey(starlark.String(k), v)
			}
			_, err := dec.Token() // }
			return dict, err
		}
		return nil, fmt.Errorf("json: unexpected %v", t)
	case string:
		return starlark.String(t), nil
	case json.Number:
		return number(string(t))
	case bool:
		return starlark.Bool(t), nil
	case nil:
		return starlark.None, nil
	}
	return nil, fmt.Errorf("json: unexpected token %v", tok)
}

func number(s string) (starlark.Value, error) {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return starlark.MakeInt64(i), nil
		}
		if b, ok := new(big.Int).SetString(s, 10); ok {
			return starlark.MakeBigInt(b), nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("json: number %s: %w", s, err)
	}
	return starlark.Float(f), nil
}

// toJSON converts a Starlark value to JSON: None, bools, ints (exactly,
// of any size), finite floats, strings, lists and tuples, and dicts with
// string keys (in insertion order).
func toJSON(v starlark.Value) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := encodeValue(&buf, v, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeValue(buf *bytes.Buffer, v starlark.Value, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("cannot convert to JSON: nested deeper than %d (a value that contains itself?)", maxDepth)
	}
	switch x := v.(type) {
	case starlark.NoneType:
		buf.WriteString("null")
	case starlark.Bool:
		buf.WriteString(strconv.FormatBool(bool(x)))
	case starlark.Int:
		if i, ok := x.Int64(); ok {
			buf.WriteString(strconv.FormatInt(i, 10))
		} else {
			buf.WriteString(x.BigInt().String())
		}
	case starlark.Float:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("cannot convert %s to JSON", x.String())
		}
		b, _ := json.Marshal(f)
		buf.Write(b)
	case starlark.String:
		b, _ := json.Marshal(string(x))
		buf.Write(b)
	case starlark.Bytes:
		b, _ := json.Marshal(string(x))
		buf.Write(b)
	case starlark.Indexable: // list, tuple
		buf.WriteByte('[')
		for i := range x.Len() {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValue(buf, x.Index(i), depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case *starlark.Dict:
		buf.WriteByte('{')
		for i, item := range x.Items() {
			k, ok := item[0].(starlark.String)
			if !ok {
				return fmt.Errorf("cannot convert to JSON: dict key %s is a %s, not a string", item[0].String(), item[0].Type())
			}
			if i > 0 {
				buf.WriteByte(',')
			}
			b, _ := json.Marshal(string(k))
			buf.Write(b)
			buf.WriteByte(':')
			if err := encodeValue(buf, item[1], depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case *starlark.Set:
		buf.WriteByte('[')
		i := 0
		for e := range starlark.Elements(x) {
			if i > 0 {
				buf.WriteByte(',')
			}
			i++
			if err := encodeValue(buf, e, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		return fmt.Errorf("cannot convert a %s to JSON", v.Type())
	}
	return nil
}

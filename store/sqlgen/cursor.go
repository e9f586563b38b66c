package sqlgen

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
)

// token is a skip token: the order values and key of the last entity of a
// page, and a fingerprint of the order it belongs to.
type token struct {
	F string    `json:"f"`
	K string    `json:"k"`
	V []*string `json:"v,omitempty"`
}

// Next returns the skip token continuing after a row whose order columns
// (o0, o1, ... as scanned) are vals and whose key is key. Scanned values
// may be int64, float64, string, []byte, bool, time.Time, time.Duration
// (a time of day) or nil.
func (l *List) Next(vals []any, key string) (string, error) {
	if len(vals) != len(l.Order) {
		return "", fmt.Errorf("next token: %d order values for %d order items", len(vals), len(l.Order))
	}
	tk := token{F: l.fingerprint, K: key}
	for i, v := range vals {
		s, err := canonical(l.Order[i], v)
		if err != nil {
			return "", fmt.Errorf("next token: order value %d: %w", i, err)
		}
		tk.V = append(tk.V, s)
	}
	b, err := json.Marshal(tk)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func canonical(k model.Kind, v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	switch x := v.(type) {
	case []byte:
		v = string(x)
	case int:
		v = int64(x)
	case int32:
		v = int64(x)
	case int16:
		v = int64(x)
	case float32:
		v = float64(x)
	}
	var s string
	switch k {
	case model.KindInt:
		switch x := v.(type) {
		case int64:
			s = strconv.FormatInt(x, 10)
		case float64:
			s = strconv.FormatInt(int64(x), 10)
		case bool:
			s = map[bool]string{true: "1", false: "0"}[x]
		default:
			return nil, fmt.Errorf("%T for an integer", v)
		}
	case model.KindDouble:
		switch x := v.(type) {
		case float64:
			s = strconv.FormatFloat(x, 'g', -1, 64)
		case int64:
			s = strconv.FormatInt(x, 10)
		default:
			return nil, fmt.Errorf("%T for a double", v)
		}
	case model.KindString, model.KindGuid:
		x, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%T for a string", v)
		}
		s = x
	case model.KindDate:
		switch x := v.(type) {
		case string:
			s = x
		case time.Time:
			s = x.Format("2006-01-02")
		default:
			return nil, fmt.Errorf("%T for a date", v)
		}
	case model.KindDateTimeOffset:
		switch x := v.(type) {
		case string:
			s = x
		case time.Time:
			s = FormatDateTime(x)
		default:
			return nil, fmt.Errorf("%T for a date-time", v)
		}
	case model.KindTimeOfDay:
		switch x := v.(type) {
		case string:
			s = x
		case time.Duration:
			s = time.Time{}.Add(x).Format("15:04:05.000000")
		default:
			return nil, fmt.Errorf("%T for a time of day", v)
		}
	default:
		return nil, fmt.Errorf("kind %s in an order", k)
	}
	return &s, nil
}

func parseCanonical(k model.Kind, s string) (any, error) {
	switch k {
	case model.KindInt:
		return strconv.ParseInt(s, 10, 64)
	case model.KindDouble:
		return strconv.ParseFloat(s, 64)
	case model.KindString, model.KindGuid:
		return s, nil
	case model.KindDate:
		return ParseDate(s)
	case model.KindDateTimeOffset:
		return ParseDateTime(s)
	case model.KindTimeOfDay:
		return ParseTimeOfDay(s)
	}
	return nil, fmt.Errorf("kind %s", k)
}

// after is the condition selecting the rows after the token's row in the
// order (exprs, items, then the key ascending).
func (b *builder) after(raw string, l *List, exprs []string, items []ast.OrderItem) (string, error) {
	bad := qerr(-1, "malformed or foreign skip token")
	data, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return "", bad
	}
	var tk token
	if err := json.Unmarshal(data, &tk); err != nil || len(tk.V) != len(exprs) {
		return "", bad
	}
	if tk.F != l.fingerprint {
		return "", qerr(-1, "the skip token belongs to another $orderby")
	}
	ph := make([]string, len(exprs)) // "" for null
	for i, s := range tk.V {
		if s == nil {
			continue
		}
		v, err := parseCanonical(l.Order[i], *s)
		if err != nil {
			return "", bad
		}
		ph[i] = b.bind(l.Order[i], v)
	}
	key := b.bind(model.KindString, tk.K)
	var ors []string
	for i := 0; i <= len(exprs); i++ {
		var and []string
		for j := 0; j < i; j++ {
			if ph[j] == "" {
				and = append(and, exprs[j]+" IS NULL")
			} else {
				and = append(and, exprs[j]+" = "+ph[j])
			}
		}
		if i == len(exprs) {
			and = append(and, "t."+b.t.Key+" > "+key)
		} else {
			switch desc := items[i].Desc; {
			case !desc && ph[i] == "":
				and = append(and, exprs[i]+" IS NOT NULL")
			case !desc:
				and = append(and, exprs[i]+" > "+ph[i])
			case ph[i] == "":
				continue // nulls come last descending: nothing after but equal nulls
			default:
				and = append(and, "("+exprs[i]+" < "+ph[i]+" OR "+exprs[i]+" IS NULL)")
			}
		}
		ors = append(ors, "("+strings.Join(and, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")", nil
}

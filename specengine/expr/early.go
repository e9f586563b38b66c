package expr

import "strings"

// EarlyPredicate rewrites a predicate clause of the original project's early
// form (is_true x, is_false x) into the current grammar. ok is false when
// src is not an early clause.
func EarlyPredicate(src string) (rewritten string, ok bool) {
	f := strings.Fields(src)
	if len(f) != 2 || !isName(f[1]) {
		return "", false
	}
	switch f[0] {
	case "is_true":
		return f[1], true
	case "is_false":
		return "!" + f[1], true
	}
	return "", false
}

// EarlyEffect rewrites an effect clause of the early form (increment x,
// decrement x, set x v) into the current grammar. ok is false when src is
// not an early clause.
func EarlyEffect(src string) (rewritten string, ok bool) {
	f := strings.Fields(src)
	switch {
	case len(f) == 2 && f[0] == "increment" && isName(f[1]):
		return f[1] + " += 1", true
	case len(f) == 2 && f[0] == "decrement" && isName(f[1]):
		return f[1] + " -= 1", true
	case len(f) == 3 && f[0] == "set" && isName(f[1]):
		return f[1] + " = " + f[2], true
	}
	return "", false
}

func isName(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentPart(s[i]) {
			return false
		}
	}
	return true
}

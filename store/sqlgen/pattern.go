package sqlgen

import (
	"errors"
	"regexp/syntax"
)

// CheckPattern accepts the regular expressions both engines read the same
// way: literals, ., character classes written with brackets, groups,
// alternation, the repetitions * + ? {n,m}, and ^ $ anchoring the whole
// string. Escapes such as \d or \b, flags, POSIX classes, lazy
// repetitions and backreferences differ between Go's RE2 (SQLite's
// temper_regexp) and PostgreSQL's ARE, so they are refused. Both engines
// match . and negated classes against newlines.
func CheckPattern(p string) error {
	if len(p) > 1000 {
		return errors.New("pattern too long")
	}
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			if i+1 >= len(p) {
				return errors.New("trailing backslash")
			}
			c := p[i+1]
			if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c >= 0x80 {
				return errors.New(`escapes such as \d are not supported; use a bracket class`)
			}
			i++
		case '(':
			if i+1 < len(p) && p[i+1] == '?' {
				return errors.New("flags and special groups are not supported")
			}
		case '[':
			if i+1 < len(p) && (p[i+1] == ':' || p[i+1] == '=' || p[i+1] == '.') {
				return errors.New("POSIX classes are not supported")
			}
			if i+2 < len(p) && p[i+1] == '^' && (p[i+2] == ':' || p[i+2] == '=' || p[i+2] == '.') {
				return errors.New("POSIX classes are not supported")
			}
		}
	}
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return err
	}
	return checkRe(re)
}

func checkRe(re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpLiteral, syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpEmptyMatch,
		syntax.OpCapture, syntax.OpConcat, syntax.OpAlternate:
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		if re.Flags&syntax.NonGreedy != 0 {
			return errors.New("lazy repetitions are not supported")
		}
		if re.Op == syntax.OpRepeat && (re.Max > 255 || re.Min > 255) {
			return errors.New("repetition count above 255")
		}
	default:
		return errors.New("construct not supported: " + re.String())
	}
	for _, s := range re.Sub {
		if err := checkRe(s); err != nil {
			return err
		}
	}
	return nil
}

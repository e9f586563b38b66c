package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// bytes. The zero Pos means "no position known".
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether p carries a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Shift returns p moved n bytes to the right on the same line; it is used to
// point inside a quoted string whose own position is known.
func (p Pos) Shift(n int) Pos {
	if !p.IsValid() {
		return p
	}
	p.Col += n
	return p
}

// String renders p as file:line:column, leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case !p.IsValid() && p.File == "":
		return "-"
	case !p.IsValid():
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// Severity tells errors from warnings.
type Severity int

const (
	// SevError means the input is rejected.
	SevError Severity = iota
	// SevWarning means the input is accepted with a lint note.
	SevWarning
)

func (s Severity) String() string {
	if s == SevWarning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one error or warning at a position.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Msg      string
}

// Error implements error: "file:line:col: msg" (warnings say so).
func (d Diagnostic) Error() string {
	if d.Severity == SevWarning {
		return d.Pos.String() + ": warning: " + d.Msg
	}
	return d.Pos.String() + ": " + d.Msg
}

// List collects diagnostics in the order they were found.
type List []Diagnostic

// Errorf appends an error at pos.
func (l *List) Errorf(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: SevError, Msg: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning at pos.
func (l *List) Warnf(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: SevWarning, Msg: fmt.Sprintf(format, args...)})
}

// Add appends diagnostics, flattening an *Error or List found in err.
func (l *List) Add(err error) {
	if err == nil {
		return
	}
	var e *Error
	if errors.As(err, &e) {
		*l = append(*l, e.Diags...)
		return
	}
	var d Diagnostic
	if errors.As(err, &d) {
		*l = append(*l, d)
		return
	}
	l.Errorf(Pos{}, "%v", err)
}

// Errors returns only the errors.
func (l List) Errors() List { return l.filter(SevError) }

// Warnings returns only the warnings.
func (l List) Warnings() List { return l.filter(SevWarning) }

func (l List) filter(s Severity) List {
	var out List
	for _, d := range l {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == SevError {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by file, line and column, keeping the order of
// diagnostics at the same position.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns nil when l has no errors, and an *Error holding every
// diagnostic (warnings included) otherwise.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return &Error{Diags: append(List(nil), l...)}
}

// Error is the error type of every reader in the spec engine: one or more
// diagnostics, at least one of them an error. Callers branch on it with
// errors.As.
type Error struct {
	Diags List
}

// Error renders one diagnostic per line.
func (e *Error) Error() string {
	var b strings.Builder
	n := 0
	for _, d := range e.Diags {
		if d.Severity != SevError {
			continue
		}
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
		n++
	}
	return b.String()
}

// Nearest returns the candidate closest to name by edit distance, or "" when
// none is close enough to be a plausible typo. It lets "unknown key" errors
// name the key the author most likely meant.
func Nearest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := distance(strings.ToLower(name), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := len(name)/2 + 1
	if limit > 4 {
		limit = 4
	}
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

func distance(a, b string) int { return levenshtein.ComputeDistance(a, b) }

package uri

import (
	"unicode/utf8"

	"github.com/temperhq/temper/api/odata/ast"
)

// Parse parses a request's escaped path and raw query together. Besides
// what ParsePath and ParseQuery do, it checks the rules that tie the two
// without a model ($metadata and $batch take only $format and custom
// options; $entity needs $id and takes $select and $expand only after a
// type cast) and substitutes the query's parameter aliases in the path:
// key aliases whose value is a literal, function parameters and $filter
// segments.
func Parse(escapedPath, rawQuery string) (rp *ast.ResourcePath, q *ast.Query, err error) {
	if rp, err = ParsePath(escapedPath); err != nil {
		return nil, nil, err
	}
	if q, err = ParseQuery(rawQuery); err != nil {
		return nil, nil, err
	}
	if len(rp.Segments) > 0 {
		only := func(what string, allowSelect, allowID bool) error {
			if q.Filter != nil || q.Search != nil || q.OrderBy != nil || q.Top != nil || q.Skip != nil ||
				q.Count != nil || q.SkipToken != "" || len(q.Aliases) > 0 ||
				(!allowSelect && (q.Select != nil || q.Expand != nil)) {
				return &SyntaxError{Option: "path", Msg: what}
			}
			for _, u := range q.Unsupported {
				if u != "$id" || !allowID {
					return &SyntaxError{Option: "path", Msg: what}
				}
			}
			return nil
		}
		switch rp.Segments[0].Kind {
		case ast.SegMetadata, ast.SegBatch:
			if err := only(segmentText(&rp.Segments[0])+" takes only $format and custom query options", false, false); err != nil {
				return nil, nil, err
			}
		case ast.SegEntity:
			hasID := false
			for _, u := range q.Unsupported {
				hasID = hasID || u == "$id"
			}
			if !hasID {
				return nil, nil, &SyntaxError{Option: "path", Msg: "$entity needs the $id query option"}
			}
			cast := len(rp.Segments) > 1
			msg := "$entity takes only $id, $format and custom query options"
			if cast {
				msg = "$entity/Type takes only $id, $select, $expand, $format and custom query options"
			}
			if err := only(msg, cast, true); err != nil {
				return nil, nil, err
			}
		}
	}
	if len(q.Aliases) > 0 {
		if err := substPath(rp, q); err != nil {
			return nil, nil, err
		}
	}
	return rp, q, nil
}

// substPath substitutes the query's aliases in the path.
func substPath(rp *ast.ResourcePath, q *ast.Query) (err error) {
	defer catch(&err)
	sc := newScope(nil, q.Aliases)
	sb := &substituter{option: "path"}
	for i := range rp.Segments {
		s := &rp.Segments[i]
		if ks, ok := sb.keys(s.Keys, sc); ok {
			s.Keys = ks
		}
		for n, v := range s.Args {
			s.Args[n] = sb.expr(v, sc)
		}
		if s.Filter != nil {
			s.Filter = sb.expr(s.Filter, sc)
		}
	}
	return nil
}

// ParseExpr parses a common expression written as plain text, that is
// already percent-decoded (the form Format prints). Parameter aliases
// stay unresolved.
func ParseExpr(expr string) (e ast.Expr, err error) {
	defer catch(&err)
	if len(expr) > MaxLength {
		return nil, &SyntaxError{Offset: MaxLength, Msg: "expression too long"}
	}
	if !utf8.ValidString(expr) {
		return nil, &SyntaxError{Offset: invalidUTF8(expr), Msg: "invalid UTF-8"}
	}
	p := newParser(text{s: expr}, "")
	e = p.expr()
	p.expectEnd()
	return e, nil
}

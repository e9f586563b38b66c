package csdl_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/specengine/diag"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := csdl.Parse("t.xml", []byte(tc.doc()))
			if m != nil {
				t.Errorf("got a model with an error")
			}
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("error = %v (%T), want *diag.Error", err, err)
			}
			var got []string
			for _, d := range de.Diags {
				if d.Pos.File != "t.xml" {
					t.Errorf("diagnostic %q has file %q, want t.xml", d.Msg, d.Pos.File)
				}
				if d.Severity != diag.SevError {
					t.Errorf("diagnostic %q is a %v", d.Msg, d.Severity)
				}
				got = append(got, fmt.Sprintf("%d:%d: %s", d.Pos.Line, d.Pos.Col, d.Msg))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("diagnostics:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
		})
	}
}

func TestParseErrorString(t *testing.T) {
	t.Parallel()
	_, err := csdl.Parse("model.csdl.xml", []byte(header+`<ComplexType Name="C"><Property Name="p" Type="Edm.Strng"/></ComplexType>`+footer))
	want := "model.csdl.xml:5:23: unknown type Edm.Strng of property p; did you mean Edm.String?"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestParseValid(t *testing.T) {
	t.Parallel()
	for i, doc := range validDocs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			m, err := csdl.Parse("valid.csdl.xml", []byte(doc))
			if err != nil {
				t.Fatalf("parse:\n%v", err)
			}
			assertRoundTrip(t, m)
		})
	}
}

func TestParseByteOrderMark(t *testing.T) {
	t.Parallel()
	doc := "\uFEFF" + header + `<ComplexType Name="C"/>` + footer
	if _, err := csdl.Parse("bom.xml", []byte(doc)); err != nil {
		t.Fatalf("a leading byte order mark was rejected: %v", err)
	}
	doc = header + "\uFEFF" + footer
	if _, err := csdl.Parse("bom.xml", []byte(doc)); err == nil {
		t.Fatalf("a byte order mark inside the document was accepted")
	}
}

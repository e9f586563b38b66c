package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/diag"
	"github.com/temperhq/temper/specengine/expr"
)

type parseCmd struct{}

func (*parseCmd) name() string { return "parse" }
func (*parseCmd) synopsis() string {
	return "parse FILE|DIR: load specs, a CSDL model and policies; print a summary or the errors"
}

// maxBundleFile bounds what temper parse reads per file.
const maxBundleFile = 4 << 20

func (c *parseCmd) run(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("parse", stderr, "parse [-q] FILE|DIR")
	quiet := fset.Bool("q", false, "print errors only, not the summary or warnings")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		fset.Usage()
		return fmt.Errorf("%w: parse takes one FILE or DIR", ErrUsage)
	}
	files, err := ReadBundle(fset.Arg(0))
	if err != nil {
		return err
	}
	b, err := specengine.Load(files)
	if !*quiet {
		for _, w := range b.Warnings {
			fmt.Fprintln(stderr, w.Error())
		}
	}
	if err != nil {
		var de *diag.Error
		if errors.As(err, &de) {
			n := 0
			for _, d := range de.Diags.Errors() {
				fmt.Fprintln(stderr, d.Error())
				n++
			}
			return fmt.Errorf("%s: %s", fset.Arg(0), plural(n, "error"))
		}
		return err
	}
	if !*quiet {
		Summarize(stdout, b)
	}
	return nil
}

// ReadBundle reads a bundle from a file or a directory (recursively: every
// *.ioa.toml, *.csdl.xml and *.cedar in it). Names are relative to the
// working directory, so diagnostics point at real files.
func ReadBundle(path string) (map[string][]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	files := map[string][]byte{}
	read := func(p string) error {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("read bundle: %w", err)
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxBundleFile+1))
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if len(data) > maxBundleFile {
			return fmt.Errorf("read %s: larger than %d bytes", p, maxBundleFile)
		}
		files[p] = data
		return nil
	}
	if !info.IsDir() {
		return files, read(path)
	}
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		n := strings.ToLower(d.Name())
		if d.IsDir() || !(strings.HasSuffix(n, ".ioa.toml") || strings.HasSuffix(n, ".csdl.xml") || strings.HasSuffix(n, ".cedar")) {
			return nil
		}
		return read(p)
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("read bundle: no *.ioa.toml, *.csdl.xml or *.cedar files under %s", path)
	}
	return files, nil
}

// Summarize prints what a bundle holds: per entity its states, variables,
// actions, invariants and integrations.
func Summarize(w io.Writer, b *specengine.Bundle) {
	model := "CSDL model"
	if b.DerivedModel {
		model = "derived CSDL model"
	}
	fmt.Fprintf(w, "bundle %s: %s, %s, %s\n", b.Hash[:19], plural(len(b.TableList), "entity type"), model, plural(len(b.Policies), "policy file"))
	for _, t := range b.TableList {
		fmt.Fprintf(w, "\n%s (set %s, %s)\n", t.Entity, t.EntitySet, t.Spec.File)
		var states []string
		for i, s := range t.States {
			switch {
			case i == t.Initial:
				states = append(states, s+" (initial)")
			case t.Terminal[i]:
				states = append(states, s+" (terminal)")
			default:
				states = append(states, s)
			}
		}
		fmt.Fprintf(w, "  states:       %s\n", strings.Join(states, ", "))
		var vars, fields []string
		for _, v := range t.Vars {
			switch {
			case v.Field:
				fields = append(fields, v.Name+" "+v.Type.String())
			case v.Initial != nil:
				vars = append(vars, fmt.Sprintf("%s %s = %s", v.Name, v.Type, v.Initial))
			default:
				vars = append(vars, v.Name+" "+v.Type.String()+" (input)")
			}
		}
		fmt.Fprintf(w, "  variables:    %s\n", orNone(vars))
		fmt.Fprintf(w, "  fields:       %s\n", orNone(fields))
		fmt.Fprintf(w, "  actions:      %d\n", len(t.Actions))
		for _, a := range t.Actions {
			fmt.Fprintf(w, "    %s\n", describeAction(t, a))
		}
		fmt.Fprintf(w, "  invariants:   %s\n", orNone(invNames(t.Invariants)))
		if len(t.FieldInvariants) > 0 {
			fmt.Fprintf(w, "  field invariants: %s\n", orNone(invNames(t.FieldInvariants)))
		}
		var ins []string
		for _, in := range t.Integrations {
			ins = append(ins, fmt.Sprintf("%s (on %s: module %s -> %s | %s)", in.Name, in.Trigger, in.Module, in.OnSuccess, in.OnFailure))
		}
		for _, a := range t.Actions {
			for _, tr := range a.Triggers {
				if tr.Kind == "wasm" {
					ins = append(ins, fmt.Sprintf("%s (on %s: module %s -> %s | %s)", tr.Name, a.Name, tr.Module, tr.OnSuccess, tr.OnFailure))
				}
			}
		}
		fmt.Fprintf(w, "  integrations: %s\n", orNone(ins))
		if len(t.Liveness) > 0 {
			var ls []string
			for _, l := range t.Liveness {
				ls = append(ls, l.Name)
			}
			fmt.Fprintf(w, "  liveness:     %s\n", strings.Join(ls, ", "))
		}
	}
	if len(b.Policies) > 0 {
		var ps []string
		for p := range b.Policies {
			ps = append(ps, filepath.Base(p))
		}
		sort.Strings(ps)
		fmt.Fprintf(w, "\npolicies: %s\n", strings.Join(ps, ", "))
	}
}

func describeAction(t *specengine.Table, a *specengine.Action) string {
	var from []string
	for i, ok := range a.From {
		if ok {
			from = append(from, t.States[i])
		}
	}
	to := "(self)"
	if a.To >= 0 {
		to = t.States[a.To]
	}
	s := fmt.Sprintf("%s: %s -> %s", a.Name, strings.Join(from, "|"), to)
	switch {
	case a.Event:
		s = a.Name + ": output event"
	case a.Implicit:
		s += " [implicit callback]"
	}
	var ps []string
	for _, p := range a.Params {
		if p.Type == expr.TAny {
			ps = append(ps, p.Name)
		} else {
			ps = append(ps, p.Name+" "+p.Type.String())
		}
	}
	if len(ps) > 0 {
		s += " (" + strings.Join(ps, ", ") + ")"
	}
	return s
}

func invNames(l []*specengine.Invariant) []string {
	var out []string
	for _, i := range l {
		out = append(out, i.Name)
	}
	return out
}

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

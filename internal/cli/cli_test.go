package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestParseCommand(t *testing.T) {
	seed := "../../../shared/conformance/seed"
	if _, err := os.Stat(seed); err != nil {
		t.Skipf("shared conformance data not found at %s: %v", seed, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.ioa.toml")
	if err := os.WriteFile(bad, []byte("[automaton]\nname = \"K\"\nstates = [\"A\"]\ninitial = \"A\"\n[[action]]\nname = \"Go\"\nfrom = [\"A\"]\nguard = \"x > 1\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		out     []string
		errOut  []string
	}{
		{"seed dir", []string{"parse", seed}, false,
			[]string{"1 entity type", "Knowledge (set KnowledgeEntries", "states:       Draft (initial), Indexed, Linked, Archived", "content string (input)", "links counter = 0", "IndexSucceeded", "[implicit callback]", "invariants:   IndexRequiresContent", "semantic_search (on Index: module search_service -> IndexSucceeded | IndexFailed)"},
			[]string{"Knowledge.ioa.toml:40:1: warning: integration \"semantic_search\" on_success names undeclared action \"IndexSucceeded\""}},
		{"seed file only", []string{"parse", filepath.Join(seed, "Knowledge.ioa.toml")}, false,
			[]string{"derived CSDL model", "Knowledge (set Knowledges"}, []string{"no CSDL model in the bundle"}},
		{"errors", []string{"parse", bad}, true, nil, []string{"bad.ioa.toml:8:10: guard of Go: unknown variable 'x'"}},
		{"missing", []string{"parse", "/nonexistent/x"}, true, nil, nil},
		{"no args", []string{"parse"}, true, nil, []string{"usage: temper parse"}},
		{"unknown command", []string{"frobnicate"}, true, nil, []string{"usage: temper <command>"}},
		{"apps", []string{"apps"}, false, []string{"knowledge", "[KnowledgeEntries]", "tasks", "[Tasks]"}, nil},
		{"app tasks", []string{"apps", "tasks"}, false, []string{"Task (set Tasks", "Complete: InProgress -> Done"}, nil},
		{"app unknown", []string{"apps", "nope"}, true, nil, nil},
		{"dev with arguments", []string{"dev", "extra"}, true, nil, []string{"usage: temper dev"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := run(t, tc.args...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v\nstdout:\n%s\nstderr:\n%s", err, tc.wantErr, out, errOut)
			}
			for _, w := range tc.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.errOut {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestVerifyCommand(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.ioa.toml")
	if err := os.WriteFile(bad, []byte("[automaton]\nname = \"K\"\nstates = [\"A\", \"B\"]\ninitial = \"A\"\n[[state]]\nname = \"n\"\ntype = \"counter\"\ninitial = 0\n[[action]]\nname = \"Inc\"\nfrom = [\"A\"]\neffect = [\"n += 1\"]\n[[action]]\nname = \"Go\"\nfrom = [\"A\"]\nto = \"B\"\n[[invariant]]\nname = \"Small\"\nassert = \"n <= 1\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dump := t.TempDir()
	out, _, err := run(t, "verify", "--dump-smt", dump, "../../dev/apps/tasks")
	if err != nil || !strings.Contains(out, "[PASS] L0 SMT") || !strings.Contains(out, "cascade PASSED") {
		t.Fatalf("tasks: %v\n%s", err, out)
	}
	if files, _ := filepath.Glob(filepath.Join(dump, "*.smt2")); len(files) == 0 {
		t.Error("--dump-smt wrote nothing")
	}
	out, _, err = run(t, "verify", "--level", "L1", bad)
	if !errors.Is(err, ErrVerificationFailed) || !strings.Contains(out, "[FAIL] L1 model checking") || !strings.Contains(out, "2. Inc") {
		t.Errorf("broken spec: %v\n%s", err, out)
	}
	out, _, err = run(t, "verify", "--json", "--level", "L3", "--seed", "5", bad)
	if !errors.Is(err, ErrVerificationFailed) || !strings.Contains(out, `"level": "L3"`) || !strings.Contains(out, `"seed"`) {
		t.Errorf("json: %v\n%s", err, out)
	}
	if _, _, err := run(t, "verify", "--level", "L9", bad); !errors.Is(err, ErrUsage) {
		t.Errorf("bad level: %v", err)
	}
}

package cli

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// seedDir copies the founding document's bundle (read from the shared
// conformance data) into a temporary directory, with extra appended to
// its spec.
func seedDir(t *testing.T, extra string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "my-app")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Knowledge.ioa.toml", "model.csdl.xml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "conformance", "seed", n))
		if err != nil {
			t.Fatal(err)
		}
		if n == "Knowledge.ioa.toml" {
			b = append(b, extra...)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestSpecsCommands drives temper specs, export, import and verify
// --remote against temper dev, as the dev agent.
func TestSpecsCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded Temporal server; skipped in -short mode")
	}
	_, _, gw, admin, agent, stop := startDev(t, filepath.Join(t.TempDir(), "temporal.db"))
	defer stop()
	base := "http://" + gw
	as := []string{"--url", base, "--token", agent}

	out, err := runCLI(t, append([]string{"specs"}, append(as, "submit", "my-app", seedDir(t, ""), "--wait")...)...)
	if err != nil || !strings.Contains(out, ": succeeded") || !strings.Contains(out, "L1       passed") || !strings.Contains(out, "activate passed") {
		t.Fatalf("specs submit: %v\n%s", err, out)
	}
	v1 := regexp.MustCompile(`\((sha256:[0-9a-f]+)\)`).FindStringSubmatch(out)[1]
	if code, body, _ := send(t, "POST", base+"/odata/my-app/KnowledgeEntries", agent, `{"id": "k1", "content": "x"}`); code != 201 {
		t.Fatalf("create in the deployed app: %d %s", code, body)
	}
	liveness := "\n[[liveness]]\nname = \"EntriesGetArchived\"\nfrom = [\"Draft\", \"Indexed\", \"Linked\"]\nreaches = [\"Archived\"]\n"
	out, err = runCLI(t, append([]string{"specs"}, append(as, "submit", "my-app", seedDir(t, liveness), "--wait")...)...)
	if !errors.Is(err, ErrDeployFailed) || !strings.Contains(out, "L1       failed") || !strings.Contains(out, "EntriesGetArchived") {
		t.Fatalf("failing submit: %v\n%s", err, out)
	}
	out, err = runCLI(t, append([]string{"verify", "--remote", base, "--token", agent}, seedDir(t, liveness))...)
	if !errors.Is(err, ErrVerificationFailed) || !strings.Contains(out, "L1       failed") {
		t.Fatalf("verify --remote of a failing bundle: %v\n%s", err, out)
	}
	if out, err := runCLI(t, append([]string{"verify", "--remote", base, "--token", agent}, seedDir(t, ""))...); err != nil || !strings.Contains(out, "activate skipped") {
		t.Fatalf("verify --remote: %v\n%s", err, out)
	}
	out, err = runCLI(t, append([]string{"specs"}, append(as, "versions", "my-app")...)...)
	if err != nil || !strings.Contains(out, "* ") || !strings.Contains(out, v1) || !strings.Contains(out, `Agent::"dev-agent"`) {
		t.Fatalf("specs versions: %v\n%s", err, out)
	}
	out, err = runCLI(t, append([]string{"specs"}, append(as, "status", "my-app")...)...)
	if err != nil || !strings.Contains(out, "active "+v1) || strings.Count(out, "submit") < 2 || !strings.Contains(out, "failed") {
		t.Fatalf("specs status: %v\n%s", err, out)
	}
	file := filepath.Join(t.TempDir(), "my-app.temper.json")
	if out, err := runCLI(t, append([]string{"export"}, append(as, "my-app", file)...)...); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	out, err = runCLI(t, append([]string{"import"}, append(as, file, "--as", "my-copy")...)...)
	if err != nil || !strings.Contains(out, "my-copy: succeeded") || !strings.Contains(out, "L0       passed") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if code, body, _ := send(t, "GET", base+"/odata/my-copy/KnowledgeEntries", agent, ""); code != 200 {
		t.Fatalf("the imported app: %d %s", code, body)
	}
	// Another agent may not submit to the dev agent's app.
	out, err = runCLI(t, "agents", "--url", base, "--token", admin, "create", "other")
	if err != nil {
		t.Fatal(err)
	}
	other := regexp.MustCompile(`token: (\S+)`).FindStringSubmatch(out)[1]
	if out, err := runCLI(t, "specs", "--url", base, "--token", other, "submit", "my-app", seedDir(t, ""), "--wait"); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("another agent submits: %v\n%s", err, out)
	}
	if out, err := runCLI(t, append([]string{"specs"}, append(as, "rollback", "my-app", "sha256:nope")...)...); err == nil {
		t.Fatalf("rollback to nothing: %s", out)
	}
}

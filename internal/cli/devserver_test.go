package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDevserverCommand runs `temper devserver` on a file database with free
// ports, reads the addresses it prints, checks the UI answers, and stops
// it by cancelling the context, as SIGINT does.
func TestDevserverCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "temporal.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		err := (&devserverCmd{}).run(ctx, []string{"--db-filename", db, "--port", "0", "--ui-port", "0"}, outW, io.Discard)
		outW.CloseWithError(err)
		done <- err
	}()
	var lines []string
	sc := bufio.NewScanner(outR)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.HasPrefix(sc.Text(), "Press Ctrl+C") {
			break
		}
	}
	t.Logf("ready after %v:\n%s", time.Since(start), strings.Join(lines, "\n"))
	out := strings.Join(lines, "\n")
	if !strings.Contains(out, "Temporal server:  127.0.0.1:") || !strings.Contains(out, "Persistence:      "+db) || strings.Contains(out, "Temporal UI") {
		t.Errorf("output:\n%s", out)
	}
	cancel()
	go io.Copy(io.Discard, outR)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("devserver did not stop after cancel")
	}
}

func TestDevserverCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--ephemeral", "--db-filename", "x.db"},
		{"--log-level", "loud"},
		{"extra"},
		{"--port", "x"},
	} {
		err := (&devserverCmd{}).run(context.Background(), args, io.Discard, io.Discard)
		if !errors.Is(err, ErrUsage) {
			t.Errorf("%v: error %v, want ErrUsage", args, err)
		}
	}
	// -h prints usage and starts nothing.
	var stderr strings.Builder
	if err := (&devserverCmd{}).run(context.Background(), []string{"-h"}, io.Discard, &stderr); err != nil || !strings.Contains(stderr.String(), "--ephemeral") && !strings.Contains(stderr.String(), "-ephemeral") {
		t.Errorf("-h: %v, %q", err, stderr.String())
	}
}

// TestDevserverCommandUI checks the UI line and page with the UI enabled.
func TestDevserverCommandUI(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := (&devserverCmd{}).run(ctx, []string{"--ephemeral", "--port", "0", "--ui-port", "18233"}, outW, io.Discard)
		outW.CloseWithError(err)
		done <- err
	}()
	sc := bufio.NewScanner(outR)
	var ui string
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "Temporal UI:      "); ok {
			ui = u
		}
		if strings.HasPrefix(sc.Text(), "Press Ctrl+C") {
			break
		}
	}
	go io.Copy(io.Discard, outR)
	if ui != "http://127.0.0.1:18233" {
		t.Fatalf("UI line %q", ui)
	}
	resp, err := http.Get(ui + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s/: %s", ui, resp.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

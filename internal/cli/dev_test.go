package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/workflows/entity"
)

// startDev runs temper dev in the background and returns its frontend and
// UI addresses and a stop function.
func startDev(t *testing.T, db string) (frontend, ui, gateway, admin, agent string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"dev", "--db-filename", db, "--port", "0", "--ui-port", "-1",
			"--http", "127.0.0.1:0", "--store", filepath.Join(filepath.Dir(db), "temper.db")}, &out, &errb)
	}()
	re := regexp.MustCompile(`Temporal server:\s+(\S+)[\s\S]*Temporal UI:\s+http://(\S+)[\s\S]*Gateway:\s+http://(\S+)/odata/[\s\S]*Admin token:\s+(\S+)[\s\S]*Agent token:\s+(\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			frontend, ui, gateway, admin, agent = m[1], m[2], m[3], m[4], m[5]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("temper dev exited: %v\n%s\n%s", err, out.String(), errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("temper dev not ready:\n%s\n%s", out.String(), errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return frontend, ui, gateway, admin, agent, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("temper dev: %v\n%s", err, errb.String())
		}
	}
}

// TestDevKeepsEntitiesAcrossRestarts creates an entity in temper dev, stops
// it, starts it again on the same database, and finds the entity with its
// state, also listed by status through the Web UI's API.
func TestDevKeepsEntitiesAcrossRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded Temporal server twice; skipped in -short mode")
	}
	db := filepath.Join(t.TempDir(), "temporal.db")
	entityCmd := func(addr string, args ...string) (entity.Entity, error) {
		var out, errb syncBuffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := Run(ctx, append([]string{"entity", "--temporal", addr}, args...), &out, &errb)
		var e entity.Entity
		if err == nil {
			if jerr := json.Unmarshal([]byte(out.String()), &e); jerr != nil {
				t.Fatalf("output %q: %v", out.String(), jerr)
			}
		}
		return e, err
	}

	addr, _, gw, admin, agent, stop := startDev(t, db)
	if _, err := entityCmd(addr, "create", "tasks", "Tasks", "t1", `{"title": "Review PR #42", "assignee": "agent-codereview"}`); err != nil {
		t.Fatal(err)
	}
	if e, err := entityCmd(addr, "act", "tasks", "Tasks", "t1", "Start"); err != nil || e.Status != "InProgress" {
		t.Fatalf("Start: %+v %v", e, err)
	}
	// The gateway serves the same entity, to the admin; the dev agent
	// did not create it, so it may not read it.
	if code, _ := get(t, "http://"+gw+"/odata/tasks/Tasks('t1')", admin); code != 200 {
		t.Errorf("gateway get as admin: %d", code)
	}
	if code, body := get(t, "http://"+gw+"/odata/tasks/Tasks('t1')", agent); code != http.StatusForbidden {
		t.Errorf("gateway get as the dev agent: %d %s", code, body)
	}
	if code, _ := get(t, "http://"+gw+"/odata/tasks/Tasks('t1')", ""); code != http.StatusUnauthorized {
		t.Errorf("gateway get without a token: %d", code)
	}
	stop()

	addr, ui, gw2, admin2, agent2, stop := startDev(t, db)
	defer stop()
	if admin2 != admin || agent2 != agent {
		t.Errorf("the dev tokens changed across a restart")
	}
	// The gateway lists the entity from the projection the worker wrote.
	code, body := get(t, "http://"+gw2+"/odata/tasks/Tasks?$filter=status%20eq%20'InProgress'", admin)
	if code != 200 || !strings.Contains(body, `"id":"t1"`) {
		t.Errorf("gateway list after restart: %d %s", code, body)
	}
	e, err := entityCmd(addr, "get", "tasks", "Tasks", "t1")
	if err != nil || e.Status != "InProgress" || e.Version != 1 {
		t.Fatalf("after restart: %+v %v", e, err)
	}
	if e, err := entityCmd(addr, "act", "tasks", "Tasks", "t1", "Review"); err != nil || e.Version != 2 {
		t.Fatalf("action after restart: %+v %v", e, err)
	}
	q := url.QueryEscape("TemperStatus = 'InProgress'")
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + ui + "/api/v1/namespaces/default/workflows?query=" + q)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), "tasks/Tasks/t1") {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("UI does not list the entity by status: %d %s", resp.StatusCode, body)
			}
		} else if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// get GETs url with a bearer token ("" for none).
func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// slowEntities is an entity backend whose asynchronous updates complete
// on the third look at their outcome.
type slowEntities struct {
	looks int
	sent  []entity.Request
}

func (f *slowEntities) Create(context.Context, entity.Start) (entity.Entity, error) {
	return entity.Entity{}, entity.ErrConflict
}
func (f *slowEntities) Act(context.Context, entity.Ref, string, entity.Request) (entity.Entity, error) {
	return entity.Entity{}, entity.ErrNotFound
}
func (f *slowEntities) Signal(context.Context, entity.Ref, entity.Request) error { return nil }
func (f *slowEntities) Get(_ context.Context, ref entity.Ref) (entity.Entity, error) {
	return entity.Entity{Ref: ref, Entity: "Task", Version: 4, Status: "Open", Fields: map[string]any{"title": "t", "status": "Open"}}, nil
}
func (f *slowEntities) ActAsync(_ context.Context, ref entity.Ref, id string, req entity.Request) (entity.Accepted, error) {
	f.sent = append(f.sent, req)
	return entity.Accepted{Ref: ref, RunID: "run-1", UpdateID: id}, nil
}
func (f *slowEntities) Outcome(_ context.Context, a entity.Accepted, _ time.Duration) (entity.Entity, bool, error) {
	if a.RunID != "run-1" {
		return entity.Entity{}, false, entity.ErrNotFound
	}
	if f.looks++; f.looks < 3 {
		return entity.Entity{}, false, nil
	}
	return entity.Entity{Ref: a.Ref, Version: 5, Status: "InProgress", Fields: map[string]any{"title": "t", "status": "InProgress"}}, true, nil
}

// noPolicies stores no policies: an admin is allowed by the system ones.
type noPolicies struct{}

func (noPolicies) Policies(context.Context, string) ([]store.Policy, error) { return nil, nil }

// TestMonitorWhileRunning drives the status monitor through an update
// that is still running: the real entity workflow accepts and completes
// an update in the same workflow task, too fast to see this.
func TestMonitorWhileRunning(t *testing.T) {
	files, err := apps.Files("tasks")
	if err != nil {
		t.Fatal(err)
	}
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	reg := NewApps()
	reg.Activate("tasks", b)
	fake := &slowEntities{}
	eng := authz.New(noPolicies{})
	s := New(Config{Apps: reg, Entities: fake, NewID: func() string { return "u-1" }, Security: Security{Authz: eng}})
	admin := identity.Principal{Kind: identity.Admin, ID: "test"}
	serve := func(method, target string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		c := s.echo.NewContext(req, rec)
		c.Set(callKey, &call{principal: admin})
		c.SetParamNames("app")
		c.SetParamValues("tasks")
		if err := s.odataHeaders(s.dispatch)(c); err != nil {
			s.handleError(err, c)
		}
		return rec
	}
	rec := serve(http.MethodPost, "/odata/tasks/Tasks('a')/Tracker.Start", "Prefer", "respond-async")
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusAccepted || !strings.HasPrefix(loc, "http://example.com/odata/tasks/$async/") || len(fake.sent) != 1 || fake.sent[0].Action != "Start" {
		t.Fatalf("POST: %d %v %v", rec.Code, rec.Header(), fake.sent)
	}
	mon := strings.TrimPrefix(loc, "http://example.com")
	for look := 1; look <= 2; look++ {
		rec = serve(http.MethodGet, mon)
		if rec.Code != http.StatusAccepted || rec.Header().Get("Location") != loc || rec.Header().Get("Retry-After") == "" || rec.Header().Get("AsyncResult") != "" {
			t.Fatalf("look %d while running: %d %v %s", look, rec.Code, rec.Header(), rec.Body)
		}
	}
	rec = serve(http.MethodGet, mon, "Accept", "application/http")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || rec.Header().Get("AsyncResult") != "200" || !strings.HasPrefix(body, "HTTP/1.1 200 OK\r\n") ||
		!strings.Contains(body, "Etag: W/\"5\"\r\n") || !strings.Contains(body, `"status":"InProgress"`) {
		t.Errorf("final: %d %v %q", rec.Code, rec.Header(), body)
	}
}

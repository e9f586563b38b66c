package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/verification"
	"github.com/temperhq/temper/verification/report"
	"github.com/temperhq/temper/workflows/deploy"
)

// Deployer starts and watches deploy workflows; deploy.Client provides it.
type Deployer interface {
	Start(ctx context.Context, in deploy.Input) (string, error)
	Wait(ctx context.Context, app, runID string, wait time.Duration) (*deploy.Result, bool, error)
	Progress(ctx context.Context, app, runID string) (*deploy.Result, error)
}

var _ Deployer = (*deploy.Client)(nil)

// Deploys is what the gateway needs for spec submission: the deploy
// workflows and the store's versions.
type Deploys struct {
	Deployer Deployer
	Specs    store.Specs
	// Wait bounds how long a submission waits for its deploy (default
	// one minute); longer deploys answer 202 with a status URL.
	Wait time.Duration
	// StepTimeout bounds each verification level (default: the
	// workflow's).
	StepTimeout time.Duration
}

// BundleFormat names the export file format.
const BundleFormat = "temper-bundle/1"

// BundleFile is an exported app: its files and version metadata.
type BundleFile struct {
	Format      string            `json:"format"`
	App         string            `json:"app"`
	Version     string            `json:"version"`
	Files       map[string][]byte `json:"files"`
	Verifier    string            `json:"verifier,omitempty"`
	Report      json.RawMessage   `json:"report,omitempty"`
	SubmittedBy string            `json:"submitted_by,omitempty"`
	ApprovedBy  string            `json:"approved_by,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
}

func (s *Server) specsRoutes(g *echo.Group) {
	g.POST("/apps/:app/specs", s.submitSpecs)
	g.GET("/apps/:app/specs", s.specsStatus)
	g.GET("/apps/:app/versions", s.listVersions)
	g.POST("/apps/:app/rollback", s.rollback)
	g.GET("/apps/:app/deploys/:id", s.getDeploy)
	g.GET("/apps/:app/export", s.exportApp)
	g.POST("/apps/:app/import", s.importApp)
	g.POST("/verify", s.verifyRemote)
}

// appWide marks a whole new app as being verified.
const appWide = "*"

var appName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

func checkApp(app string) error {
	if !appName.MatchString(app) {
		return errorf(http.StatusBadRequest, "BadRequest", "app name %q: lower-case letters, digits, - and _, starting with a letter, at most 63", app)
	}
	return nil
}

func (s *Server) deploys() (*Deploys, error) {
	if s.cfg.Deploys == nil || s.cfg.Deploys.Deployer == nil {
		return nil, errorf(http.StatusNotImplemented, "NotImplemented", "this server does not deploy specs")
	}
	return s.cfg.Deploys, nil
}

// appResource is the app as a Cedar resource; its owner is whoever
// submitted its first version.
func (s *Server) appResource(ctx context.Context, d *Deploys, app string) (authz.Resource, error) {
	res := authz.Resource{Type: authz.TypeApp, ID: app}
	vs, err := d.Specs.SpecVersions(ctx, app)
	if err != nil {
		return res, err
	}
	if len(vs) > 0 && vs[len(vs)-1].SubmittedBy != "" {
		res.Fields = map[string]any{"owner": principalValue(vs[len(vs)-1].SubmittedBy)}
	}
	return res, nil
}

// authorizeApp names the call and asks Cedar for action on app, and for
// write_policy when the files carry policies (agents never write them).
func (s *Server) authorizeApp(c echo.Context, d *Deploys, app, action string, files map[string][]byte) error {
	if err := checkApp(app); err != nil {
		return err
	}
	res, err := s.appResource(c.Request().Context(), d, app)
	if err != nil {
		return err
	}
	named(c, app, action, res)
	if err := s.authorize(c, app, action, res); err != nil {
		return err
	}
	for name := range files {
		if strings.HasSuffix(name, ".cedar") {
			return s.authorize(c, app, authz.ActWritePolicy, authz.Resource{Type: authz.TypePolicies, ID: app})
		}
	}
	return nil
}

// approver names who let the call through: the admin who approved the
// decision whose policy allowed it, or the policies themselves.
func (s *Server) approver(c echo.Context) string {
	cl := callOf(c)
	for _, id := range cl.t.Policies {
		if d, ok := strings.CutPrefix(id, "decision-"); ok {
			if dec, err := s.cfg.Governance.Decision(c.Request().Context(), d); err == nil {
				return dec.DecidedBy
			}
		}
	}
	if len(cl.t.Policies) > 0 {
		return "policy:" + strings.Join(cl.t.Policies, ",")
	}
	return ""
}

// readFiles decodes a submission: a JSON object mapping file names to
// their text.
func (s *Server) readFiles(c echo.Context) (map[string][]byte, error) {
	var in map[string]string
	if err := s.decodeStrict(c, &in); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, errorf(http.StatusBadRequest, "BadRequest", "no files: the body maps file names (Name.ioa.toml, model.csdl.xml, *.cedar) to their text")
	}
	files := make(map[string][]byte, len(in))
	for name, text := range in {
		if name == "" || strings.ContainsAny(name, "\\\x00") || strings.HasPrefix(name, "/") || slices.Contains(strings.Split(name, "/"), "..") {
			return nil, errorf(http.StatusBadRequest, "BadRequest", "file name %q: want a relative name such as Knowledge.ioa.toml", name)
		}
		files[name] = []byte(text)
	}
	return files, nil
}

// submitSpecs: POST /api/apps/<app>/specs with {file: text}; ?mode=merge
// adds or replaces these files in the active bundle, replace (default)
// makes them the whole app. The deploy workflow verifies and activates;
// the request waits for it (?wait=30s, bounded) or, with wait=0 or
// Prefer: respond-async, answers 202 with the deploy's status URL.
func (s *Server) submitSpecs(c echo.Context) error {
	d, err := s.deploys()
	if err != nil {
		return err
	}
	app := c.Param("app")
	files, err := s.readFiles(c)
	if err != nil {
		return err
	}
	mode := c.QueryParam("mode")
	switch mode {
	case "":
		mode = "replace"
	case "replace", "merge":
	default:
		return errorf(http.StatusBadRequest, "BadRequest", "mode=%q: want merge or replace", mode)
	}
	if err := s.authorizeApp(c, d, app, authz.ActSubmitSpecs, files); err != nil {
		return err
	}
	active := s.cfg.Apps.Files(app)
	if mode == "merge" && active != nil {
		merged := maps.Clone(active)
		maps.Copy(merged, files)
		files = merged
	}
	return s.runDeploy(c, d, deploy.Input{App: app, Kind: deploy.KindSubmit, Mode: mode, Files: files})
}

// runDeploy checks the bundle loads, marks its new entity sets as being
// verified, starts the workflow and answers with its result or status.
func (s *Server) runDeploy(c echo.Context, d *Deploys, in deploy.Input) error {
	ctx := c.Request().Context()
	b, err := specengine.Load(in.Files)
	if err != nil {
		return &Error{Status: http.StatusBadRequest, Code: "BadSpec", Message: err.Error()}
	}
	in.ID = s.cfg.NewID()
	in.Active = s.cfg.Apps.Files(in.App)
	in.Verifier = verification.Version
	in.SubmittedBy = principal(c).String()
	in.ApprovedBy = s.approver(c)
	in.StepTimeout = d.StepTimeout
	var fresh []string
	if !in.DryRun {
		cur, _ := s.cfg.Apps.Get(in.App)
		if cur == nil {
			fresh = append(fresh, appWide)
			s.cfg.Apps.SetVerifying(in.App, appWide, "deploy "+in.ID)
		}
		for _, t := range b.TableList {
			if cur == nil || !hasSet(cur, t.EntitySet) {
				fresh = append(fresh, t.EntitySet)
				s.cfg.Apps.SetVerifying(in.App, t.EntitySet, "deploy "+in.ID)
			}
		}
	}
	runID, err := d.Deployer.Start(ctx, in)
	if err != nil {
		s.clearVerifying(in.App, fresh)
		if errors.Is(err, deploy.ErrBusy) {
			return errorf(http.StatusConflict, "DeployRunning", "a deploy of %s is running; try again when it finished", in.App)
		}
		return err
	}
	callOf(c).t.EntityID = in.ID
	wait := d.Wait
	if wait <= 0 {
		wait = time.Minute
	}
	if w := c.QueryParam("wait"); w != "" {
		if wait, err = time.ParseDuration(w); err != nil || wait < 0 {
			return errorf(http.StatusBadRequest, "BadRequest", "wait=%q: want a duration such as 30s, or 0", w)
		}
		wait = min(wait, 10*time.Minute)
	}
	if parsePrefer(c.Request()).async {
		wait = 0
	}
	location := "/api/apps/" + in.App + "/deploys/" + in.ID
	if in.DryRun {
		location = ""
	}
	var res *deploy.Result
	done := false
	if wait > 0 {
		res, done, err = d.Deployer.Wait(ctx, in.App, runID, wait)
		if err != nil {
			return err
		}
	}
	if !done {
		// Finish in the background: clear the marks and load the new
		// version once the workflow ends.
		go s.finishLater(in.App, runID, fresh)
		if res == nil {
			res = &deploy.Result{ID: in.ID, App: in.App, Status: store.DeployRunning}
		}
		if location != "" {
			c.Response().Header().Set("Location", location)
		}
		return c.JSON(http.StatusAccepted, res)
	}
	s.finish(ctx, in.App, res, fresh)
	if location != "" {
		c.Response().Header().Set("Location", location)
	}
	return c.JSON(deployStatus(res), res)
}

func hasSet(b *specengine.Bundle, set string) bool {
	for _, t := range b.TableList {
		if t.EntitySet == set {
			return true
		}
	}
	return false
}

func (s *Server) clearVerifying(app string, sets []string) {
	for _, set := range sets {
		s.cfg.Apps.SetVerifying(app, set, "")
	}
}

// finish loads a succeeded deploy's version and clears the marks.
func (s *Server) finish(ctx context.Context, app string, res *deploy.Result, fresh []string) {
	if res.Status == store.DeploySucceeded {
		if err := s.Sync(ctx); err != nil {
			s.cfg.Logger.ErrorContext(ctx, "load the deployed version", "app", app, "error", err)
		}
	}
	s.clearVerifying(app, fresh)
}

func (s *Server) finishLater(app, runID string, fresh []string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	res, done, err := s.cfg.Deploys.Deployer.Wait(ctx, app, runID, time.Hour)
	if err != nil || !done {
		s.clearVerifying(app, fresh)
		return
	}
	s.finish(ctx, app, res, fresh)
}

// deployStatus maps a finished deploy to the HTTP status of its answer.
func deployStatus(res *deploy.Result) int {
	if res.Status == store.DeploySucceeded {
		return http.StatusOK
	}
	for _, st := range res.Steps {
		if st.Status != deploy.StepFailed {
			continue
		}
		switch st.Name {
		case "parse":
			return http.StatusBadRequest
		case "strand":
			return http.StatusConflict
		}
	}
	return http.StatusUnprocessableEntity
}

// Sync loads each app's active version from the store when it differs
// from the one this gateway serves: deploys made through any gateway
// reach every gateway. temper dev and temper serve run it periodically.
func (s *Server) Sync(ctx context.Context) error {
	perr := s.syncPolicies(ctx)
	if s.cfg.Deploys == nil || s.cfg.Deploys.Specs == nil {
		return perr
	}
	avs, err := s.cfg.Deploys.Specs.ActiveVersions(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, av := range avs {
		if cur, ok := s.cfg.Apps.Get(av.App); ok && cur.Hash == av.Version {
			continue
		}
		sv, err := s.cfg.Deploys.Specs.SpecVersion(ctx, av.App, av.Version)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b, err := specengine.Load(sv.Files)
		if err != nil {
			errs = append(errs, fmt.Errorf("app %s version %s: %w", av.App, av.Version, err))
			continue
		}
		if err := s.cfg.Authz.Load(ctx, av.App, b.Policies); err != nil {
			errs = append(errs, err)
			continue
		}
		s.cfg.Apps.ActivateFiles(av.App, b, sv.Files)
	}
	return errors.Join(append(errs, perr)...)
}

// syncPolicies reloads an app's Cedar set when its stored policies
// changed since the last sync (written through another gateway).
func (s *Server) syncPolicies(ctx context.Context) error {
	if s.cfg.Governance == nil || s.cfg.Authz == nil {
		return nil
	}
	var errs []error
	for _, app := range s.cfg.Apps.Names() {
		ps, err := s.cfg.Governance.Policies(ctx, app)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		h := sha256.New()
		for _, p := range ps {
			fmt.Fprintf(h, "%s\x00%s\x00", p.ID, p.Text)
		}
		var sum [32]byte
		copy(sum[:], h.Sum(nil))
		s.policyMu.Lock()
		prev, seen := s.policySums[app]
		s.policySums[app] = sum
		s.policyMu.Unlock()
		if seen && prev == sum {
			continue
		}
		if err := s.cfg.Authz.Reload(ctx, app); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RunSync calls Sync every interval until ctx ends.
func (s *Server) RunSync(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Sync(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logger.WarnContext(ctx, "sync active versions", "error", err)
			}
		}
	}
}

// specsStatus: the app's active version and its latest deploys.
func (s *Server) specsStatus(c echo.Context) error {
	d, err := s.deploys()
	if err != nil {
		return err
	}
	app := c.Param("app")
	if err := s.authorizeApp(c, d, app, authz.ActReadSpecs, nil); err != nil {
		return err
	}
	ds, err := d.Specs.Deploys(c.Request().Context(), app, 10)
	if err != nil {
		return err
	}
	out := map[string]any{"app": app, "deploys": nonNil(ds)}
	if b, ok := s.cfg.Apps.Get(app); ok {
		out["active"] = b.Hash
	}
	if len(ds) > 0 && ds[0].Status == store.DeployRunning {
		if p, err := d.Deployer.Progress(c.Request().Context(), app, ""); err == nil && p.ID == ds[0].ID {
			out["running"] = p
		}
	}
	return c.JSON(http.StatusOK, out)
}

// getDeploy: one deploy, live while it runs.
func (s *Server) getDeploy(c echo.Context) error {
	d, err := s.deploys()
	if err != nil {
		return err
	}
	app, id := c.Param("app"), c.Param("id")
	if err := s.authorizeApp(c, d, app, authz.ActReadSpecs, nil); err != nil {
		return err
	}
	rec, err := d.Specs.Deploy(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && rec.App != app {
		return errorf(http.StatusNotFound, "NotFound", "app %s has no deploy %q", app, id)
	}
	if err != nil {
		return err
	}
	if rec.Status == store.DeployRunning {
		if p, err := d.Deployer.Progress(c.Request().Context(), app, ""); err == nil && p.ID == id {
			return c.JSON(http.StatusOK, p)
		}
	}
	var res deploy.Result
	if len(rec.Report) > 0 && json.Unmarshal(rec.Report, &res) == nil {
		return c.JSON(http.StatusOK, res)
	}
	return c.JSON(http.StatusOK, rec)
}

// listVersions: the app's versions, newest first, and the active one.
func (s *Server) listVersions(c echo.Context) error {
	d, err := s.deploys()
	if err != nil {
		return err
	}
	app := c.Param("app")
	if err := s.authorizeApp(c, d, app, authz.ActReadSpecs, nil); err != nil {
		return err
	}
	vs, err := d.Specs.SpecVersions(c.Request().Context(), app)
	if err != nil {
		return err
	}
	out := map[string]any{"app": app, "value": nonNil(vs)}
	if b, ok := s.cfg.Apps.Get(app); ok {
		out["active"] = b.Hash
	}
	return c.JSON(http.StatusOK, out)
}

// rollback re-activates an earlier version, verified again only when the
// verifier changed since.
func (s *Server) rollback(c echo.Context) error {
	d, err := s.deploys()
	if err != nil {
		return err
	}
	app := c.Param("app")
	var in struct {
		Version string `json:"version"`
	}
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	sv, err := d.Specs.SpecVersion(c.Request().Context(), app, in.Version)
	if errors.Is(err, store.ErrNotFound) {
		if aerr := checkApp(app); aerr != nil {
			return aerr
		}
		return errorf(http.StatusNotFound, "NotFound", "app %s has no version %q", app, in.Version)
	}
	if err != nil {
		return err
	}
	if err := s.authorizeApp(c, d, app, authz.ActSubmitSpecs, sv.Files); err != nil {
		return err
	}
	di := deploy.Input{App: app, Kind: deploy.KindRollback, Files: sv.Files}
	var rep report.Report
	if sv.Verifier == verification.Version && json.Unmarshal(sv.Report, &rep) == nil {
		di.SkipVerify, di.Report = true, &rep
	}
	return s.runDeploy(c, d, di)
}

// exportApp answers the app's active bundle as one file.
func (s *Server) exportApp(c echo.Context) error {
	d, err := s.deploys()
	if err != nil {
		return err
	}
	app := c.Param("app")
	if err := s.authorizeApp(c, d, app, authz.ActReadSpecs, nil); err != nil {
		return err
	}
	b, ok := s.cfg.Apps.Get(app)
	if !ok {
		return errorf(http.StatusNotFound, "NotFound", "no app %q", app)
	}
	out := BundleFile{Format: BundleFormat, App: app, Version: b.Hash, Files: s.cfg.Apps.Files(app)}
	if sv, err := d.Specs.SpecVersion(c.Request().Context(), app, b.Hash); err == nil {
		out.Files, out.Verifier, out.Report = sv.Files, sv.Verifier, sv.Report
		out.SubmittedBy, out.ApprovedBy, out.CreatedAt = sv.SubmittedBy, sv.ApprovedBy, sv.CreatedAt
	}
	if out.Files == nil {
		return errorf(http.StatusNotImplemented, "NotImplemented", "app %s was activated without its files", app)
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", app+".temper.json"))
	return c.JSON(http.StatusOK, out)
}

// importApp deploys an exported bundle as app: the cascade runs again
// here, so the receiver knows the specs are sound in its own context.
func (s *Server) importApp(c echo.Context) error {
	d, err := s.deploys()
	if err != nil {
		return err
	}
	var bf BundleFile
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, s.cfg.MaxBody))
	if err := dec.Decode(&bf); err != nil {
		return errorf(http.StatusBadRequest, "BadRequest", "bundle file: %v", err)
	}
	if bf.Format != BundleFormat || len(bf.Files) == 0 {
		return errorf(http.StatusBadRequest, "BadRequest", "not a %s file", BundleFormat)
	}
	app := c.Param("app")
	if err := s.authorizeApp(c, d, app, authz.ActSubmitSpecs, bf.Files); err != nil {
		return err
	}
	if h := specengine.Hash(bf.Files); bf.Version != "" && h != bf.Version {
		return errorf(http.StatusBadRequest, "BadRequest", "the files hash to %s, not the %s the file claims", h, bf.Version)
	}
	return s.runDeploy(c, d, deploy.Input{App: app, Kind: deploy.KindImport, Files: bf.Files})
}

// verifyRemote runs the whole pipeline but the activation on a bundle:
// temper verify --remote.
func (s *Server) verifyRemote(c echo.Context) error {
	d, err := s.deploys()
	if err != nil {
		return err
	}
	files, err := s.readFiles(c)
	if err != nil {
		return err
	}
	res := authz.Resource{Type: authz.TypeApp}
	named(c, "", authz.ActVerifySpecs, res)
	if err := s.authorize(c, "", authz.ActVerifySpecs, res); err != nil {
		return err
	}
	id := strings.ToLower(strings.ReplaceAll(s.cfg.NewID(), "-", ""))
	if len(id) > 12 {
		id = id[:12]
	}
	return s.runDeploy(c, d, deploy.Input{App: "verify-" + id, Kind: deploy.KindSubmit, Files: files, DryRun: true})
}

package api

import (
	"errors"
	"io"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/activities/wasm"
	"github.com/temperhq/temper/activities/wasm/secrets"
	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/store"
)

// Integrations enables module uploads and secrets (nil: 501).
type Integrations struct {
	Modules store.Modules
	Vault   *secrets.Vault
	// MaxModule bounds an upload (default 32 MiB).
	MaxModule int64
}

func (s *Server) moduleRoutes(g *echo.Group) {
	g.PUT("/apps/:app/modules/:name", s.putModule)
	g.GET("/apps/:app/modules", s.listModules)
	g.DELETE("/apps/:app/modules/:name", s.deleteModule)
	g.PUT("/apps/:app/secrets/:name", s.putSecret)
	g.GET("/apps/:app/secrets", s.listSecrets)
	g.DELETE("/apps/:app/secrets/:name", s.deleteSecret)
}

var resourceName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,62}$`)

func (s *Server) integrations(c echo.Context, action string) (*Integrations, string, error) {
	in := s.cfg.Integrations
	if in == nil || in.Modules == nil {
		return nil, "", errorf(http.StatusNotImplemented, "NotImplemented", "this server does not run integrations")
	}
	app := c.Param("app")
	if err := checkApp(app); err != nil {
		return nil, "", err
	}
	if n := c.Param("name"); n != "" && !resourceName.MatchString(n) {
		return nil, "", errorf(http.StatusBadRequest, "BadRequest", "name %q: letters, digits, _ . -, starting with a letter, at most 63", n)
	}
	res := authz.Resource{Type: authz.TypeApp, ID: app}
	if s.cfg.Deploys != nil && s.cfg.Deploys.Specs != nil {
		var err error
		if res, err = s.appResource(c.Request().Context(), s.cfg.Deploys, app); err != nil {
			return nil, "", err
		}
	}
	named(c, app, action, res)
	return in, app, s.authorize(c, app, action, res)
}

// putModule: PUT /api/apps/<app>/modules/<name> with the module's bytes
// (Cedar action upload_module): validated, stored by content hash.
func (s *Server) putModule(c echo.Context) error {
	in, app, err := s.integrations(c, authz.ActUploadModule)
	if err != nil {
		return err
	}
	limit := in.MaxModule
	if limit <= 0 {
		limit = 32 << 20
	}
	b, err := io.ReadAll(io.LimitReader(c.Request().Body, limit+1))
	if err != nil {
		return err
	}
	if int64(len(b)) > limit {
		return errorf(http.StatusRequestEntityTooLarge, "TooLarge", "the module is larger than %d bytes", limit)
	}
	if err := wasm.Validate(c.Request().Context(), b); err != nil {
		return errorf(http.StatusBadRequest, "BadModule", "%v", err)
	}
	m := store.Module{App: app, Name: c.Param("name"), Hash: wasm.Hash(b), Size: int64(len(b)), Bytes: b,
		UploadedBy: principal(c).String(), UploadedAt: time.Now().UTC()}
	if err := in.Modules.PutModule(c.Request().Context(), m); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

func (s *Server) listModules(c echo.Context) error {
	in, app, err := s.integrations(c, authz.ActReadSpecs)
	if err != nil {
		return err
	}
	ms, err := in.Modules.Modules(c.Request().Context(), app)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"value": nonNil(ms)})
}

func (s *Server) deleteModule(c echo.Context) error {
	in, app, err := s.integrations(c, authz.ActUploadModule)
	if err != nil {
		return err
	}
	err = in.Modules.DeleteModule(c.Request().Context(), app, c.Param("name"))
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "NotFound", "app %s has no module %q", app, c.Param("name"))
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) vault(in *Integrations) (*secrets.Vault, error) {
	if in.Vault == nil {
		return nil, errorf(http.StatusNotImplemented, "NotImplemented", "no secrets key is configured (TEMPER_SECRETS_KEY)")
	}
	return in.Vault, nil
}

// putSecret: PUT /api/apps/<app>/secrets/<name> {"value": "..."}, admins
// only (write_secret, forbidden to agents); stored encrypted.
func (s *Server) putSecret(c echo.Context) error {
	in, app, err := s.integrations(c, authz.ActWriteSecret)
	if err != nil {
		return err
	}
	v, err := s.vault(in)
	if err != nil {
		return err
	}
	var body struct {
		Value string `json:"value"`
	}
	if err := s.decodeStrict(c, &body); err != nil {
		return err
	}
	if body.Value == "" {
		return errorf(http.StatusBadRequest, "BadRequest", "the secret's value is empty")
	}
	if err := v.Set(c.Request().Context(), app, c.Param("name"), body.Value); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listSecrets answers names only.
func (s *Server) listSecrets(c echo.Context) error {
	in, app, err := s.integrations(c, authz.ActReadSecrets)
	if err != nil {
		return err
	}
	v, err := s.vault(in)
	if err != nil {
		return err
	}
	names, err := v.Names(c.Request().Context(), app)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"value": nonNil(names)})
}

func (s *Server) deleteSecret(c echo.Context) error {
	in, app, err := s.integrations(c, authz.ActWriteSecret)
	if err != nil {
		return err
	}
	v, err := s.vault(in)
	if err != nil {
		return err
	}
	err = v.Delete(c.Request().Context(), app, c.Param("name"))
	if errors.Is(err, secrets.ErrNotFound) {
		return errorf(http.StatusNotFound, "NotFound", "app %s has no secret %q", app, c.Param("name"))
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/api/mcp"
	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// Entities is what the gateway needs of the entity workflows; entity.Client
// provides it.
type Entities interface {
	Create(ctx context.Context, in entity.Start) (entity.Entity, error)
	Act(ctx context.Context, ref entity.Ref, updateID string, req entity.Request) (entity.Entity, error)
	Signal(ctx context.Context, ref entity.Ref, req entity.Request) error
	Get(ctx context.Context, ref entity.Ref) (entity.Entity, error)
}

var _ Entities = (*entity.Client)(nil)

// Lister reads the projection for collections; store.Store provides it.
type Lister interface {
	Query(ctx context.Context, q store.ListQuery) (store.ListResult, error)
}

// Security is who may call and what they may do. Every field is
// required: a gateway without them answers every request 401 (closed by
// default).
type Security struct {
	// Auth resolves each request's principal.
	Auth *identity.Authenticator
	// Authz answers Cedar requests; the gateway loads each app's bundle
	// policies into it on activation.
	Authz *authz.Engine
	// Governance keeps decisions, policies, principals and trajectories.
	Governance store.Governance
	// Recorder writes one trajectory per call (nil: none are kept).
	Recorder *Recorder
}

// Config holds the gateway's dependencies and limits.
type Config struct {
	Security
	Apps     *Apps
	Entities Entities
	Store    Lister
	Logger   *slog.Logger
	// PageSize is the server-driven page size of collections (default 100);
	// MaxPageSize caps odata.maxpagesize (default 1,000).
	PageSize    int
	MaxPageSize int
	// MaxBody bounds request bodies (default 1 MiB).
	MaxBody int64
	// NewID makes keys for creates that name none; default random UUIDs.
	NewID func() string
	// Deploys enables spec submission (nil: 501).
	Deploys *Deploys
	// Integrations enables module uploads and secrets (nil: 501).
	Integrations *Integrations
	// MCP bounds the scripts of the MCP execute tool served at /mcp
	// (zero fields: the defaults of mcp.Limits).
	MCP mcp.Limits
}

// Server is the HTTP gateway.
type Server struct {
	cfg  Config
	echo *echo.Echo
	// policyMu guards policySums: per app, a digest of its stored
	// policies as Sync last loaded them.
	policyMu   sync.Mutex
	policySums map[string][32]byte
}

// New builds the gateway.
func New(cfg Config) *Server {
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.MaxPageSize <= 0 {
		cfg.MaxPageSize = 1000
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.NewID == nil {
		cfg.NewID = newUUID
	}
	s := &Server{cfg: cfg, echo: echo.New(), policySums: map[string][32]byte{}}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	if cfg.Auth == nil || cfg.Authz == nil || cfg.Governance == nil {
		e.Use(func(echo.HandlerFunc) echo.HandlerFunc {
			return func(echo.Context) error {
				return &Error{Status: http.StatusUnauthorized, Code: "Unauthenticated", Message: "this gateway has no authentication configured"}
			}
		})
	}
	od := e.Group("/odata", s.odataHeaders, s.authenticated)
	od.Any("/:app", s.serviceRootRedirect)
	od.Any("/:app/", s.dispatch)
	od.Any("/:app/*", s.dispatch)
	api := e.Group("/api", s.authenticated)
	s.governanceRoutes(api)
	s.specsRoutes(api)
	s.moduleRoutes(api)
	// MCP authenticates each request itself (its errors are JSON-RPC, not
	// OData) and sends every temper call back through this gateway.
	e.Any("/mcp", echo.WrapHandler(mcp.NewHandler(mcp.Config{Gateway: e, Auth: cfg.Auth, Limits: cfg.MCP, Logger: cfg.Logger})))
	return s
}

// Handler returns the gateway as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

func (s *Server) serviceRootRedirect(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, c.Request().URL.Path+"/")
}

// odataHeaders negotiates OData-MaxVersion and sets OData-Version.
func (s *Server) odataHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		version := "4.01"
		if mv := header(c.Request(), "OData-MaxVersion"); mv != "" {
			f, err := strconv.ParseFloat(mv, 64)
			switch {
			case err != nil:
				return errorf(http.StatusBadRequest, "BadRequest", "OData-MaxVersion %q is not a version", mv)
			case f < 4.0:
				return errorf(http.StatusBadRequest, "UnsupportedVersion", "this service speaks OData 4.0 and 4.01, not %s", mv)
			case f < 4.01:
				version = "4.0"
			}
		}
		c.Response().Header().Set("OData-Version", version)
		return next(c)
	}
}

// header reads a header and its odata.-less or odata.-prefixed variant.
func header(r *http.Request, name string) string {
	if v := r.Header.Get(name); v != "" {
		return v
	}
	if strings.HasPrefix(name, "OData-") {
		return ""
	}
	return r.Header.Get("odata." + name)
}

func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	oe := translate(err)
	if oe.Status >= 500 {
		s.cfg.Logger.ErrorContext(c.Request().Context(), "request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
	}
	if c.Response().Header().Get("OData-Version") == "" {
		c.Response().Header().Set("OData-Version", "4.01")
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	_ = c.JSON(oe.Status, errorBody(oe))
}

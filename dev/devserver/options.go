package devserver

import (
	"fmt"
	"log/slog"
	"maps"
	"net"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/searchattribute/sadefs"
)

// AnyPort, as a port in Options, asks Start to pick a free port; the
// Server's address methods tell which one it took.
const AnyPort = -1

// Defaults used by DefaultOptions and, for the fields whose zero value means
// "unset", by Start.
const (
	DefaultDBFile       = ".temper/temporal.db"
	DefaultIP           = "127.0.0.1"
	DefaultFrontendPort = 7233
	DefaultUIPort       = 8233
	DefaultNamespace    = "default"
	// DefaultRetention keeps closed workflows for 30 days instead of the
	// 24 hours a namespace gets by default, so yesterday's entities are still
	// in the UI.
	DefaultRetention = 30 * 24 * time.Hour
)

// minRetention is the shortest retention the server accepts for a namespace.
const minRetention = 24 * time.Hour

// Search attribute names the entity workflow upserts (they match
// workflows/entity.SAApp, SAEntity and SAStatus).
const (
	SearchAttributeApp    = "TemperApp"
	SearchAttributeEntity = "TemperEntity"
	SearchAttributeStatus = "TemperStatus"
)

// DefaultSearchAttributes returns a fresh map of the custom search
// attributes Temper's entity workflows need: app, entity type and status,
// all Keyword, so the Temporal UI and `temporal workflow list` can filter
// entities. Pass it (or an extended copy) as Options.SearchAttributes.
func DefaultSearchAttributes() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{
		SearchAttributeApp:    enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttributeEntity: enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttributeStatus: enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	}
}

// Options configures Start. The zero value is a headless server for tests:
// a file database at DefaultDBFile, the frontend and HTTP API on free
// loopback ports, no Web UI, the "default" namespace with DefaultRetention
// and no custom search attributes, no logs. DefaultOptions is what
// `temper devserver` runs.
type Options struct {
	// DBFile is the SQLite database file; "" means DefaultDBFile unless
	// Ephemeral. Missing parent directories and the schema are created. The
	// store runs with journal_mode=WAL, synchronous=NORMAL and a single
	// connection.
	DBFile string
	// Ephemeral keeps everything in an in-memory SQLite database that is gone
	// when the process exits. It excludes DBFile.
	Ephemeral bool
	// IP is the address the frontend, HTTP API and UI listen on; "" means
	// DefaultIP. Keep it on loopback: the dev server has no authentication.
	// The history, matching and worker services always listen on 127.0.0.1.
	IP string
	// FrontendPort is the frontend gRPC port; 0 or AnyPort pick a free one.
	// A fixed port that is taken fails Start with a *PortInUseError.
	FrontendPort int
	// HTTPPort is the frontend's HTTP API port (also the address Nexus
	// callbacks use); 0 or AnyPort pick a free one.
	HTTPPort int
	// UIPort is the Temporal Web UI port; 0 disables the UI, AnyPort picks a
	// free one.
	UIPort int
	// Namespace is created if missing; "" means DefaultNamespace.
	Namespace string
	// Retention is how long the namespace keeps closed workflows; 0 means
	// DefaultRetention, anything else must be at least 24 hours. Start
	// applies it to an existing namespace too.
	Retention time.Duration
	// SearchAttributes are custom search attributes (name to type) the
	// namespace must have, registered before the services start. SQLite
	// visibility has a fixed number of slots per type (10 Keyword; 3 each of
	// Bool, Int, Double, Datetime, KeywordList and Text).
	SearchAttributes map[string]enumspb.IndexedValueType
	// LogLevel is the least severe server log record passed to Logger.
	LogLevel slog.Level
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
}

// DefaultOptions returns the options `temper devserver` starts with: the
// file database, loopback, ports 7233 and 8233, the "default" namespace with
// a 30-day retention and DefaultSearchAttributes, warnings and errors only.
// Logger is left nil.
func DefaultOptions() Options {
	return Options{
		DBFile:           DefaultDBFile,
		IP:               DefaultIP,
		FrontendPort:     DefaultFrontendPort,
		UIPort:           DefaultUIPort,
		Namespace:        DefaultNamespace,
		Retention:        DefaultRetention,
		SearchAttributes: DefaultSearchAttributes(),
		LogLevel:         slog.LevelWarn,
	}
}

// OptionsError reports an Options field Start cannot use.
type OptionsError struct {
	Field string // the Options field, e.g. "UIPort" or "SearchAttributes[TemperApp]"
	Msg   string
}

func (e *OptionsError) Error() string {
	return fmt.Sprintf("devserver: Options.%s: %s", e.Field, e.Msg)
}

// normalized returns a copy of o with defaults filled in and its map cloned,
// or the first invalid field. The caller's Options are never modified.
func (o Options) normalized() (Options, error) {
	o.SearchAttributes = maps.Clone(o.SearchAttributes)
	if o.Ephemeral && o.DBFile != "" {
		return o, &OptionsError{"DBFile", "set together with Ephemeral; choose one"}
	}
	if !o.Ephemeral {
		if o.DBFile == "" {
			o.DBFile = DefaultDBFile
		}
		// The plugin builds a "file:<path>?<attributes>" URI from the path.
		if strings.ContainsAny(o.DBFile, "?#") {
			return o, &OptionsError{"DBFile", fmt.Sprintf("%q: path must not contain '?' or '#'", o.DBFile)}
		}
	}

	switch o.IP {
	case "":
		o.IP = DefaultIP
	case "localhost":
		// The server wants an IP address, not a name.
		o.IP = DefaultIP
	}
	if net.ParseIP(o.IP) == nil {
		return o, &OptionsError{"IP", fmt.Sprintf("%q is not an IP address", o.IP)}
	}

	fixed := map[int]string{}
	for _, p := range []struct {
		field string
		port  int
	}{{"FrontendPort", o.FrontendPort}, {"HTTPPort", o.HTTPPort}, {"UIPort", o.UIPort}} {
		if p.port < AnyPort || p.port > 65535 {
			return o, &OptionsError{p.field, fmt.Sprintf("%d is not a port (1-65535, 0 or AnyPort)", p.port)}
		}
		if p.port > 0 {
			if other, dup := fixed[p.port]; dup {
				return o, &OptionsError{p.field, fmt.Sprintf("port %d is also %s", p.port, other)}
			}
			fixed[p.port] = p.field
		}
	}

	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Namespace == "temporal-system" {
		return o, &OptionsError{"Namespace", "temporal-system is the server's own namespace"}
	}
	switch {
	case o.Retention == 0:
		o.Retention = DefaultRetention
	case o.Retention < minRetention:
		return o, &OptionsError{"Retention", fmt.Sprintf("%v is shorter than the server's minimum of %v", o.Retention, minRetention)}
	}

	for name, typ := range o.SearchAttributes {
		field := "SearchAttributes[" + name + "]"
		switch {
		case name == "":
			return o, &OptionsError{"SearchAttributes", "empty name"}
		case sadefs.IsReserved(name):
			return o, &OptionsError{field, "reserved by Temporal"}
		case typ == enumspb.INDEXED_VALUE_TYPE_UNSPECIFIED:
			return o, &OptionsError{field, "type unspecified"}
		}
		if _, ok := enumspb.IndexedValueType_name[int32(typ)]; !ok {
			return o, &OptionsError{field, fmt.Sprintf("unknown type %d", typ)}
		}
	}
	return o, nil
}

package devserver

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.temporal.io/server/common/config"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"google.golang.org/protobuf/types/known/durationpb"
)

// clusterName names the single cluster; it is stored in the database, so
// it must not change between runs.
const clusterName = "active"

// storeName is the data store's key in the persistence config.
const storeName = "sqlite-default"

// sqlConfig returns the SQLite store config for o (normalized). Every Start
// on the same file yields the same connection attributes, which matters:
// the plugin keeps one connection per distinct DSN for the life of the
// process and hands it out again to the next server on that DSN.
func sqlConfig(o Options) (*config.SQL, error) {
	cfg := &config.SQL{
		PluginName: sqliteplugin.PluginName,
		// One connection: SQLite has one writer anyway, and the in-memory
		// database lives only as long as its connection.
		MaxConns:     1,
		MaxIdleConns: 1,
	}
	if o.Ephemeral {
		// A shared-cache in-memory database under a name no other server in
		// this process uses.
		cfg.DatabaseName = "temper-devserver-" + rand.Text()
		cfg.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		return cfg, nil
	}
	path, err := filepath.Abs(o.DBFile)
	if err != nil {
		return nil, fmt.Errorf("devserver: database file %s: %w", o.DBFile, err)
	}
	cfg.DatabaseName = path
	cfg.ConnectAttributes = map[string]string{
		"mode": "rwc",
		// Keys that are not URI parameters become PRAGMAs on connect.
		"journal_mode": "wal",
		"synchronous":  "normal",
	}
	return cfg, nil
}

// prepareStore creates the schema in a new database file and the namespace,
// with its retention and search attributes, if the database lacks it. An
// existing namespace is left as it is; Start reconciles it once the server
// is up.
func prepareStore(cfg *config.SQL, o Options) error {
	if !o.Ephemeral {
		if err := ensureSchema(cfg); err != nil {
			return err
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, o.Namespace, false, o.SearchAttributes)
	if err != nil {
		return &OptionsError{"SearchAttributes", err.Error()}
	}
	ns.Detail.Config.Retention = durationpb.New(o.Retention)
	if err := sqliteschema.CreateNamespaces(cfg, ns); err != nil {
		return fmt.Errorf("devserver: create namespace %s in %s: %w", o.Namespace, cfg.DatabaseName, err)
	}
	return nil
}

// ensureSchema creates the database file and its tables unless the file
// already has content.
func ensureSchema(cfg *config.SQL) error {
	path := cfg.DatabaseName
	info, err := os.Stat(path)
	switch {
	case err == nil && info.IsDir():
		return fmt.Errorf("devserver: database file %s is a directory", path)
	case err == nil && info.Size() > 0:
		return nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("devserver: database file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("devserver: database directory: %w", err)
	}
	if err := sqliteschema.SetupSchema(cfg); err != nil {
		// The file is not removed here: the plugin keeps its connection
		// open, so a retry in this process would write to a deleted file.
		return fmt.Errorf("devserver: create schema in %s (remove the file to start over): %w", path, err)
	}
	return nil
}

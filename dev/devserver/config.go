package devserver

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"
)

// serverOptions builds the temporal.NewServer options for o (normalized)
// with its ports, store and logger.
func serverOptions(o Options, p ports, store *config.SQL, logger serverLogger) ([]temporal.ServerOption, error) {
	cfg := serverConfig(o, p, store)
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("devserver: authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("devserver: claim mapper: %w", err)
	}
	internal := func(port int) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort(loopback, strconv.Itoa(port)))
	}
	return []temporal.ServerOption{
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		// Fixed membership: one host per service, no ringpop gossip to
		// join, which also makes startup faster.
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: static.SingleLocalHost(frontendDialAddr(o, p)),
			primitives.HistoryService:  internal(p.history),
			primitives.MatchingService: internal(p.matching),
			primitives.WorkerService:   internal(p.worker),
		}),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	}, nil
}

// dynamicConfig holds the settings that differ from a production server.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		// A search attribute added through the operator API is visible at
		// once instead of after the cache's refresh interval, so a
		// workflow started right after Start can upsert it.
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
		dynamicconfig.ForceNexusEndpointRefreshOnRead.Key():         true,
		// Reading search attributes on every call costs persistence QPS;
		// raise the limits (keeping their default ratio) to match.
		dynamicconfig.FrontendPersistenceMaxQPS.Key(): 10000,
		dynamicconfig.HistoryPersistenceMaxQPS.Key():  45000,
		// The UI polls visibility; the default per-instance limit (10/s)
		// is tight for one developer with a UI tab and a list command.
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
	}
}

// serverConfig is the static server config: one cluster, four services in
// this process, SQLite for both the main store and visibility, no archival,
// no metrics listener.
func serverConfig(o Options, p ports, store *config.SQL) *config.Config {
	frontendAddr := frontendDialAddr(o, p)
	var cfg config.Config
	// Static membership ignores these, but the config must be complete.
	cfg.Global.Membership.MaxJoinDuration = 30 * time.Second
	cfg.Global.Membership.BroadcastAddress = loopback

	cfg.Persistence.DefaultStore = storeName
	cfg.Persistence.VisibilityStore = storeName
	cfg.Persistence.NumHistoryShards = 1
	cfg.Persistence.DataStores = map[string]config.DataStore{storeName: {SQL: store}}

	cfg.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontendAddr,
				HTTPAddress:            httpDialAddr(o, p),
				// Only used when the database has no cluster record yet;
				// afterwards the stored ID wins.
				ClusterID: uuid.NewString(),
			},
		},
	}
	cfg.DCRedirectionPolicy.Policy = "noop"

	cfg.Services = map[string]config.Service{
		"frontend": {RPC: config.RPC{GRPCPort: p.frontend, HTTPPort: p.http, BindOnIP: o.IP}},
		"history":  {RPC: config.RPC{GRPCPort: p.history, BindOnIP: loopback}},
		"matching": {RPC: config.RPC{GRPCPort: p.matching, BindOnIP: loopback}},
		"worker":   {RPC: config.RPC{GRPCPort: p.worker, BindOnIP: loopback}},
	}

	cfg.Archival.History.State = "disabled"
	cfg.Archival.Visibility.State = "disabled"
	cfg.NamespaceDefaults.Archival.History.State = "disabled"
	cfg.NamespaceDefaults.Archival.Visibility.State = "disabled"

	// The worker service's own SDK client dials this.
	cfg.PublicClient.HostPort = frontendAddr
	return &cfg
}

// frontendDialAddr is the address a client in this process dials.
func frontendDialAddr(o Options, p ports) string {
	return net.JoinHostPort(dialHost(o.IP), strconv.Itoa(p.frontend))
}

// httpDialAddr is the HTTP API's address for a client in this process.
func httpDialAddr(o Options, p ports) string {
	return net.JoinHostPort(dialHost(o.IP), strconv.Itoa(p.http))
}

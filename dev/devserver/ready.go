package devserver

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"
)

// probeInterval is the pause between readiness probes.
const probeInterval = 25 * time.Millisecond

// waitReady waits until the frontend serves the namespace, brings the
// namespace's search attributes and retention in line with the options
// (a database from an earlier run may predate them), and waits for the UI.
func (s *Server) waitReady(ctx context.Context, logger *slog.Logger) error {
	var c client.Client
	err := poll(ctx, "dial frontend "+s.frontendAddr, func(ctx context.Context) error {
		var err error
		c, err = client.DialContext(ctx, client.Options{
			HostPort:  s.frontendAddr,
			Namespace: s.opts.Namespace,
			Logger:    sdklog.NewStructuredLogger(logger),
		})
		return err
	})
	if err != nil {
		return err
	}
	defer c.Close()

	var desc *workflowservice.DescribeNamespaceResponse
	err = poll(ctx, "describe namespace "+s.opts.Namespace, func(ctx context.Context) error {
		var err error
		desc, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: s.opts.Namespace})
		return err
	})
	if err != nil {
		return err
	}
	if err := s.ensureSearchAttributes(ctx, c); err != nil {
		return err
	}
	if got := desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != s.opts.Retention {
		_, err := c.WorkflowService().UpdateNamespace(ctx, &workflowservice.UpdateNamespaceRequest{
			Namespace: s.opts.Namespace,
			Config:    &namespacepb.NamespaceConfig{WorkflowExecutionRetentionTtl: durationpb.New(s.opts.Retention)},
		})
		if err != nil {
			return fmt.Errorf("devserver: set retention of namespace %s to %v: %w", s.opts.Namespace, s.opts.Retention, err)
		}
	}
	if s.ui != nil {
		return s.waitUI(ctx)
	}
	return nil
}

// ensureSearchAttributes adds the search attributes the namespace lacks. A
// name registered with another type is an error: changing the type would
// orphan the values already stored.
func (s *Server) ensureSearchAttributes(ctx context.Context, c client.Client) error {
	if len(s.opts.SearchAttributes) == 0 {
		return nil
	}
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: s.opts.Namespace})
	if err != nil {
		return fmt.Errorf("devserver: list search attributes of namespace %s: %w", s.opts.Namespace, err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	names := make([]string, 0, len(s.opts.SearchAttributes))
	for name := range s.opts.SearchAttributes {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		want := s.opts.SearchAttributes[name]
		got, ok := have.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing[name] = want
		case got != want:
			return &OptionsError{
				Field: "SearchAttributes[" + name + "]",
				Msg:   fmt.Sprintf("namespace %s already has it as %s, not %s", s.opts.Namespace, got, want),
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        s.opts.Namespace,
		SearchAttributes: missing,
	})
	if err != nil {
		return fmt.Errorf("devserver: add search attributes to namespace %s: %w", s.opts.Namespace, err)
	}
	return nil
}

// waitUI waits until the UI answers its health check.
func (s *Server) waitUI(ctx context.Context) error {
	url := "http://" + s.uiAddr + "/healthz"
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	defer hc.CloseIdleConnections()
	return poll(ctx, "UI at "+s.uiAddr, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return nil
	})
}

// poll calls probe until it succeeds or ctx is done; the error then names
// what was awaited and carries the last failure.
func poll(ctx context.Context, what string, probe func(context.Context) error) error {
	t := time.NewTicker(probeInterval)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := probe(pctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %s: %w (last error: %v)", ErrNotReady, what, ctx.Err(), err)
		case <-t.C:
		}
	}
}

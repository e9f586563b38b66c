package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// remote is a client of a running Temper's governance API.
type remote struct {
	url, token string
}

func addRemoteFlags(fs *flag.FlagSet) *remote {
	r := &remote{}
	fs.StringVar(&r.url, "url", os.Getenv("TEMPER_URL"), "the Temper server `URL` (default $TEMPER_URL)")
	fs.StringVar(&r.token, "token", os.Getenv("TEMPER_TOKEN"), "an admin bearer `token` (default $TEMPER_TOKEN)")
	return r
}

func (r *remote) check() error {
	if r.url == "" {
		return fmt.Errorf("%w: no server: pass --url or set TEMPER_URL", ErrUsage)
	}
	if r.token == "" {
		return fmt.Errorf("%w: no token: pass --token or set TEMPER_TOKEN", ErrUsage)
	}
	return nil
}

// do sends a request and decodes a JSON answer into out (if not nil); an
// error status becomes an error with the server's message.
func (r *remote) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(r.url, "/")+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("%s %s: %d %s: %s", method, path, resp.StatusCode, e.Error.Code, e.Error.Message)
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}

type agentsCmd struct{}

func (*agentsCmd) name() string { return "agents" }
func (*agentsCmd) synopsis() string {
	return "agents create NAME [--type T --role R] | list | revoke NAME: principals and their tokens"
}

const agentsUsage = `agents [--url URL --token T | --store DSN] <verb>
  create NAME [--type T] [--role R] [--admin]   issue a principal; prints its token once
  list                                          list principals
  revoke NAME [--admin]                         revoke a principal's token
Through a running server (an admin token), or with --store directly on the
store (to bootstrap the first admin).`

func (*agentsCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("agents", stderr, agentsUsage)
	r := addRemoteFlags(fset)
	storeDSN := fset.String("store", "", "work on this store directly (a SQLite path or postgres://...) instead of a server")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	a := fset.Args()
	if len(a) == 0 {
		fset.Usage()
		return fmt.Errorf("%w: agents needs a verb", ErrUsage)
	}
	sub := newFlags("agents "+a[0], stderr, agentsUsage)
	typ := sub.String("type", "", "create: the agent's type attribute")
	role := sub.String("role", "", "create: the agent's role attribute")
	admin := sub.Bool("admin", false, "the principal is a human admin (Admin::\"NAME\"), not an agent")
	if err := parseFlags(sub, reorder(a[1:], map[string]bool{"admin": true})); err != nil {
		return err
	}
	kind := identity.Agent
	if *admin {
		kind = identity.Admin
	}
	var st store.Store
	if *storeDSN != "" {
		var err error
		if st, err = store.Open(ctx, *storeDSN); err != nil {
			return fmt.Errorf("open store: %w", err)
		}
		defer st.Close()
	} else if err := r.check(); err != nil {
		return err
	}
	needName := func() (string, error) {
		if sub.NArg() != 1 {
			return "", fmt.Errorf("%w: agents %s needs exactly one NAME", ErrUsage, a[0])
		}
		return sub.Arg(0), nil
	}
	switch a[0] {
	case "create":
		name, err := needName()
		if err != nil {
			return err
		}
		p := identity.Principal{Kind: kind, ID: name, Type: *typ, Role: *role}
		var token string
		if st != nil {
			token, err = identity.Issue(ctx, st, p, "temper agents (store)", time.Now().UTC())
		} else {
			var out struct{ Token string }
			err = r.do(ctx, http.MethodPost, "/api/agents", map[string]string{"id": name, "kind": kind, "type": *typ, "role": *role}, &out)
			token = out.Token
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\ntoken: %s\n(shown once: only its hash is stored)\n", p, token)
		return nil
	case "list":
		var ps []store.Principal
		if st != nil {
			var err error
			if ps, err = st.Principals(ctx); err != nil {
				return err
			}
		} else {
			var out struct{ Value []store.Principal }
			if err := r.do(ctx, http.MethodGet, "/api/agents", nil, &out); err != nil {
				return err
			}
			ps = out.Value
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PRINCIPAL\tTYPE\tROLE\tCREATED\tREVOKED")
		for _, p := range ps {
			revoked := "-"
			if p.RevokedAt != nil {
				revoked = p.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", identity.Principal{Kind: p.Kind, ID: p.ID}, dash(p.Type), dash(p.Role), p.CreatedAt.Format(time.RFC3339), revoked)
		}
		return tw.Flush()
	case "revoke":
		name, err := needName()
		if err != nil {
			return err
		}
		if st != nil {
			err = st.RevokePrincipal(ctx, kind, name, time.Now().UTC())
		} else {
			err = r.do(ctx, http.MethodDelete, "/api/agents/"+url.PathEscape(name)+"?kind="+kind, nil, nil)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %s\n", identity.Principal{Kind: kind, ID: name})
		return nil
	}
	fset.Usage()
	return fmt.Errorf("%w: unknown verb %q", ErrUsage, a[0])
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type decideCmd struct{}

func (*decideCmd) name() string { return "decide" }
func (*decideCmd) synopsis() string {
	return "decide --list | --approve ID narrow|medium|broad | --deny ID: answer pending authorization decisions"
}

const decideUsage = `decide [--url URL] [--token T] (--list [--status S] [--app A] | --approve ID narrow|medium|broad | --deny ID)
Approving prints the Cedar policy it writes before applying it.`

func (*decideCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("decide", stderr, decideUsage)
	r := addRemoteFlags(fset)
	list := fset.Bool("list", false, "list decisions")
	status := fset.String("status", "pending", "--list: pending, approved, denied or all")
	app := fset.String("app", "", "--list: only this app's decisions")
	approve := fset.String("approve", "", "approve decision `ID` at the scope given as the argument")
	deny := fset.String("deny", "", "deny decision `ID`")
	if err := parseFlags(fset, reorder(args, map[string]bool{"list": true})); err != nil {
		return err
	}
	n := 0
	for _, set := range []bool{*list, *approve != "", *deny != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		fset.Usage()
		return fmt.Errorf("%w: give exactly one of --list, --approve, --deny", ErrUsage)
	}
	if err := r.check(); err != nil {
		return err
	}
	switch {
	case *list:
		q := url.Values{}
		if *status != "all" {
			q.Set("status", *status)
		}
		if *app != "" {
			q.Set("app", *app)
		}
		var out struct{ Value []store.Decision }
		if err := r.do(ctx, http.MethodGet, "/api/decisions?"+q.Encode(), nil, &out); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATUS\tAPP\tPRINCIPAL\tACTION\tRESOURCE\tCREATED")
		for _, d := range out.Value {
			res := d.ResourceType
			if d.ResourceID != "" {
				res += fmt.Sprintf("::%q", d.ResourceID)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Status, d.App, d.Principal, d.Action, res, d.CreatedAt.Format(time.RFC3339))
		}
		return tw.Flush()
	case *approve != "":
		if fset.NArg() != 1 {
			return fmt.Errorf("%w: --approve ID needs a scope: narrow, medium or broad", ErrUsage)
		}
		scope := fset.Arg(0)
		path := "/api/decisions/" + url.PathEscape(*approve)
		var preview store.Policy
		if err := r.do(ctx, http.MethodGet, path+"/policy?scope="+url.QueryEscape(scope), nil, &preview); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Approving %s at %s scope writes this policy to app %s:\n\n%s\n\n", *approve, scope, preview.App, preview.Text)
		var out struct {
			Decision store.Decision
			Policy   store.Policy
		}
		if err := r.do(ctx, http.MethodPost, path+"/approve", map[string]string{"scope": scope}, &out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "approved %s (%s); policy %s is in effect\n", out.Decision.ID, out.Decision.Scope, out.Policy.ID)
		return nil
	default:
		var d store.Decision
		if err := r.do(ctx, http.MethodPost, "/api/decisions/"+url.PathEscape(*deny)+"/deny", nil, &d); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "denied %s\n", d.ID)
		return nil
	}
}

// reorder moves flags after positional arguments to the front, so
// "--approve ID narrow --url U" parses (flag stops at the first
// non-flag). boolFlags take no value.
func reorder(args []string, boolFlags map[string]bool) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && !boolFlags[name] && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return append(flags, pos...)
}

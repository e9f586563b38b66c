package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/deploy"
)

// ErrDeployFailed is returned when a submitted bundle was refused.
var ErrDeployFailed = errors.New("deploy failed")

// send is remote.do for answers the caller reads whatever their status.
func (r *remote) send(ctx context.Context, method, path, contentType string, body []byte) (int, []byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(r.url, "/")+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	return resp.StatusCode, b, resp.Header, err
}

// apiError is the message of an error answer.
func apiError(status int, body []byte) error {
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return fmt.Errorf("%d %s: %s", status, e.Error.Code, e.Error.Message)
	}
	return fmt.Errorf("%d %s", status, http.StatusText(status))
}

// printDeploy prints a deploy's steps and, for failed levels, their
// findings with traces; it returns ErrDeployFailed for a failed deploy.
func printDeploy(w io.Writer, res *deploy.Result) error {
	fmt.Fprintf(w, "deploy %s of %s: %s", res.ID, res.App, res.Status)
	if res.Version != "" {
		fmt.Fprintf(w, " (%s)", res.Version)
	}
	fmt.Fprintln(w)
	for _, st := range res.Steps {
		fmt.Fprintf(w, "  %-8s %-8s %s", st.Name, st.Status, st.Summary)
		if st.Error != "" {
			fmt.Fprintf(w, " %s", st.Error)
		}
		fmt.Fprintln(w)
		if st.Result != nil && !st.Result.Passed {
			for _, f := range st.Result.Findings {
				fmt.Fprintf(w, "           %s %s: %s\n", f.Severity, f.Kind, f.Msg)
				for _, s := range f.Trace {
					b, _ := json.Marshal(s)
					fmt.Fprintf(w, "             %s\n", b)
				}
			}
		}
		for _, s := range st.Stranded {
			fmt.Fprintf(w, "           %s: %d entities in %v (e.g. %v)\n", s.Set, s.Entities, s.States, s.Examples)
		}
		if st.Shadow != nil {
			for _, r := range st.Shadow.Rejected {
				fmt.Fprintf(w, "           would refuse %s v%d %s: %s\n", r.Entity, r.Version, r.Action, r.Reason)
			}
		}
	}
	if res.Status == store.DeployFailed {
		return fmt.Errorf("%w: %s", ErrDeployFailed, res.Error)
	}
	return nil
}

// deployAnswer handles the answer to a deploy request: the result, a
// 202 (waited on with --wait), or an error.
func (r *remote) deployAnswer(ctx context.Context, w io.Writer, status int, body []byte, h http.Header, wait bool) error {
	if status != http.StatusOK && status != http.StatusAccepted && status != http.StatusUnprocessableEntity && status != http.StatusConflict && status != http.StatusBadRequest {
		return apiError(status, body)
	}
	var res deploy.Result
	if err := json.Unmarshal(body, &res); err != nil || res.Status == "" {
		return apiError(status, body)
	}
	loc := h.Get("Location")
	for status == http.StatusAccepted && wait && res.Status == store.DeployRunning {
		if loc == "" {
			return fmt.Errorf("a running deploy without a status URL")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
		st, b, _, err := r.send(ctx, http.MethodGet, loc, "", nil)
		if err != nil {
			return err
		}
		if st != http.StatusOK {
			return apiError(st, b)
		}
		if err := json.Unmarshal(b, &res); err != nil {
			return err
		}
	}
	if res.Status == store.DeployRunning {
		fmt.Fprintf(w, "deploy %s of %s is running: %s\n", res.ID, res.App, loc)
		return nil
	}
	return printDeploy(w, &res)
}

type specsCmd struct{}

func (*specsCmd) name() string { return "specs" }
func (*specsCmd) synopsis() string {
	return "specs submit APP DIR [--wait] | status APP | versions APP | rollback APP VERSION: deploy specs to a running Temper"
}

const specsUsage = `specs [--url URL] [--token T] <verb>
  submit APP DIR [--merge] [--wait]   submit a bundle directory; the server verifies it and deploys it
                                      (without --wait the answer may be 202: the deploy goes on)
  status APP                          the active version and the latest deploys
  versions APP                        the app's versions, newest first
  rollback APP VERSION [--wait]       re-activate an earlier version`

func (*specsCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("specs", stderr, specsUsage)
	r := addRemoteFlags(fset)
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	a := fset.Args()
	if len(a) == 0 {
		fset.Usage()
		return fmt.Errorf("%w: specs needs a verb", ErrUsage)
	}
	sub := newFlags("specs "+a[0], stderr, specsUsage)
	wait := sub.Bool("wait", false, "wait until the deploy finished")
	merge := sub.Bool("merge", false, "add or replace these files in the active bundle instead of replacing the app")
	if err := parseFlags(sub, reorder(a[1:], map[string]bool{"wait": true, "merge": true})); err != nil {
		return err
	}
	if err := r.check(); err != nil {
		return err
	}
	need := func(n int, what string) error {
		if sub.NArg() != n {
			return fmt.Errorf("%w: specs %s takes %s", ErrUsage, a[0], what)
		}
		return nil
	}
	switch a[0] {
	case "submit":
		if err := need(2, "APP DIR"); err != nil {
			return err
		}
		body, err := bundleText(sub.Arg(1))
		if err != nil {
			return err
		}
		q := url.Values{}
		if *merge {
			q.Set("mode", "merge")
		}
		if !*wait {
			q.Set("wait", "0")
		} else {
			q.Set("wait", "10m")
		}
		st, b, h, err := r.send(ctx, http.MethodPost, "/api/apps/"+url.PathEscape(sub.Arg(0))+"/specs?"+q.Encode(), "application/json", body)
		if err != nil {
			return err
		}
		return r.deployAnswer(ctx, stdout, st, b, h, *wait)
	case "status":
		if err := need(1, "APP"); err != nil {
			return err
		}
		var out struct {
			Active  string
			Deploys []store.Deploy
			Running *deploy.Result
		}
		if err := r.do(ctx, http.MethodGet, "/api/apps/"+url.PathEscape(sub.Arg(0))+"/specs", nil, &out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "app %s: active %s\n", sub.Arg(0), dash(out.Active))
		if out.Running != nil {
			if err := printDeploy(stdout, out.Running); err != nil {
				return err
			}
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DEPLOY\tKIND\tSTATUS\tSTEP\tVERSION\tBY\tCREATED")
		for _, d := range out.Deploys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Kind, d.Status, dash(d.Step), dash(d.Version), dash(d.SubmittedBy), d.CreatedAt.Format(time.RFC3339))
		}
		return tw.Flush()
	case "versions":
		if err := need(1, "APP"); err != nil {
			return err
		}
		var out struct {
			Active string
			Value  []store.SpecVersion
		}
		if err := r.do(ctx, http.MethodGet, "/api/apps/"+url.PathEscape(sub.Arg(0))+"/versions", nil, &out); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "\tVERSION\tSUBMITTED BY\tAPPROVED BY\tVERIFIER\tCREATED")
		for _, v := range out.Value {
			mark := ""
			if v.Version == out.Active {
				mark = "*"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", mark, v.Version, dash(v.SubmittedBy), dash(v.ApprovedBy), v.Verifier, v.CreatedAt.Format(time.RFC3339))
		}
		return tw.Flush()
	case "rollback":
		if err := need(2, "APP VERSION"); err != nil {
			return err
		}
		body, _ := json.Marshal(map[string]string{"version": sub.Arg(1)})
		q := "?wait=0"
		if *wait {
			q = "?wait=10m"
		}
		st, b, h, err := r.send(ctx, http.MethodPost, "/api/apps/"+url.PathEscape(sub.Arg(0))+"/rollback"+q, "application/json", body)
		if err != nil {
			return err
		}
		return r.deployAnswer(ctx, stdout, st, b, h, *wait)
	}
	fset.Usage()
	return fmt.Errorf("%w: unknown verb %q", ErrUsage, a[0])
}

type exportCmd struct{}

func (*exportCmd) name() string { return "export" }
func (*exportCmd) synopsis() string {
	return "export APP FILE: write an app's bundle (specs, model, policies, version metadata) to one file"
}

func (*exportCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("export", stderr, "export [--url URL] [--token T] APP FILE")
	r := addRemoteFlags(fset)
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 2 {
		fset.Usage()
		return fmt.Errorf("%w: export takes APP and FILE", ErrUsage)
	}
	if err := r.check(); err != nil {
		return err
	}
	st, b, _, err := r.send(ctx, http.MethodGet, "/api/apps/"+url.PathEscape(fset.Arg(0))+"/export", "", nil)
	if err != nil {
		return err
	}
	if st != http.StatusOK {
		return apiError(st, b)
	}
	if err := os.WriteFile(fset.Arg(1), b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %s to %s (%d bytes)\n", fset.Arg(0), fset.Arg(1), len(b))
	return nil
}

type importCmd struct{}

func (*importCmd) name() string { return "import" }
func (*importCmd) synopsis() string {
	return "import FILE [--as APP]: deploy an exported bundle here (the cascade runs again)"
}

func (*importCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("import", stderr, "import [--url URL] [--token T] FILE [--as APP]")
	r := addRemoteFlags(fset)
	as := fset.String("as", "", "the app name here (default: the exported app's)")
	if err := parseFlags(fset, reorder(args, nil)); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		fset.Usage()
		return fmt.Errorf("%w: import takes one FILE", ErrUsage)
	}
	if err := r.check(); err != nil {
		return err
	}
	b, err := os.ReadFile(fset.Arg(0))
	if err != nil {
		return err
	}
	var head struct{ App string }
	if err := json.Unmarshal(b, &head); err != nil || head.App == "" {
		return fmt.Errorf("%s: not a bundle file", fset.Arg(0))
	}
	app := head.App
	if *as != "" {
		app = *as
	}
	st, body, h, err := r.send(ctx, http.MethodPost, "/api/apps/"+url.PathEscape(app)+"/import?wait=10m", "application/json", b)
	if err != nil {
		return err
	}
	return r.deployAnswer(ctx, stdout, st, body, h, true)
}

// bundleText reads a bundle directory (or file) for a submission: file
// names relative to it, contents as text.
func bundleText(path string) ([]byte, error) {
	files, err := ReadBundle(path)
	if err != nil {
		return nil, err
	}
	root := path
	if info, err := os.Stat(path); err == nil && !info.IsDir() {
		root = filepath.Dir(path)
	}
	text := make(map[string]string, len(files))
	for n, b := range files {
		rel, err := filepath.Rel(root, n)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = filepath.Base(n)
		}
		text[filepath.ToSlash(rel)] = string(b)
	}
	return json.Marshal(text)
}

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/diag"
	"github.com/temperhq/temper/verification"
	"github.com/temperhq/temper/verification/report"
)

type verifyCmd struct{}

func (*verifyCmd) name() string { return "verify" }
func (*verifyCmd) synopsis() string {
	return "verify FILE|DIR: run the cascade (L0 SMT, L1 model checking, L2 simulation, L3 property tests)"
}

// ErrVerificationFailed is returned when the cascade rejects a bundle.
var ErrVerificationFailed = errors.New("verification failed")

func (c *verifyCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("verify", stderr, "verify [--json] [--level L0,L1,L2,L3] [--seed N] [--dump-smt DIR] [--remote URL [--token T]] FILE|DIR")
	remoteURL := fset.String("remote", "", "verify on this Temper server (its pipeline, without deploying) instead of here")
	token := fset.String("token", os.Getenv("TEMPER_TOKEN"), "with --remote: a bearer `token` (default $TEMPER_TOKEN)")
	asJSON := fset.Bool("json", false, "print the report as JSON")
	levels := fset.String("level", "", "comma-separated levels to run (L0, L1, L2, L3, cross); default all")
	seed := fset.Uint64("seed", 0, "seed for L2 and L3 (0: the default seed)")
	dump := fset.String("dump-smt", "", "write every L0 query as SMT-LIB2 into this directory")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		fset.Usage()
		return fmt.Errorf("%w: verify takes one FILE or DIR", ErrUsage)
	}
	if *remoteURL != "" {
		return verifyRemote(ctx, &remote{url: *remoteURL, token: *token}, fset.Arg(0), stdout)
	}
	opts := verification.Options{Seed: *seed, DumpSMT: *dump}
	if *levels != "" {
		for _, l := range strings.Split(*levels, ",") {
			lv := report.Level(strings.TrimSpace(l))
			switch lv {
			case report.L0, report.L1, report.L2, report.L3, report.Cross:
				opts.Levels = append(opts.Levels, lv)
			default:
				return fmt.Errorf("%w: unknown level %q (L0, L1, L2, L3, cross)", ErrUsage, l)
			}
		}
	}
	files, err := ReadBundle(fset.Arg(0))
	if err != nil {
		return err
	}
	b, err := specengine.Load(files)
	if err != nil {
		var de *diag.Error
		if errors.As(err, &de) {
			for _, d := range de.Diags.Errors() {
				fmt.Fprintln(stderr, d.Error())
			}
			return fmt.Errorf("%s: does not load: %s", fset.Arg(0), plural(len(de.Diags.Errors()), "error"))
		}
		return err
	}
	rep, err := verification.Run(ctx, b, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("encode report: %w", err)
		}
	} else {
		fmt.Fprint(stdout, rep.Text())
	}
	if !rep.Passed {
		return fmt.Errorf("%w: %s", ErrVerificationFailed, fset.Arg(0))
	}
	return nil
}

// verifyRemote runs a server's pipeline on a bundle without deploying it.
func verifyRemote(ctx context.Context, r *remote, path string, stdout io.Writer) error {
	if err := r.check(); err != nil {
		return err
	}
	body, err := bundleText(path)
	if err != nil {
		return err
	}
	st, b, h, err := r.send(ctx, http.MethodPost, "/api/verify?wait=10m", "application/json", body)
	if err != nil {
		return err
	}
	if err := r.deployAnswer(ctx, stdout, st, b, h, true); err != nil {
		if errors.Is(err, ErrDeployFailed) {
			return fmt.Errorf("%w: %v", ErrVerificationFailed, err)
		}
		return err
	}
	return nil
}

package deploy_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	acts "github.com/temperhq/temper/activities/deploy"
	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/internal/testtemporal"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/verification"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/deploy"
)

// BenchmarkDeploy: a whole deploy of the tasks app through the workflow
// on a real server (parse, five levels, strand, shadow, activate, two
// records) against the bare cascade on the same bundle in the same run.
//
//	go test -run '^$' -bench Deploy -benchtime 20x ./workflows/deploy
func BenchmarkDeploy(b *testing.B) {
	files, err := apps.Files("tasks")
	if err != nil {
		b.Fatal(err)
	}
	bundle, err := specengine.Load(files)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cascade", func(b *testing.B) {
		for b.Loop() {
			if rep, err := verification.Run(context.Background(), bundle, verification.Options{}); err != nil || !rep.Passed {
				b.Fatal(err)
			}
		}
	})
	b.Run("workflow", func(b *testing.B) {
		ts := testtemporal.New(b)
		c := ts.GetDefaultClient()
		ctx := context.Background()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "temper.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		reg := specengine.NewRegistry()
		w := worker.New(c, reg, nil, worker.Options{TaskQueue: "deploy-bench", Deploy: &acts.Activities{Store: st, Registry: reg}})
		if err := w.Start(); err != nil {
			b.Fatal(err)
		}
		defer w.Stop()
		dc := &deploy.Client{Temporal: c, TaskQueue: "deploy-bench"}
		i := 0
		for b.Loop() {
			i++
			in := deploy.Input{ID: fmt.Sprint("d-", i), App: "tasks", Kind: deploy.KindSubmit, Files: files, Verifier: verification.Version}
			run, err := dc.Start(ctx, in)
			if err != nil {
				b.Fatal(err)
			}
			res, done, err := dc.Wait(ctx, "tasks", run, time.Minute)
			if err != nil || !done || res.Status != store.DeploySucceeded {
				b.Fatalf("deploy: %v %v %+v", err, done, res)
			}
		}
	})
}

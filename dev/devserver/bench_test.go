package devserver_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/temperhq/temper/dev/devserver"
)

// BenchmarkStart measures Start until ready (namespace, search attributes
// and, for "ui", the Web UI answering) and, as stop-ms, Stop.
//
//	go test -run '^$' -bench Start -benchtime 10x ./dev/devserver/
func BenchmarkStart(b *testing.B) {
	for _, bc := range []struct {
		name  string
		setup func(b *testing.B, i int) devserver.Options
	}{
		{"ephemeral", func(b *testing.B, _ int) devserver.Options { return benchOptions() }},
		{"ephemeral+ui", func(b *testing.B, _ int) devserver.Options {
			o := benchOptions()
			o.UIPort = devserver.AnyPort
			return o
		}},
		{"file/new", func(b *testing.B, i int) devserver.Options {
			o := benchOptions()
			o.Ephemeral = false
			o.DBFile = filepath.Join(b.TempDir(), fmt.Sprintf("t%d.db", i))
			return o
		}},
		{"file/existing", func() func(b *testing.B, _ int) devserver.Options {
			var path string
			return func(b *testing.B, _ int) devserver.Options {
				o := benchOptions()
				o.Ephemeral = false
				if path == "" {
					path = filepath.Join(b.TempDir(), "t.db")
					s, err := devserver.Start(context.Background(), withDB(o, path))
					if err != nil {
						b.Fatal(err)
					}
					s.Stop()
				}
				return withDB(o, path)
			}
		}()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var stop time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				o := bc.setup(b, i)
				b.StartTimer()
				s, err := devserver.Start(context.Background(), o)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				t0 := time.Now()
				if err := s.Stop(); err != nil {
					b.Fatal(err)
				}
				stop += time.Since(t0)
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "start-ms")
			b.ReportMetric(float64(stop.Milliseconds())/float64(b.N), "stop-ms")
		})
	}
}

func benchOptions() devserver.Options {
	return devserver.Options{
		Ephemeral:        true,
		SearchAttributes: devserver.DefaultSearchAttributes(),
		LogLevel:         slog.LevelError,
	}
}

func withDB(o devserver.Options, path string) devserver.Options {
	o.DBFile = path
	return o
}

package devserver

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

func TestServerLogger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	level := new(slog.LevelVar)
	level.Set(slog.LevelInfo)
	base := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var l log.Logger = serverLogger{l: newSlog(base, level)}

	l.Debug("hidden")
	l.(log.WithLogger).With(tag.NewStringTag("svc", "history")).Warn("shown", tag.NewInt("shard", 1))
	level.Set(slog.LevelError)
	l.Warn("hidden after the level rose")
	l.DPanic("dpanic logs without panicking")
	got := buf.String()
	for _, want := range []string{`level=WARN msg=shown svc=history shard=1`, "level=ERROR msg=\"dpanic logs"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "hidden") {
		t.Errorf("log has records below the level:\n%s", got)
	}
	if s := l.(log.SLogWrapper).SLog(); s == nil {
		t.Error("SLog() = nil")
	}

	for name, f := range map[string]func(string, ...tag.Tag){"Panic": l.Panic, "Fatal": l.Fatal} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "boom") {
					t.Errorf("%s: recovered %v, want a panic with the message", name, r)
				}
			}()
			f("boom")
		}()
	}

	// A nil Logger discards everything.
	serverLogger{l: newSlog(nil, level)}.Error("nowhere")
}

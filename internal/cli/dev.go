package cli

import (
	"context"
	"errors"
	"io"
)

type devCmd struct{}

func (*devCmd) name() string { return "dev" }
func (*devCmd) synopsis() string {
	return "run the whole stack locally (embedded Temporal, Web UI, worker, gateway)"
}

// ErrNotBuilt is returned by commands whose subsystem is not built yet.
var ErrNotBuilt = errors.New("not built yet")

func (*devCmd) run(context.Context, []string, io.Writer, io.Writer) error {
	return errors.Join(ErrNotBuilt, errors.New("temper dev: the embedded Temporal stack arrives with the entity workflows (issue 4); today `temper parse` and `temper apps` work"))
}

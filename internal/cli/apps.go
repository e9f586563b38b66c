package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
)

type appsCmd struct{}

func (*appsCmd) name() string { return "apps" }
func (*appsCmd) synopsis() string {
	return "apps [NAME]: list the example apps built into temper, or show one"
}

func (c *appsCmd) run(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("apps", stderr, "apps [NAME]")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	switch fset.NArg() {
	case 0:
		for _, n := range apps.Names() {
			files, err := apps.Files(n)
			if err != nil {
				return err
			}
			b, err := specengine.Load(files)
			if err != nil {
				return fmt.Errorf("bundled app %s: %w", n, err)
			}
			var sets []string
			for _, t := range b.TableList {
				sets = append(sets, t.EntitySet)
			}
			fmt.Fprintf(stdout, "%-10s %v\n", n, sets)
		}
		return nil
	case 1:
		files, err := apps.Files(fset.Arg(0))
		if err != nil {
			return err
		}
		b, err := specengine.Load(files)
		if err != nil {
			return fmt.Errorf("bundled app %s: %w", fset.Arg(0), err)
		}
		Summarize(stdout, b)
		return nil
	}
	fset.Usage()
	return errors.Join(ErrUsage, errors.New("apps takes at most one NAME"))
}

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ErrUsage marks a usage error; the message has already told the user what
// to type.
var ErrUsage = errors.New("usage")

// command is one subcommand.
type command interface {
	name() string
	synopsis() string
	run(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{&parseCmd{}, &verifyCmd{}, &appsCmd{}, &devserverCmd{}, &workerCmd{}, &serveCmd{}, &entityCmd{}, &devCmd{}, &agentsCmd{}, &decideCmd{}, &specsCmd{}, &exportCmd{}, &importCmd{}, &mcpCmd{}}
}

// Run runs the temper command line with args (without the program name).
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given", ErrUsage)
		}
		return nil
	}
	for _, c := range commands() {
		if c.name() == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: temper <command> [arguments]")
	fmt.Fprintln(w)
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name() < cs[j].name() })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-8s %s\n", c.name(), c.synopsis())
	}
}

func newFlags(name string, stderr io.Writer, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: temper %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	return nil
}

func plural(n int, one string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	if strings.HasSuffix(one, "y") {
		return fmt.Sprintf("%d %sies", n, one[:len(one)-1])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

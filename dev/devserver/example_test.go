package devserver_test

import (
	"context"
	"fmt"
	"log"

	"go.temporal.io/sdk/client"

	"github.com/temperhq/temper/dev/devserver"
)

// Start an in-memory server on free ports with Temper's search attributes
// and connect a client to it. `temper devserver` starts from
// DefaultOptions instead: a file database, ports 7233 and 8233.
func ExampleStart() {
	s, err := devserver.Start(context.Background(), devserver.Options{
		Ephemeral:        true,
		FrontendPort:     devserver.AnyPort,
		SearchAttributes: devserver.DefaultSearchAttributes(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Stop()

	c, err := client.Dial(client.Options{HostPort: s.FrontendAddr(), Namespace: s.Namespace()})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println("namespace:", s.Namespace())
	fmt.Println("UI enabled:", s.UIAddr() != "")
	// Output:
	// namespace: default
	// UI enabled: false
}

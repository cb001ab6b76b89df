// Command lwsws is lws's JSON-configured server in Go: vhosts, mounts and
// protocols come from a configuration directory in lws's format (conf plus
// conf.d/*), protocols from plugins in the configured plugin-dir, and
// SIGHUP reloads without dropping open connections. The core's standard
// protocols (dumb-increment-protocol, lws-mirror-protocol, lws-status,
// protocol-post-demo) are compiled in.
//
//	go run ./lwsws -c lwsws/etc-lwsws
//
// The work is done by package lws/lwsws; docs/PLUGINS.md says how to build
// plugins for it, or link protocols in with lwsws-static.
package main

import (
	"os"

	"github.com/lws-go/lws-go/lws/lwsws"
	_ "github.com/lws-go/lws-go/lws/plugins" // the test server's protocols, registered at init
)

func main() {
	os.Exit(lwsws.Main(os.Args, os.Stderr))
}

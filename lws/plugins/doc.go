// Package plugins holds the core's standard protocols, the Go counterparts
// of lws's plugins/ directory and of the protocols its classic test server
// offers: "dumb-increment-protocol", "lws-mirror-protocol", "lws-status"
// and the /formtest POST handler "protocol-post-demo", and lws's
// "raw-proxy" plugin (raw connections relayed to the "onward" pvo).
// Importing the
// package registers them (lws.RegisterPlugin),
// so any vhost can enable them by name, and the workspace's
// test-apps/test-server serves them as lws's test server does, for the
// client examples to talk to offline.
package plugins

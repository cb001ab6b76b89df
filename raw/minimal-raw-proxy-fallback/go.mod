module github.com/lws-go/lws-go/raw/minimal-raw-proxy-fallback

go 1.26

require github.com/lws-go/lws-go/lws v0.0.0

require (
	github.com/gorilla/websocket v1.5.3 // indirect
	golang.org/x/net v0.47.0 // indirect
	golang.org/x/sys v0.38.0 // indirect
)

// The core lives in this workspace; to copy the example out, point this
// at your copy of lws/ (or drop it once the core is published).
replace github.com/lws-go/lws-go/lws => ../../lws

module github.com/lws-go/lws-go/raw/minimal-raw-serial

go 1.26

require (
	github.com/creack/pty v1.1.24
	github.com/lws-go/lws-go/lws v0.0.0
	golang.org/x/sys v0.38.0
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/chromedp/chromedp v0.22.1 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
	golang.org/x/net v0.47.0 // indirect
)

// The core lives in this workspace; to copy the example out, point this
// at your copy of lws/ (or drop it once the core is published).
replace github.com/lws-go/lws-go/lws => ../../lws

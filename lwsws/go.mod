module github.com/lws-go/lws-go/lwsws

go 1.26

require (
	github.com/gorilla/websocket v1.5.3
	github.com/lws-go/lws-go/lws v0.0.0
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/chromedp/chromedp v0.22.1 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	golang.org/x/net v0.47.0 // indirect
)

// The core lives in this workspace.
replace github.com/lws-go/lws-go/lws => ../lws

module github.com/lws-go/lws-go/lws

go 1.26

require (
	github.com/chromedp/chromedp v0.22.1
	github.com/creack/pty v1.1.24
	github.com/go-jose/go-jose/v4 v4.1.9
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875
	github.com/gorilla/websocket v1.5.3
	go.uber.org/goleak v1.3.0
	golang.org/x/net v0.47.0
	golang.org/x/sys v0.38.0
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	golang.org/x/text v0.31.0 // indirect
)

module github.com/lws-go/lws-go/api-tests/api-test-dhcpc

go 1.26

require (
	github.com/insomniacslk/dhcp v0.0.0-20260901064844-234b97448fae
	github.com/lws-go/lws-go/lws v0.0.0
	github.com/vishvananda/netlink v1.3.1
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/chromedp/chromedp v0.22.1 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/josharian/native v1.1.0 // indirect
	github.com/mdlayher/packet v1.1.2 // indirect
	github.com/mdlayher/socket v0.4.1 // indirect
	github.com/pierrec/lz4/v4 v4.1.14 // indirect
	github.com/u-root/uio v0.0.0-20230220225925-ffce2a382923 // indirect
	github.com/vishvananda/netns v0.0.5 // indirect
	golang.org/x/net v0.55.0 // indirect
	golang.org/x/sync v0.3.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
)

// The core lives in this workspace; to copy the example out, point this
// at your copy of lws/ (or drop it once the core is published).
replace github.com/lws-go/lws-go/lws => ../../lws

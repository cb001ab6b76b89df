module github.com/lws-go/lws-go/tools

go 1.26

require (
	github.com/gorilla/websocket v1.5.3
	github.com/lws-go/lws-go/lws v0.0.0
)

replace github.com/lws-go/lws-go/lws => ../lws

module github.com/lws-go/lws-go/tools

go 1.26

require (
	github.com/gorilla/websocket v1.5.3
	github.com/lws-go/lws-go/lws v0.0.0
)

require (
	github.com/coder/websocket v1.8.15
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
)

replace github.com/lws-go/lws-go/lws => ../lws

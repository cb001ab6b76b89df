module github.com/lws-go/lws-go/tools

go 1.26

require github.com/gorilla/websocket v1.5.3

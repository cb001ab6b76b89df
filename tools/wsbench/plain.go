package main

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// The baselines: what a Go programmer writes without lws-go. One goroutine
// per connection, gorilla's default buffers, no loop.

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func plainChatMain(args []string) error {
	fs := newFlags("plain-chat")
	addr := fs.String("addr", "127.0.0.1:7682", "listen address")
	if err := parse(fs, args); err != nil {
		return err
	}
	var mu sync.Mutex
	clients := map[*websocket.Conn]bool{}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		clients[ws] = true
		mu.Unlock()
		defer func() {
			mu.Lock()
			delete(clients, ws)
			mu.Unlock()
			ws.Close()
		}()
		for {
			mt, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			mu.Lock()
			for c := range clients {
				_ = c.WriteMessage(mt, msg)
			}
			mu.Unlock()
		}
	})
	fmt.Println("plain gorilla chat on", *addr)
	return http.ListenAndServe(*addr, nil)
}

func plainEchoMain(args []string) error {
	fs := newFlags("plain-echo")
	addr := fs.String("addr", "127.0.0.1:7682", "listen address")
	if err := parse(fs, args); err != nil {
		return err
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			mt, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if err := ws.WriteMessage(mt, msg); err != nil {
				return
			}
		}
	})
	fmt.Println("plain gorilla echo on", *addr)
	return http.ListenAndServe(*addr, nil)
}

func plainFilesMain(args []string) error {
	fs := newFlags("plain-files")
	addr := fs.String("addr", "127.0.0.1:7682", "listen address")
	dir := fs.String("dir", ".", "directory to serve")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Println("plain net/http FileServer on", *addr)
	return http.ListenAndServe(*addr, http.FileServer(http.Dir(*dir)))
}

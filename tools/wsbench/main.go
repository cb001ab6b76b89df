// Command wsbench measures lws-go examples side by side with the plain Go
// server a reader would otherwise write, in one run on one machine:
//
//	wsbench idle  [-n 5000]              memory per idle ws connection
//	wsbench echo  [-c 50] [-size 64] [-d 10s]  echo round trips per second
//	wsbench files [-t 2] [-c 64] [-d 5s]       wrk on minimal-http-server's index.html
//	wsbench client-echo [-c 50] [-size 64]     the lws-go ws client against a plain gorilla client
//	wsbench ss-trust [-stores 10] [-cycles 10000] heap held by Secure Streams trust stores
//	wsbench plain-chat  -addr :7682      plain gorilla chat server (baseline)
//	wsbench plain-echo  -addr :7682      plain gorilla echo server (baseline)
//	wsbench plain-files -addr :7682 -dir D  plain net/http FileServer (baseline)
//
// Run it from the repository root: it builds the examples it measures.
// Figures go to BENCHMARKS.md with the command that produced them.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "idle":
		err = idleMain(args)
	case "echo":
		err = echoMain(args)
	case "files":
		err = filesMain(args)
	case "client-echo":
		err = clientEchoMain(args)
	case "ss-trust":
		err = ssTrustMain(args)
	case "plain-chat":
		err = plainChatMain(args)
	case "plain-echo":
		err = plainEchoMain(args)
	case "plain-files":
		err = plainFilesMain(args)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wsbench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: wsbench idle|echo|files|client-echo|ss-trust|plain-chat|plain-echo|plain-files [flags]")
	os.Exit(2)
}

// Command wsbench measures lws-go examples side by side with the plain Go
// server a reader would otherwise write, in one run on one machine, and
// attacks them to see what they hold under abuse:
//
//	wsbench idle  [-n 5000]              memory per idle ws connection
//	wsbench echo  [-c 50] [-size 64] [-d 10s]  echo round trips per second
//	wsbench files [-t 2] [-c 64] [-d 5s]       wrk on minimal-http-server's index.html
//	wsbench client-echo [-c 50] [-size 64]     the lws-go ws client against a plain gorilla client
//	wsbench ss-trust [-stores 10] [-cycles 10000] heap held by Secure Streams trust stores
//	wsbench attack [-quick] [-targets ...] [-attacks ...]  abuse the ws servers, sample them, judge
//	wsbench soak   (the same as attack)
//	wsbench plain-chat  -addr :7682      plain gorilla chat server (baseline)
//	wsbench plain-echo  -addr :7682      plain gorilla echo server (baseline)
//	wsbench plain-files -addr :7682 -dir D  plain net/http FileServer (baseline)
//
// `wsbench -h` lists every subcommand's flags.
//
// Run it from the repository root: it builds the examples it measures.
// Figures go to BENCHMARKS.md with the command that produced them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// command is one subcommand: run parses its own flags from args.
type command struct {
	name, synopsis string
	run            func(args []string) error
	alias          bool // another name for the command before it
}

// commands is filled in at init: the subcommands' flag sets print their
// synopsis from it.
var commands []command

func init() {
	commands = []command{
		{"idle", "memory per idle ws connection, lws-go against plain gorilla", idleMain, false},
		{"echo", "echo round trips per second, lws-go against plain gorilla", echoMain, false},
		{"files", "wrk on minimal-http-server's index.html against a plain FileServer", filesMain, false},
		{"client-echo", "the lws-go ws client against a plain gorilla client", clientEchoMain, false},
		{"ss-trust", "heap held by Secure Streams trust stores", ssTrustMain, false},
		{"attack", "connect/reset cycles, reset storms, ping floods and deflate bombs against the ws server examples (built with and without -race), sampling each server's RSS, descriptors and threads; exits 1 if any run fails its checks", attackMain, false},
		{"soak", "the same as attack, with the same flags", attackMain, true},
		{"plain-chat", "plain gorilla chat server (baseline)", plainChatMain, false},
		{"plain-echo", "plain gorilla echo server (baseline)", plainEchoMain, false},
		{"plain-files", "plain net/http FileServer (baseline)", plainFilesMain, false},
	}
}

// helpOut is where flag sets print their usage.
var helpOut io.Writer = os.Stderr

// newFlags is a subcommand's flag set; -h prints its synopsis and flags.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(helpOut)
	fs.Usage = func() {
		for _, c := range commands {
			if c.name == name {
				fmt.Fprintf(fs.Output(), "wsbench %s [flags]: %s\n", name, c.synopsis)
			}
		}
		fs.PrintDefaults()
	}
	return fs
}

func main() {
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	name, args := os.Args[1], os.Args[2:]
	switch name {
	case "-h", "-help", "--help", "help":
		help()
		return
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(args)
		switch {
		case err == nil:
			return
		case errors.Is(err, flag.ErrHelp):
			return
		case errors.Is(err, errUsage):
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "wsbench:", err)
		os.Exit(1)
	}
	usage(os.Stderr)
	os.Exit(2)
}

// errUsage is a flag parse error, already reported by the flag set.
var errUsage = errors.New("usage")

// parse parses a subcommand's flags: -h gives flag.ErrHelp, a bad flag
// errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: wsbench <command> [flags]; wsbench -h lists every command's flags")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.synopsis)
	}
}

// help prints every subcommand's flags: each one parses "-h".
func help() {
	helpOut = os.Stdout
	usage(os.Stdout)
	for _, c := range commands {
		if c.alias {
			continue
		}
		fmt.Println()
		_ = c.run([]string{"-h"})
	}
}

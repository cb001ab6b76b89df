package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// kind is what a server does with ws messages, which decides the
// well-behaved clients that watch it during an attack and how their
// messages are checked.
type kind int

const (
	kindEcho    kind = iota // each message comes back to its sender only
	kindChat                // each message goes to every client (the sender too)
	kindBroker              // /publisher's messages go to every other client
	kindCounter             // the server sends increasing numbers
	kindFeed                // the server sends "<config>: tid: N, msg: M" from its threads
	kindQuiet               // nothing to check in what the server sends
)

// target is a server example and how to run it.
type target struct {
	name    string   // as -targets names it
	pkg     string   // package path from the repository root
	tls     bool     // the wss variant (served with the example's TLS switch)
	extra   []string // more arguments
	tlsFlag string   // the example's TLS switch, "" if it has no TLS
	proto   string   // subprotocol to ask for
	kind    kind
	deflate bool // offers permessage-deflate
	// lwsws: started with a copy of lwsws/etc-lwsws on its own port, and
	// measured through its serving instance, a child process.
	lwsws bool
	// proxy: needs an upstream dumb-increment server (test-server).
	proxy bool
	note  string
}

// allTargets are the ws server examples, in the order they run, each on a
// free port: every example takes --port; lwsws reads its port from the
// configuration.
var allTargets = []target{
	{name: "minimal-ws-server", pkg: "./ws-server/minimal-ws-server", tlsFlag: "-s", proto: "lws-minimal", kind: kindChat},
	{name: "minimal-ws-server-echo", pkg: "./ws-server/minimal-ws-server-echo", proto: "lws-minimal-server-echo", kind: kindEcho, deflate: true, note: "no TLS switch"},
	{name: "minimal-ws-server-pmd", pkg: "./ws-server/minimal-ws-server-pmd", proto: "lws-minimal", kind: kindChat, deflate: true, note: "no TLS switch"},
	{name: "minimal-ws-server-pmd-bulk", pkg: "./ws-server/minimal-ws-server-pmd-bulk", proto: "lws-minimal-pmd-bulk", kind: kindQuiet, deflate: true, note: "no TLS switch"},
	{name: "minimal-ws-server-ring", pkg: "./ws-server/minimal-ws-server-ring", proto: "lws-minimal", kind: kindChat, note: "no TLS switch"},
	{name: "minimal-ws-server-threads", pkg: "./ws-server/minimal-ws-server-threads", proto: "lws-minimal", kind: kindFeed, note: "no TLS switch"},
	{name: "minimal-ws-server-timer", pkg: "./ws-server/minimal-ws-server-timer", tlsFlag: "-s", proto: "timer", kind: kindQuiet},
	{name: "minimal-ws-broker", pkg: "./ws-server/minimal-ws-broker", proto: "lws-minimal-broker", kind: kindBroker, note: "no TLS switch"},
	{name: "minimal-ws-proxy", pkg: "./client-server/minimal-ws-proxy", proto: "lws-minimal-proxy", kind: kindCounter, proxy: true, note: "upstream: a test-server on a free port; no TLS switch"},
	{name: "test-server", pkg: "./test-apps/test-server", tlsFlag: "-s", proto: "lws-mirror-protocol", kind: kindChat, note: "lws-mirror-protocol"},
	{name: "lwsws", pkg: "./lwsws", proto: "lws-mirror-protocol", kind: kindChat, lwsws: true, note: "lwsws/etc-lwsws with its port changed; measured: the serving instance; no TLS in that configuration"},
}

// label is the target's name in the table.
func (t target) label() string {
	if t.tls {
		return t.name + " (wss)"
	}
	return t.name
}

// expand selects targets by name ("all" for every one) and adds the wss
// variants where the example has a TLS switch: tlsMode is plain, tls or
// both.
func expand(names, tlsMode string) ([]target, error) {
	want := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	var out []target
	for _, t := range allTargets {
		if !want["all"] && !want[t.name] {
			continue
		}
		delete(want, t.name)
		if tlsMode != "tls" {
			out = append(out, t)
		}
		if tlsMode != "plain" && t.tlsFlag != "" {
			w := t
			w.tls = true
			out = append(out, w)
		}
	}
	delete(want, "all")
	for n := range want {
		return nil, fmt.Errorf("unknown target %q (targets: %s)", n, targetNames())
	}
	switch tlsMode {
	case "plain", "tls", "both":
	default:
		return nil, fmt.Errorf("-tls %q: want plain, tls or both", tlsMode)
	}
	return out, nil
}

func targetNames() string {
	var n []string
	for _, t := range allTargets {
		n = append(n, t.name)
	}
	return strings.Join(n, ",")
}

// launch is what startTarget did, for the run to clean up.
type launch struct {
	v        *victim
	ep       endpoint
	upstream *victim // the proxy's test-server
}

func (l *launch) stop() int {
	code := l.v.stop()
	if l.upstream != nil {
		l.upstream.stop()
	}
	return code
}

// startTarget starts the target's binary (bins by package) and returns
// the endpoint its ws clients use.
func startTarget(t target, root, work string, bins map[string]string, logLevel string) (*launch, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := []string{"-d", logLevel}
	if !t.lwsws {
		args = append(args, "--port", strconv.Itoa(port))
	}
	if t.tls {
		args = append(args, t.tlsFlag)
	}
	args = append(args, t.extra...)
	l := &launch{ep: endpoint{addr: addr, tls: t.tls, proto: t.proto, path: "/"}}
	errLog := filepath.Join(work, strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(t.label())+".log")
	if t.proxy {
		up, err := freePort()
		if err != nil {
			return nil, err
		}
		upAddr := "127.0.0.1:" + strconv.Itoa(up)
		l.upstream, err = startVictim("test-server (upstream)", root, upAddr, errLog+".upstream", false,
			bins["./test-apps/test-server"], "-d", logLevel, "--port", strconv.Itoa(up))
		if err != nil {
			return nil, err
		}
		args = append(args, "--upstream", upAddr)
	}
	if t.lwsws {
		dir, err := lwswsConfig(root, work, port)
		if err != nil {
			return nil, err
		}
		args = append(args, "-c", dir)
	}
	v, err := startVictim(t.label(), root, addr, errLog, t.lwsws, bins[t.pkg], args...)
	if err != nil {
		if l.upstream != nil {
			l.upstream.stop()
		}
		return nil, err
	}
	l.v = v
	return l, nil
}

// lwswsConfig copies lwsws/etc-lwsws for a run: the vhost on port, on
// 127.0.0.1 only, the mount's origin and the plugin directory absolute.
func lwswsConfig(root, work string, port int) (string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("lwsws configuration: %w", err)
	}
	src := filepath.Join(absRoot, "lwsws", "etc-lwsws")
	dir := filepath.Join(work, "lwsws-conf")
	if err := os.MkdirAll(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		return "", fmt.Errorf("lwsws configuration: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "plugins"), 0o755); err != nil {
		return "", fmt.Errorf("lwsws configuration: %w", err)
	}
	conf, err := os.ReadFile(filepath.Join(src, "conf"))
	if err != nil {
		return "", fmt.Errorf("lwsws configuration: %w", err)
	}
	vhost, err := os.ReadFile(filepath.Join(src, "conf.d", "localhost"))
	if err != nil {
		return "", fmt.Errorf("lwsws configuration: %w", err)
	}
	v := string(vhost)
	for _, r := range [][2]string{
		{`"port": "7681",`, `"port": "` + strconv.Itoa(port) + `", "interface": "127.0.0.1",`},
		{`file://../../test-apps/test-server/mount-origin`, "file://" + filepath.Join(absRoot, "test-apps", "test-server", "mount-origin")},
	} {
		if !strings.Contains(v, r[0]) {
			return "", fmt.Errorf("lwsws configuration: %s no longer holds %s", filepath.Join(src, "conf.d", "localhost"), r[0])
		}
		v = strings.Replace(v, r[0], r[1], 1)
	}
	if err := os.WriteFile(filepath.Join(dir, "conf"), conf, 0o644); err != nil {
		return "", fmt.Errorf("lwsws configuration: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "conf.d", "localhost"), []byte(v), 0o644); err != nil {
		return "", fmt.Errorf("lwsws configuration: %w", err)
	}
	return dir, nil
}

// Command wsconform is a WebSocket conformance harness: the case list of
// the Autobahn testsuite (sections 1-7, 9, 10, 12 and 13, with Autobahn's
// case ids and verdict rules), written in Go, run against the lws-go
// examples next to a plain gorilla/websocket and a coder/websocket peer.
//
//	go run ./tools/wsconform [-mode both|fuzzingclient|fuzzingserver]
//	    [-impls lws-go,gorilla,coder] [-cases 1.*,6.4.*] [-exclude 9.*]
//	    [-slow] [-heavy] [-parallel 4] [-out wsconform-report] [-conformance CONFORMANCE.md]
//	go run ./tools/wsconform -serve 127.0.0.1:9001 [-cases ...] [-out dir]
//	go run ./tools/wsconform -target ws://localhost:7681/ [-cases ...] [-out dir]
//
// fuzzingclient: the harness is the client; it builds every frame of a
// case itself, byte for byte (fragmentation, chops, bad frames), sends it
// to ws-server/minimal-ws-server-echo, a gorilla echo server and a
// coder/websocket echo server, and judges what comes back.
//
// fuzzingserver: the harness listens like Autobahn's fuzzingserver
// (/runCase?case=N&agent=X, /getCaseCount, /getCaseInfo, /getCaseStatus,
// /updateReports) and ws-client/minimal-ws-client-echo runs once per case
// against it, as do a gorilla and a coder/websocket echo client. -serve
// runs only this server, for any client.
//
// -target runs the fuzzingclient side alone against an echo server that
// is already running (wstest -m fuzzingclient), for example an example
// started by hand.
//
// The report (report.md, a self-contained report.html and report.json)
// goes to -out;
// -conformance writes the per-section summary kept as CONFORMANCE.md. The
// exit status is 1 if a case FAILED for lws-go. Slow cases (the large
// messages of section 9) run with -slow, which CI=true turns on; heavy
// cases (compression with messages of 8 KB and more) with -heavy.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path"
	"strings"
	"sync"
	"syscall"
	"time"
)

type options struct {
	mode        string
	impls       []string
	include     []string
	exclude     []string
	slow        bool
	heavy       bool
	parallel    int
	lwsServer   string
	lwsClient   string
	verbose     bool
	command     string
	target      string
	progressOut func(string)
}

func main() {
	fs := flag.NewFlagSet("wsconform", flag.ExitOnError)
	mode := fs.String("mode", "both", "both, fuzzingclient (test the servers) or fuzzingserver (test the clients)")
	impls := fs.String("impls", "lws-go,gorilla,coder", "implementations to test: lws-go, gorilla, coder")
	cases := fs.String("cases", "", "case ids or patterns to run, comma separated (1.*,6.4.3); all if empty")
	exclude := fs.String("exclude", "", "case ids or patterns to leave out")
	slow := fs.Bool("slow", os.Getenv("CI") == "true", "run the slow cases too (section 9's large messages)")
	heavy := fs.Bool("heavy", false, "run the heavy cases too (12.x/13.x with messages of 8 KB and more: minutes per implementation and side)")
	parallel := fs.Int("parallel", 4, "cases run at the same time per implementation")
	out := fs.String("out", "wsconform-report", "directory for report.md, report.html and report.json")
	conf := fs.String("conformance", "", "also write the per-section summary (CONFORMANCE.md) to this file")
	serve := fs.String("serve", "", "only run the fuzzing server on this address (e.g. 127.0.0.1:9001) until interrupted")
	lwsServer := fs.String("lws-server", "", "prebuilt minimal-ws-server-echo (built from the workspace if empty)")
	lwsClient := fs.String("lws-client", "", "prebuilt minimal-ws-client-echo (built from the workspace if empty)")
	verbose := fs.Bool("v", false, "print every case result")
	target := fs.String("target", "", "only run the cases against the echo server already listening at this ws:// URL (e.g. ws://localhost:7681/)")
	_ = fs.Parse(os.Args[1:])

	opts := options{
		mode: *mode, impls: splitList(*impls), include: splitList(*cases), exclude: splitList(*exclude),
		slow: *slow, heavy: *heavy, parallel: *parallel, lwsServer: *lwsServer, lwsClient: *lwsClient, verbose: *verbose,
		command:     "go run ./tools/wsconform " + strings.Join(os.Args[1:], " "),
		target:      *target,
		progressOut: func(s string) { fmt.Fprintln(os.Stderr, s) },
	}
	if *serve != "" {
		if err := serveOnly(*serve, opts, *out); err != nil {
			fmt.Fprintln(os.Stderr, "wsconform:", err)
			os.Exit(2)
		}
		return
	}
	r, err := runHarness(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wsconform:", err)
		os.Exit(2)
	}
	if err := r.writeReports(*out); err != nil {
		fmt.Fprintln(os.Stderr, "wsconform:", err)
		os.Exit(2)
	}
	if *conf != "" {
		if err := os.WriteFile(*conf, []byte(r.conformance()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "wsconform: write conformance summary:", err)
			os.Exit(2)
		}
	}
	fmt.Print(r.summaryText())
	fmt.Printf("report: %s/report.{md,html,json}\n", *out)
	if failed := r.failedOurs(); len(failed) > 0 {
		fmt.Printf("FAILED: %s\n", strings.Join(failed, ", "))
		os.Exit(1)
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func matchAny(patterns []string, id string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, id); ok || p == id {
			return true
		}
	}
	return false
}

// selectCases applies -cases, -exclude and -slow.
func selectCases(opts options) []*caseSpec {
	var out []*caseSpec
	for _, c := range allCases {
		if len(opts.include) > 0 && !matchAny(opts.include, c.id) {
			continue
		}
		if matchAny(opts.exclude, c.id) || (c.slow && !opts.slow) || (c.heavy && !opts.heavy) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// skippedText says which cases -slow and -heavy left out.
func skippedText(opts options) string {
	var slow, heavy int
	for _, c := range allCases {
		if len(opts.include) > 0 && !matchAny(opts.include, c.id) || matchAny(opts.exclude, c.id) {
			continue
		}
		if c.slow && !opts.slow {
			slow++
		}
		if c.heavy && !opts.heavy {
			heavy++
		}
	}
	var parts []string
	if slow > 0 {
		parts = append(parts, fmt.Sprintf("%d slow cases of section 9 (large messages; -slow or CI=true runs them)", slow))
	}
	if heavy > 0 {
		parts = append(parts, fmt.Sprintf("%d heavy cases of sections 12 and 13 (messages of 8 KB and more, 1000 each way; -heavy runs them)", heavy))
	}
	return strings.Join(parts, ", ")
}

func buildImpls(names []string, bins *lwsBinaries, target string) ([]*impl, error) {
	if target != "" {
		im, err := targetImpl(target)
		if err != nil {
			return nil, err
		}
		return []*impl{im}, nil
	}
	var out []*impl
	for _, n := range names {
		switch n {
		case "lws-go":
			out = append(out, lwsImpl(bins))
		case "gorilla":
			out = append(out, gorillaImpl())
		case "coder", "coder/websocket", "coder-websocket":
			out = append(out, coderImpl())
		default:
			return nil, fmt.Errorf("unknown implementation %q (lws-go, gorilla, coder)", n)
		}
	}
	return out, nil
}

// runHarness runs the selected cases on the selected sides.
func runHarness(opts options) (*run, error) {
	cases := selectCases(opts)
	if len(cases) == 0 {
		return nil, errors.New("no case selected")
	}
	bins := &lwsBinaries{server: opts.lwsServer, client: opts.lwsClient}
	defer bins.cleanup()
	impls, err := buildImpls(opts.impls, bins, opts.target)
	if err != nil {
		return nil, err
	}
	if opts.target != "" {
		opts.mode = "fuzzingclient"
	}
	r := &run{command: opts.command, started: time.Now(), cases: cases, skipped: skippedText(opts), ours: map[string]bool{}}
	for _, im := range impls {
		r.ours[im.name] = im.ours
	}
	var mu sync.Mutex
	progress := func(side string) func(string, *result) {
		n := map[string]int{}
		return func(impl string, res *result) {
			mu.Lock()
			defer mu.Unlock()
			n[impl]++
			if opts.progressOut == nil {
				return
			}
			if opts.verbose || (res.verdict == vFailed && r.ours[impl]) {
				opts.progressOut(fmt.Sprintf("%s %s %s: %s (%s / %s) %s %s%s", side, impl, res.id, res.verdict, res.behavior, res.behaviorClose,
					res.result, res.resultClose, notesText(res.notes)))
			}
			if n[impl] == len(cases) {
				opts.progressOut(fmt.Sprintf("%s %s: %d cases done", side, impl, n[impl]))
			}
		}
	}
	if opts.mode == "both" || opts.mode == "fuzzingclient" {
		s, err := fuzzingClient(impls, cases, opts.parallel, progress("fuzzingclient"))
		if err != nil {
			return nil, err
		}
		r.sides = append(r.sides, s)
	}
	if opts.mode == "both" || opts.mode == "fuzzingserver" {
		s, err := fuzzingServer(impls, cases, opts.parallel, progress("fuzzingserver"))
		if err != nil {
			return nil, err
		}
		r.sides = append(r.sides, s)
	}
	if len(r.sides) == 0 {
		return nil, fmt.Errorf("unknown mode %q (both, fuzzingclient, fuzzingserver)", opts.mode)
	}
	return r, nil
}

// failedOurs lists the FAILED cases of lws-go (or of -target), as
// "side/case".
func (r *run) failedOurs() []string {
	var out []string
	for _, s := range r.sides {
		for _, im := range s.impls {
			if !r.ours[im] {
				continue
			}
			for _, c := range r.cases {
				if res := s.get(im, c.id); res != nil && res.verdict == vFailed {
					out = append(out, s.mode+"/"+c.id)
				}
			}
		}
	}
	return out
}

func (r *run) summaryText() string {
	var b strings.Builder
	for _, s := range r.sides {
		fmt.Fprintf(&b, "%s:\n", s.mode)
		for _, im := range s.impls {
			fmt.Fprintf(&b, "  %-16s %s\n", im, countText(s.counts(im, "")))
		}
	}
	return b.String()
}

// serveOnly is Autobahn's "wstest -m fuzzingserver": clients connect to
// /runCase?case=N&agent=X; /updateReports (and the end of the run)
// writes the report of every agent seen.
func serveOnly(addr string, opts options, out string) error {
	cases := selectCases(opts)
	srv, err := newFuzzServer(addr, cases)
	if err != nil {
		return err
	}
	report := func() error {
		srv.mu.Lock()
		s := &sideResults{mode: "fuzzingserver", title: "fuzzingserver: the harness as server, against the clients", results: map[string]map[string]*result{}}
		for agent, rs := range srv.results {
			s.impls = append(s.impls, agent)
			m := map[string]*result{}
			for id, res := range rs {
				m[id] = res
			}
			s.results[agent] = m
		}
		srv.mu.Unlock()
		r := &run{command: opts.command, started: time.Now(), cases: cases, sides: []*sideResults{s}}
		return r.writeReports(out)
	}
	srv.report = report
	fmt.Printf("wsconform fuzzing server on %s: %d cases (/getCaseCount), /runCase?case=N&agent=X, /updateReports\n", srv.url(), len(cases))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	srv.ln.Close()
	return report()
}

package main

import (
	"flag"
	"fmt"
	"github.com/gorilla/websocket"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// attackCfg is one attack command's settings.
type attackCfg struct {
	root, targets, attacks, tlsMode string
	build                           string // race, plain or both
	keepLogs                        string
	serverLog                       string

	n, conc    int           // cycles
	cycleLimit time.Duration // cycles: give up after this long
	stormDur   time.Duration
	attackers  int
	attackMsgs int
	attackSize int
	floodDur   time.Duration
	flooders   int
	bombMB     int
	bombs      int
	bombWait   time.Duration

	readers, echoers int
	pingEvery        time.Duration
	sendEvery        time.Duration
	answerTimeout    time.Duration

	warmup     int
	warmSettle time.Duration
	settle     time.Duration
	sampleIntv time.Duration
	rssTol     float64
	maxRSSMB   int
}

var attackNames = []string{"cycles", "storm", "pingflood", "deflatebomb"}

// attackFlags defines the attack command's flags on fs, with the full
// run's values as defaults.
func attackFlags(fs *flag.FlagSet) *attackCfg {
	c := &attackCfg{}
	fs.StringVar(&c.root, "root", ".", "the repository root (the examples are built from there)")
	fs.StringVar(&c.targets, "targets", "all", "comma-separated targets: all, or of "+targetNames())
	fs.StringVar(&c.attacks, "attacks", strings.Join(attackNames, ","), "comma-separated attacks to run")
	fs.StringVar(&c.tlsMode, "tls", "both", "plain (ws only), tls (wss only) or both; wss runs where the example has a TLS switch")
	fs.StringVar(&c.build, "build", "both", "race: run every attack on servers built with -race; plain: without; both: each attack on both builds "+
		"(a race build keeps the race detector's shadow memory, so its RSS is shown but only the plain build's is judged)")
	fs.StringVar(&c.keepLogs, "logs", "", "keep the servers' error output in this directory (default: a temporary one, removed)")
	fs.StringVar(&c.serverLog, "server-log", "3", "the servers' -d log mask (3: errors and warnings)")
	fs.IntVar(&c.n, "n", 20000, "cycles: connect/upgrade/close cycles")
	fs.IntVar(&c.conc, "c", 8, "cycles: connections at a time")
	fs.DurationVar(&c.cycleLimit, "cycles-limit", 10*time.Minute, "cycles: stop after this long even if -n is not reached")
	fs.DurationVar(&c.stormDur, "storm", 60*time.Second, "storm: duration")
	fs.IntVar(&c.attackers, "attackers", 16, "storm: attacker goroutines, each connecting, sending and resetting in turn")
	fs.IntVar(&c.attackMsgs, "attack-msgs", 8, "storm: messages each attacker connection sends before it leaves")
	fs.IntVar(&c.attackSize, "attack-size", 8192, "storm: attacker message size in bytes")
	fs.DurationVar(&c.floodDur, "flood", 30*time.Second, "pingflood: duration")
	fs.IntVar(&c.flooders, "flooders", 1, "pingflood: flooding connections")
	fs.IntVar(&c.bombMB, "bomb-mb", 1024, "deflatebomb: inflated size of one bomb in MB (about 1 KB on the wire per MB)")
	fs.IntVar(&c.bombs, "bombs", 1, "deflatebomb: bombs sent, one after the other on one connection")
	fs.DurationVar(&c.bombWait, "bomb-wait", 30*time.Second, "deflatebomb: how long the bomber stays connected")
	fs.IntVar(&c.readers, "readers", 8, "well-behaved clients that read broadcasts (chat, broker, feeds)")
	fs.IntVar(&c.echoers, "echoers", 4, "well-behaved echo clients, each with its own payloads (echo servers)")
	fs.DurationVar(&c.pingEvery, "ping-every", 100*time.Millisecond, "the prober's ping interval")
	fs.DurationVar(&c.sendEvery, "send-every", 20*time.Millisecond, "the broadcaster's and each echo client's message interval")
	fs.DurationVar(&c.answerTimeout, "answer-timeout", 5*time.Second, "a ping or echo not answered within this is unanswered")
	fs.IntVar(&c.warmup, "warmup", 300, "connections opened and closed before the baseline (256 or more also lets the core trim its memory)")
	fs.DurationVar(&c.warmSettle, "warm-settle", 3*time.Second, "wait after the warm-up before the baseline sample")
	fs.DurationVar(&c.settle, "settle", 10*time.Second, "after the attack, wait up to this long for descriptors and RSS to come back")
	fs.DurationVar(&c.sampleIntv, "sample-every", 100*time.Millisecond, "sampling interval during the attack")
	fs.Float64Var(&c.rssTol, "rss-tolerance", 0.10, "RSS after the settle may exceed the baseline by this fraction")
	fs.IntVar(&c.maxRSSMB, "max-rss-mb", 6144, "kill a server whose RSS passes this (the machine is shared); 0: no limit")
	return c
}

// quick are the -quick values, for flags not given explicitly.
var quick = map[string]string{
	"n": "1000", "storm": "5s", "flood": "3s", "bomb-mb": "64", "bomb-wait": "5s",
	"warmup": "300", "warm-settle": "2500ms", "settle": "5s", "answer-timeout": "2s", "cycles-limit": "2m",
}

func attackMain(args []string) error {
	fs := newFlags("attack")
	cfg := attackFlags(fs)
	q := fs.Bool("quick", false, "smaller counts and durations ("+quickList()+") for flags not given")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *q {
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		for name, val := range quick {
			if !given[name] {
				if err := fs.Set(name, val); err != nil {
					return fmt.Errorf("-quick: %s: %w", name, err)
				}
			}
		}
	}
	results, err := runAttacks(cfg, os.Stdout)
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range results {
		if len(r.fails) > 0 {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d runs failed their checks", failed, len(results))
	}
	return nil
}

func quickList() string {
	var s []string
	for _, name := range []string{"n", "storm", "flood", "bomb-mb", "bomb-wait", "warm-settle", "settle", "answer-timeout", "cycles-limit"} {
		s = append(s, "-"+name+" "+quick[name])
	}
	return strings.Join(s, " ")
}

// result is one attack on one target.
type result struct {
	target, attack string
	race           bool // the server was built with -race
	out            outcome
	base, peak     sample
	after          sample
	obs            *obsStats
	races, panics  int
	exitCode       int
	killed         bool
	firstFinding   string
	setupErr       string // the run could not be made (not a verdict on the server)
	fails          []string
}

// runAttacks builds the targets' servers and runs every attack on a fresh
// server process each, printing a row per run to w as it finishes and the
// failures at the end.
func runAttacks(cfg *attackCfg, w io.Writer) ([]result, error) {
	targets, err := expand(cfg.targets, cfg.tlsMode)
	if err != nil {
		return nil, err
	}
	var attacks []string
	for _, a := range strings.Split(cfg.attacks, ",") {
		a = strings.TrimSpace(a)
		ok := false
		for _, known := range attackNames {
			ok = ok || a == known
		}
		if !ok {
			return nil, fmt.Errorf("unknown attack %q (attacks: %s)", a, strings.Join(attackNames, ","))
		}
		attacks = append(attacks, a)
	}
	work, err := os.MkdirTemp("", "wsbench-attack")
	if err != nil {
		return nil, fmt.Errorf("work directory: %w", err)
	}
	defer os.RemoveAll(work)
	logs := work
	if cfg.keepLogs != "" {
		if err := os.MkdirAll(cfg.keepLogs, 0o755); err != nil {
			return nil, fmt.Errorf("-logs: %w", err)
		}
		logs = cfg.keepLogs
	}

	var builds []bool // with -race?
	switch cfg.build {
	case "race":
		builds = []bool{true}
	case "plain":
		builds = []bool{false}
	case "both":
		builds = []bool{true, false}
	default:
		return nil, fmt.Errorf("-build %q: want race, plain or both", cfg.build)
	}

	// Build every binary the targets need, two at a time (go build shares
	// its cache and the machine has two cores).
	pkgs := map[string]bool{}
	for _, t := range targets {
		pkgs[t.pkg] = true
		if t.proxy {
			pkgs["./test-apps/test-server"] = true
		}
	}
	type binKey struct {
		pkg  string
		race bool
	}
	bins := map[binKey]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var buildErr error
	slots := make(chan struct{}, 2)
	fmt.Fprintf(w, "building %d servers (-build %s)...\n", len(pkgs), cfg.build)
	for pkg := range pkgs {
		for _, race := range builds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				name := strings.ReplaceAll(strings.TrimPrefix(pkg, "./"), "/", "_")
				if race {
					name += "-race"
				}
				dir := filepath.Join(work, "bin", name)
				bin, err := "", os.MkdirAll(dir, 0o755)
				if err == nil {
					bin, err = buildRace(cfg.root, dir, pkg, race)
				}
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					buildErr = err
					return
				}
				bins[binKey{pkg, race}] = bin
			}()
		}
	}
	wg.Wait()
	if buildErr != nil {
		return nil, buildErr
	}

	for _, t := range targets {
		if t.note != "" && !t.tls {
			fmt.Fprintf(w, "  %s: %s\n", t.name, t.note)
		}
	}
	header(w)
	var results []result
	for _, t := range targets {
		for _, a := range attacks {
			if a == "deflatebomb" && !t.deflate {
				continue // the example does not offer permessage-deflate
			}
			for _, race := range builds {
				these := map[string]string{}
				for k, bin := range bins {
					if k.race == race {
						these[k.pkg] = bin
					}
				}
				r := runOne(cfg, t, a, race, logs, these)
				row(w, r)
				results = append(results, r)
			}
		}
	}
	summary(w, results, cfg)
	return results, nil
}

// warmExchange does once what a well-behaved client does (a ping, a
// compressed and a plain message of 64 KB), so the baseline includes the
// buffers and pools the server keeps for good after first use (its read
// buffer, inflater pools): what an attack grows is measured against a
// server that has served normal traffic. Errors are ignored: not every
// target echoes or negotiates compression.
func warmExchange(ep endpoint) {
	for _, compress := range []bool{true, false} {
		c, err := ep.dial(compress)
		if err != nil {
			continue
		}
		_ = c.ws.SetWriteDeadline(time.Now().Add(2 * time.Second))
		_ = c.ws.WriteControl(websocket.PingMessage, []byte("warm"), time.Now().Add(time.Second))
		_ = c.ws.WriteMessage(websocket.TextMessage, stamp("warm", 1, 64<<10))
		_ = c.ws.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		for {
			if _, _, err := c.ws.ReadMessage(); err != nil {
				break
			}
		}
		c.closeClean(2 * time.Second)
	}
}

// runOne starts a fresh server, warms it up, takes the baseline, runs the
// attack with the well-behaved clients watching and the sampler running,
// waits for the server to settle and judges. (r is named: the deferred
// stop adds the server's race reports and panics to it.)
func runOne(cfg *attackCfg, t target, attack string, race bool, logs string, bins map[string]string) (r result) {
	r = result{target: t.label(), attack: attack, race: race, obs: &obsStats{}}
	setup := func(err error) result {
		r.setupErr = err.Error()
		r.fails = append(r.fails, err.Error())
		return r
	}
	runLogs := filepath.Join(logs, attack+map[bool]string{true: "-race", false: ""}[race])
	if err := os.MkdirAll(runLogs, 0o755); err != nil {
		return setup(err)
	}
	l, err := startTarget(t, cfg.root, runLogs, bins, cfg.serverLog)
	if err != nil {
		return setup(err)
	}
	defer func() {
		r.exitCode = l.stop()
		r.races, r.panics, r.firstFinding = findings(l.v.errPath)
		if r.races > 0 || r.exitCode == 66 {
			r.fails = append(r.fails, fmt.Sprintf("DATA RACE (%d reports, exit %d; log %s)", r.races, r.exitCode, l.v.errPath))
		}
		if r.panics > 0 {
			r.fails = append(r.fails, fmt.Sprintf("panic (log %s)", l.v.errPath))
		}
	}()

	// Warm up, let the core trim, take the baseline.
	if cfg.warmup > 0 {
		wo := cycles(l.ep, t.kind, cfg.warmup, cfg.conc, time.Minute)
		if wo.errs > 0 {
			r.fails = append(r.fails, fmt.Sprintf("warm-up: %d of %d connections failed (first: %s)", wo.errs, cfg.warmup, wo.err))
		}
		warmExchange(l.ep)
	}
	// The baseline: RSS and threads at the end of the warm-settle, the
	// fewest descriptors seen during it (closes of the warm-up's
	// connections may still be under way at its start).
	minFDs := -1
	for end := time.Now().Add(cfg.warmSettle); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if s, err := l.v.take(); err == nil && (minFDs < 0 || s.fds < minFDs) {
			minFDs = s.fds
		}
	}
	base, err := l.v.take()
	if err != nil {
		return setup(err)
	}
	if minFDs >= 0 {
		base.fds = min(base.fds, minFDs)
	}
	r.base = base
	smp := startSampler(l.v, cfg.sampleIntv, cfg.maxRSSMB*1024)

	obs, err := startObservers(observerCfg{
		kind: t.kind, ep: l.ep, readers: cfg.readers, echoers: cfg.echoers,
		pingEvery: cfg.pingEvery, sendEvery: cfg.sendEvery, answerTimeout: cfg.answerTimeout,
	})
	if err != nil {
		r.peak, r.killed = smp.stop()
		return setup(err)
	}
	switch attack {
	case "cycles":
		r.out = cycles(l.ep, t.kind, cfg.n, cfg.conc, cfg.cycleLimit)
	case "storm":
		r.out = storm(l.ep, t.kind, cfg.attackers, cfg.attackMsgs, cfg.attackSize, cfg.stormDur)
	case "pingflood":
		r.out = pingflood(l.ep, cfg.flooders, cfg.floodDur)
	case "deflatebomb":
		r.out = deflatebomb(l.ep, cfg.bombMB, cfg.bombs, cfg.bombWait)
	}
	r.obs = obs.stop()

	// Settle: every connection is closed; wait for the descriptors and
	// the RSS to come back.
	deadline := time.Now().Add(cfg.settle)
	for range loopCap {
		s, err := l.v.take()
		if err != nil {
			break // gone: judged below
		}
		r.after = s
		rssBack := race || float64(s.rssKB) <= float64(base.rssKB)*(1+cfg.rssTol)
		if (s.fds <= base.fds && rssBack) || time.Now().After(deadline) {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	r.peak, r.killed = smp.stop()
	gone := l.v.exited() || (t.lwsws && l.v.pid() == 0)
	judge(&r, cfg, gone)
	return r
}

// judge lists why a run failed.
func judge(r *result, cfg *attackCfg, gone bool) {
	o := r.obs
	add := func(format string, a ...any) { r.fails = append(r.fails, fmt.Sprintf(format, a...)) }
	switch {
	case r.killed:
		add("killed: RSS passed -max-rss-mb %d", cfg.maxRSSMB)
	case gone:
		add("the server exited during the run")
	default:
		if r.after.fds > r.base.fds {
			add("descriptors %d after the settle, %d before", r.after.fds, r.base.fds)
		}
		if !r.race && float64(r.after.rssKB) > float64(r.base.rssKB)*(1+cfg.rssTol) {
			add("RSS %s after the settle, more than %.0f%% over the baseline %s", mb(r.after.rssKB), cfg.rssTol*100, mb(r.base.rssKB))
		}
	}
	if n := o.wrong.Load(); n > 0 {
		add("%d messages delivered to the wrong connection", n)
	}
	if n := o.garbled.Load(); n > 0 {
		add("%d garbled or out-of-order messages", n)
	}
	if n := o.unanswered.Load() + o.echoLate.Load(); n > 0 {
		add("%d pings or echoes unanswered within %s", n, cfg.answerTimeout)
	}
	if n := o.drops.Load(); n > 0 {
		add("%d well-behaved connections lost", n)
	}
	if r.out.errs > 0 {
		add("%d attack connections failed (first: %s)", r.out.errs, r.out.err)
	}
	if e, ok := o.firstErr.Load().(string); ok && (o.drops.Load() > 0 || o.garbled.Load() > 0 || o.wrong.Load() > 0) {
		add("first well-behaved client error: %s", e)
	}
}

func mb(kb int) string { return fmt.Sprintf("%.1fM", float64(kb)/1024) }

const rowFormat = "%-34s %-11s %-5s %7s %7s %8s %13s %11s %11s %8s %7s %5s %5s %5s %s\n"

func header(w io.Writer) {
	fmt.Fprintf(w, rowFormat, "target", "attack", "build", "rss0", "peak", "after", "fds 0/pk/aft", "thr 0/pk/aft", "pings/unans", "maxrtt", "msgs", "wrong", "garbl", "race", "verdict")
}

func row(w io.Writer, r result) {
	o := r.obs
	verdict := "ok"
	if len(r.fails) > 0 {
		verdict = "FAIL"
	}
	if r.out.skip != "" {
		verdict += " (skipped: " + r.out.skip + ")"
	}
	rtt := time.Duration(o.maxRTT.Load()).Round(time.Millisecond)
	build, after := "plain", mb(r.after.rssKB)
	if r.race {
		build, after = "race", "("+after+")"
	}
	fmt.Fprintf(w, rowFormat, r.target, r.attack, build, mb(r.base.rssKB), mb(r.peak.rssKB), after,
		fmt.Sprintf("%d/%d/%d", r.base.fds, r.peak.fds, r.after.fds),
		fmt.Sprintf("%d/%d/%d", r.base.threads, r.peak.threads, r.after.threads),
		fmt.Sprintf("%d/%d", o.pings.Load(), o.unanswered.Load()+o.echoLate.Load()),
		rtt, fmt.Sprint(o.msgs.Load()), fmt.Sprint(o.wrong.Load()), fmt.Sprint(o.garbled.Load()),
		fmt.Sprintf("%d/%d", r.races, r.panics), verdict)
	if r.out.detail != "" {
		fmt.Fprintf(w, "%-34s %-11s %-5s   %s\n", "", "", "", r.out.detail)
	}
}

func summary(w io.Writer, results []result, cfg *attackCfg) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "columns: rss0/peak/after = the server's VmRSS at the baseline, its peak, after the settle (up to -settle;")
	fmt.Fprintln(w, "in parentheses for race builds, whose shadow memory stays: not judged);")
	fmt.Fprintln(w, "fds and thr = open descriptors and threads, same three points; pings/unans = the prober's pings and the")
	fmt.Fprintln(w, "pings and echoes not answered within -answer-timeout; msgs = messages the well-behaved clients checked;")
	fmt.Fprintln(w, "wrong = echoes of another connection's message; garbl = garbled or out-of-order; race = race reports/panics.")
	failed := 0
	for _, r := range results {
		if len(r.fails) == 0 {
			continue
		}
		if failed == 0 {
			fmt.Fprintln(w, "\nfailures:")
		}
		failed++
		fmt.Fprintf(w, "  %s, %s:\n", r.target, r.attack)
		for _, f := range r.fails {
			fmt.Fprintf(w, "    - %s\n", f)
		}
		if r.firstFinding != "" {
			fmt.Fprintf(w, "      %s\n", strings.ReplaceAll(r.firstFinding, "\n", "\n      "))
		}
	}
	fmt.Fprintf(w, "\n%d runs, %d failed\n", len(results), failed)
	if cfg.keepLogs == "" && failed > 0 {
		fmt.Fprintln(w, "(server logs are removed at exit: -logs DIR keeps them)")
	}
}

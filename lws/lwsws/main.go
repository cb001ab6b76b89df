package lwsws

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// instanceEnv marks a process as a serving instance started by the lwsws
// master process; its value is the instance number.
const instanceEnv = "LWSWS_INSTANCE"

// readyTimeout bounds how long a new instance may take to load its
// configuration and plugins and bind its ports.
const readyTimeout = time.Minute

// Switches are lwsws's command line (lws's lwsws takes -c and -d too).
var Switches = cmdline.Switches{
	{Name: "-c", Kind: cmdline.String, Arg: "config dir", Default: "/etc/lwsws", Help: "configuration directory: conf and conf.d/*"},
	{Name: "--data-dir", Kind: cmdline.String, Arg: "dir", Default: "/usr/local/share", Help: "what _lws_ddir_ in a file:// origin expands to"},
}

// Main is the lwsws command: `lwsws [-c <config dir>] [-d <log mask>]
// [--data-dir <dir>]`; it returns the exit status. As in lws, a master
// process starts a serving instance and stays to handle signals. On
// SIGHUP it starts a new instance with the configuration and plugins as
// they are now; once that one serves, the old one is deprecated (it stops
// listening and exits when its last connection closes). If the new one
// fails, the old one goes on serving. SIGINT and SIGTERM stop everything.
func Main(args []string, stderr io.Writer) int {
	o, err := Switches.Parse(args)
	if err != nil {
		return cmdline.Report(err, os.Stdout, stderr)
	}
	log := logs.New(stderr, o.LogLevel())
	if n := os.Getenv(instanceEnv); n != "" {
		return runInstance(o, n, log)
	}
	return runMaster(args, stderr, log)
}

func options(o *cmdline.Values, log *slog.Logger) (dir string, opts Options) {
	return o.String("-c"), Options{Logger: log, DataDir: o.String("--data-dir"), ListenShare: true}
}

// runInstance is one serving process: configuration, plugins, context;
// "ready" to the master on fd 3; then service until stopped or, after a
// SIGHUP, until its last connection closes.
func runInstance(o *cmdline.Values, n string, log *slog.Logger) int {
	dir, opts := options(o, log)
	ready := os.NewFile(3, "lwsws-ready")
	// A failure goes to the master, which logs it once (with what it
	// means: not started, or the old instance keeps serving).
	fail := func(err error) int {
		if ready == nil {
			logs.Errf(log, "lwsws: %v", err)
			return 1
		}
		fmt.Fprintf(ready, "error: %v\n", err)
		ready.Close()
		return 1
	}
	cfg, err := Load(dir)
	if err != nil {
		return fail(err)
	}
	c, err := NewContext(cfg, opts)
	if err != nil {
		return fail(err)
	}
	if err := dropPrivileges(cfg.Global); err != nil {
		c.Destroy()
		return fail(err)
	}
	var ports []string
	for _, vh := range c.Vhosts() {
		ports = append(ports, vh.Name()+":"+strconv.Itoa(vh.Port()))
	}
	logs.Userf(log, "lwsws instance %s serving %s (plugins: %s)", n, strings.Join(ports, " "), strings.Join(lws.Plugins(), ", "))
	if ready != nil {
		fmt.Fprintln(ready, "ready")
		ready.Close()
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		for s := range sigs {
			if s == syscall.SIGHUP {
				logs.Noticef(log, "lwsws instance %s: dropping listen sockets, serving open connections until they close", n)
				c.Deprecate(nil)
				continue
			}
			c.Stop()
		}
	}()
	if err := c.Run(context.Background()); err != nil {
		logs.Errf(log, "lwsws instance %s: %v", n, err)
		return 1
	}
	logs.Noticef(log, "lwsws instance %s exits", n)
	return 0
}

// instance is a serving process seen from the master.
type instance struct {
	n      int
	cmd    *exec.Cmd
	exited chan error
}

// startInstance starts instance n and waits until it serves or fails.
func startInstance(n int, args []string, stderr io.Writer) (*instance, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("lwsws: own executable: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("lwsws: pipe: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(exe, args[1:]...)
	cmd.Env = append(os.Environ(), instanceEnv+"="+strconv.Itoa(n))
	cmd.Stdout, cmd.Stderr = os.Stdout, stderr
	cmd.ExtraFiles = []*os.File{w} // fd 3: the ready line
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("lwsws: start instance %d: %w", n, err)
	}
	w.Close()
	inst := &instance{n: n, cmd: cmd, exited: make(chan error, 1)}
	go func() { inst.exited <- cmd.Wait() }()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		if s == "ready" {
			return inst, nil
		}
		<-inst.exited
		if s == "" {
			s = "exited before serving"
		}
		return nil, fmt.Errorf("instance %d: %s", n, strings.TrimPrefix(s, "error: "))
	case <-time.After(readyTimeout):
		_ = cmd.Process.Kill()
		<-inst.exited
		return nil, fmt.Errorf("instance %d: not serving after %s", n, readyTimeout)
	}
}

// runMaster starts the first instance and handles signals.
func runMaster(args []string, stderr io.Writer, log *slog.Logger) int {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)

	current, err := startInstance(1, args, stderr)
	if err != nil {
		logs.Errf(log, "lwsws: not serving: %v", err)
		return 1
	}
	next := 2
	draining := map[*instance]bool{}
	exits := make(chan *instance, 8)
	watch := func(in *instance) {
		go func() {
			err := <-in.exited
			in.exited <- err // keep it readable for whoever waits later
			exits <- in
		}()
	}
	watch(current)
	stopAll := func() {
		for in := range draining {
			_ = in.cmd.Process.Signal(syscall.SIGTERM)
		}
		_ = current.cmd.Process.Signal(syscall.SIGTERM)
		for range len(draining) + 1 {
			<-exits
		}
	}
	for {
		select {
		case s := <-sigs:
			if s != syscall.SIGHUP {
				logs.Noticef(log, "lwsws: %v: stopping", s)
				stopAll()
				return 0
			}
			logs.Noticef(log, "lwsws: SIGHUP: starting instance %d with the current configuration", next)
			fresh, err := startInstance(next, args, stderr)
			next++
			if err != nil {
				logs.Errf(log, "lwsws: reload failed, instance %d keeps serving: %v", current.n, err)
				continue
			}
			_ = current.cmd.Process.Signal(syscall.SIGHUP)
			draining[current] = true
			logs.Noticef(log, "lwsws: instance %d serving; instance %d draining", fresh.n, current.n)
			current = fresh
			watch(current)
		case in := <-exits:
			if draining[in] {
				delete(draining, in)
				logs.Noticef(log, "lwsws: instance %d drained and exited", in.n)
				continue
			}
			logs.Errf(log, "lwsws: instance %d exited unexpectedly: %v", in.n, <-in.exited)
			for d := range draining {
				_ = d.cmd.Process.Signal(syscall.SIGTERM)
			}
			return 1
		}
	}
}

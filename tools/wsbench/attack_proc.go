package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// victim is a server process under attack. Its error output goes to a
// file, searched afterwards for race reports and panics. lwsws serves from
// a child process of its own (the instance); the measured process is then
// that child.
type victim struct {
	name    string
	cmd     *exec.Cmd
	addr    string
	errPath string
	errFile *os.File
	child   bool // measure the first child process, not the process itself

	done    chan struct{}
	waitErr error
}

// startVictim runs bin with args (in dir), its error output to errPath,
// and waits until addr accepts TCP connections.
func startVictim(name, dir, addr, errPath string, child bool, bin string, args ...string) (*victim, error) {
	f, err := os.Create(errPath)
	if err != nil {
		return nil, fmt.Errorf("%s: error log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	v := &victim{name: name, cmd: cmd, addr: addr, errPath: errPath, errFile: f, child: child, done: make(chan struct{})}
	go func() {
		v.waitErr = cmd.Wait()
		close(v.done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-v.done:
			f.Close()
			return nil, fmt.Errorf("%s exited before listening on %s: %v\n%s", name, addr, v.waitErr, tail(errPath, 20))
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			if !child || v.pid() != 0 {
				return v, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	v.stop()
	return nil, fmt.Errorf("%s did not listen on %s within 30 s:\n%s", name, addr, tail(errPath, 20))
}

// pid is the measured process: the victim, or for lwsws its serving
// instance (0 while there is none).
func (v *victim) pid() int {
	p := v.cmd.Process.Pid
	if !v.child {
		return p
	}
	// A child belongs to the thread that started it: look in every one.
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", p))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			c, _ := strconv.Atoi(f[0])
			return c
		}
	}
	return 0
}

// exited reports whether the victim process is gone.
func (v *victim) exited() bool {
	select {
	case <-v.done:
		return true
	default:
		return false
	}
}

// stop ends the victim with SIGTERM (lwsws then stops its instances), and
// kills it and its instance by pid if it is still there after 10 s. It
// returns the exit status (66 is the race detector's).
func (v *victim) stop() int {
	inst := 0
	if v.child {
		inst = v.pid()
	}
	_ = v.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-v.done:
	case <-time.After(10 * time.Second):
		_ = v.cmd.Process.Kill()
		<-v.done
	}
	if inst != 0 {
		// The master waits for its instance, so it is gone by now unless
		// the master was killed.
		if p, err := os.FindProcess(inst); err == nil && processAlive(inst) {
			_ = p.Kill()
		}
	}
	v.errFile.Close()
	var ee *exec.ExitError
	if errors.As(v.waitErr, &ee) {
		return ee.ExitCode()
	}
	return 0
}

func processAlive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}

// sample is one look at the measured process.
type sample struct {
	rssKB, fds, threads int
}

// take reads VmRSS and Threads from /proc/<pid>/status and counts
// /proc/<pid>/fd.
func (v *victim) take() (sample, error) {
	pid := v.pid()
	if pid == 0 {
		return sample{}, fmt.Errorf("%s: no serving process", v.name)
	}
	var s sample
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("%s: read status: %w", v.name, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if val, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			s.rssKB, _ = strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "kB")))
		}
		if val, ok := strings.CutPrefix(line, "Threads:"); ok {
			s.threads, _ = strconv.Atoi(strings.TrimSpace(val))
		}
	}
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, fmt.Errorf("%s: count descriptors: %w", v.name, err)
	}
	s.fds = len(ents)
	return s, nil
}

// sampler samples the victim every interval, keeping the peaks, and kills
// it if its RSS passes limitKB (the machine is shared).
type sampler struct {
	v       *victim
	limitKB int
	stopc   chan struct{}
	wg      sync.WaitGroup

	mu     sync.Mutex
	peak   sample
	killed bool
}

func startSampler(v *victim, every time.Duration, limitKB int) *sampler {
	s := &sampler{v: v, limitKB: limitKB, stopc: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for range loopCap {
			s.once()
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) once() {
	cur, err := s.v.take()
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peak.rssKB = max(s.peak.rssKB, cur.rssKB)
	s.peak.fds = max(s.peak.fds, cur.fds)
	s.peak.threads = max(s.peak.threads, cur.threads)
	if s.limitKB > 0 && cur.rssKB > s.limitKB && !s.killed {
		s.killed = true
		if pid := s.v.pid(); pid != 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func (s *sampler) stop() (peak sample, killed bool) {
	close(s.stopc)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak, s.killed
}

// findings scans an error log for race reports and panics and returns
// their counts and the first few lines of the first one.
func findings(path string) (races, panics int, first string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, ""
	}
	races = bytes.Count(b, []byte("WARNING: DATA RACE"))
	panics = bytes.Count(b, []byte("\npanic: ")) + bytes.Count(b, []byte("\nfatal error: "))
	if bytes.HasPrefix(b, []byte("panic: ")) || bytes.HasPrefix(b, []byte("fatal error: ")) {
		panics++
	}
	for _, marker := range []string{"WARNING: DATA RACE", "panic: ", "fatal error: "} {
		if i := bytes.Index(b, []byte(marker)); i >= 0 {
			lines := strings.SplitN(string(b[i:]), "\n", 16)
			first = strings.Join(lines[:min(len(lines), 15)], "\n")
			break
		}
	}
	return races, panics, first
}

// tail is the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// buildRace compiles a package of the workspace (relative to root) into
// dir, with the race detector if race is set.
func buildRace(root, dir, pkg string, race bool) (string, error) {
	out := filepath.Join(dir, filepath.Base(pkg))
	args := []string{"build"}
	if race {
		args = append(args, "-race")
	}
	args = append(args, "-o", out, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// freePort asks the kernel for a port nobody listens on.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// freeAddrs are n free loopback addresses and their ports, for the
// servers a benchmark starts side by side.
func freeAddrs(n int) (addrs, ports []string, err error) {
	for range n {
		p, err := freePort()
		if err != nil {
			return nil, nil, err
		}
		ports = append(ports, strconv.Itoa(p))
		addrs = append(addrs, "127.0.0.1:"+ports[len(ports)-1])
	}
	return addrs, ports, nil
}

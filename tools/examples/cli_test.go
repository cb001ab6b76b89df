package examples

import (
	"bytes"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// result is how a short run of a binary ended.
type result struct {
	code           int
	stdout, stderr string
}

// runFor runs bin with args, which must end on its own within 10 s (a
// program that started serving instead of refusing its arguments does
// not).
func runFor(t *testing.T, bin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s %s was still running after 10 s:\n%s%s", filepath.Base(bin), strings.Join(args, " "), stdout.String(), stderr.String())
	}
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// helpSwitch is a line of --help: the switch's spellings and its help.
type helpSwitch struct {
	spellings []string
	help      string
}

// builtins are in every example's help; READMEs need not list them.
var builtins = []string{"-d", "--ignore-sigterm", "--help", "-h"}

// parseHelp reads the switch lines of --help ("  --port, -p <port>  port
// to listen on (default 7681)").
func parseHelp(out string) []helpSwitch {
	var sws []helpSwitch
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "  ") {
			continue
		}
		names, help, _ := strings.Cut(strings.TrimSpace(l), "  ")
		var sw helpSwitch
		for _, n := range strings.Split(names, ", ") {
			if n = strings.Fields(n)[0]; strings.HasPrefix(n, "-") {
				sw.spellings = append(sw.spellings, n)
			}
		}
		if len(sw.spellings) > 0 {
			sw.help = strings.TrimSpace(help)
			sws = append(sws, sw)
		}
	}
	return sws
}

// readmeFlag finds a flag in a README's flag table: a backticked word
// starting with "-" in the first column.
var readmeFlag = regexp.MustCompile("`(-[^` ]+)[^`]*`")

// readmeFlags are the flags a README's "| flag | meaning |" tables list.
func readmeFlags(t *testing.T, example string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, example, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var flags []string
	inTable := false
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(l, "| flag |"):
			inTable = true
		case !strings.HasPrefix(l, "|"):
			inTable = false
		case inTable:
			first, _, _ := strings.Cut(strings.TrimPrefix(l, "|"), "|")
			for _, m := range readmeFlag.FindAllStringSubmatch(first, -1) {
				flags = append(flags, m[1])
			}
		}
	}
	return flags
}

// Every example's binary: --help exits 0 and lists exactly the flags its
// README's table lists (besides the builtins every example has); an
// unknown option, a malformed value and a missing value each exit 2 with
// one line naming them, without starting anything.
func TestEveryExampleCommandLine(t *testing.T) {
	for _, ex := range examples {
		t.Run(ex, func(t *testing.T) {
			b := bin(t, ex)
			h := runFor(t, b, "--help")
			if h.code != 0 || h.stderr != "" || !strings.HasPrefix(h.stdout, "Usage: "+filepath.Base(b)+" ") {
				t.Fatalf("--help: exit %d, stderr %q, stdout:\n%s", h.code, h.stderr, h.stdout)
			}
			var spellings, own []string
			for _, sw := range parseHelp(h.stdout) {
				spellings = append(spellings, sw.spellings...)
				if !slices.Contains(builtins, sw.spellings[0]) {
					own = append(own, sw.spellings...)
				}
			}
			readme := readmeFlags(t, ex)
			if len(readme) == 0 {
				t.Errorf("README.md has no | flag | meaning | table")
			}
			for _, f := range readme {
				if !slices.Contains(spellings, f) {
					t.Errorf("README.md lists %s; --help does not:\n%s", f, h.stdout)
				}
			}
			for _, f := range own {
				if !slices.Contains(readme, f) {
					t.Errorf("--help lists %s; README.md's table does not", f)
				}
			}
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--no-such-option"}, "unknown option --no-such-option"},
				{[]string{"-d", "lots"}, "-d lots: not a number"},
				{[]string{"-d"}, "-d needs a value"},
			} {
				r := runFor(t, b, tc.args...)
				if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) {
					t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", tc.args, r.code, r.stdout, r.stderr, tc.want)
				}
			}
		})
	}
}

// freePort finds a port nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Every server (an example whose --port listens) answers on the port
// --port names, over HTTP or HTTPS (the SS proxy, which speaks its own
// protocol, accepts the connection), refuses --port abc with exit 2, and
// exits 0 on Ctrl-C.
func TestEveryServerListensOnItsPort(t *testing.T) {
	servers := 0
	for _, ex := range examples {
		b := bin(t, ex)
		h := runFor(t, b, "--help")
		var extra []string // other ports: 0, so nothing else is needed
		isServer := false
		for _, sw := range parseHelp(h.stdout) {
			switch {
			case sw.spellings[0] == "--port" && strings.Contains(sw.help, "listen"):
				isServer = true
			case strings.Contains(sw.help, "(0: any free port)"):
				extra = append(extra, sw.spellings[0], "0")
			}
		}
		if !isServer {
			continue
		}
		servers++
		t.Run(ex, func(t *testing.T) {
			r := runFor(t, b, "--port", "abc")
			if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "--port abc: not a number") {
				t.Errorf("--port abc: exit %d, stderr %q", r.code, r.stderr)
			}
			port := freePort(t)
			cmd := exec.Command(b, append([]string{"--port", strconv.Itoa(port)}, extra...)...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			defer func() {
				_ = cmd.Process.Signal(os.Interrupt)
				select {
				case err := <-done:
					if err != nil {
						t.Errorf("exit after Ctrl-C: %v\n%s", err, out.String())
					}
				case <-time.After(10 * time.Second):
					_ = cmd.Process.Kill()
					t.Errorf("still running 10 s after Ctrl-C:\n%s", out.String())
				}
			}()
			addr := "127.0.0.1:" + strconv.Itoa(port)
			deadline := time.Now().Add(20 * time.Second)
			for {
				c, err := net.Dial("tcp", addr)
				if err == nil {
					c.Close()
					break
				}
				if !errors.Is(err, syscall.ECONNREFUSED) || time.Now().After(deadline) {
					t.Fatalf("nothing answers on %s: %v\n%s", addr, err, out.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			if strings.HasSuffix(ex, "-proxy") && strings.HasPrefix(ex, "secure-streams/") || rawOnly[ex] {
				return // speaks no HTTP: accepting the connection is the answer
			}
			if err := answersHTTP(addr); err != nil {
				t.Fatalf("%s: %v\n%s", addr, err, out.String())
			}
		})
	}
	if servers < 14 {
		t.Fatalf("found %d servers, want at least 14", servers)
	}
}

// rawOnly are the servers whose listener speaks no HTTP at all.
var rawOnly = map[string]bool{"raw/minimal-raw-vhost": true, "raw/minimal-raw-proxy": true}

// answersHTTP gets / over HTTP, then HTTPS; any HTTP response will do (a
// TLS server answers plain HTTP with a 400 of its own).
func answersHTTP(addr string) error {
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
	}
	var errs []error
	for _, scheme := range []string{"http", "https"} {
		resp, err := client.Get(scheme + "://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

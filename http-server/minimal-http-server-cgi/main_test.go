package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"go.uber.org/goleak"
)

func start(t *testing.T, args ...string) (*lws.Context, *lwstest.LogBuffer) {
	t.Helper()
	logBuf := new(lwstest.LogBuffer)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-http-server-cgi", "--port", "0"}, args...)), logBuf, ready)
	})
	return c, logBuf
}

// writeScript makes an executable shell script for a test.
func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "script.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

// The example's own script: GET shows the method and /proc/meminfo, its
// stderr line reaches the log; POST's body reaches the script's stdin.
func TestScriptGetAndPost(t *testing.T) {
	c, logBuf := start(t)
	base := "http://" + c.Vhosts()[0].Addr()
	r := lwstest.Curl(t, base+"/some/path?x=1")
	if r.Status != 200 || !strings.Contains(r.Body, "REQUEST_METHOD=GET") || !strings.Contains(r.Body, "PATH_INFO=/some/path QUERY_STRING=x=1") ||
		!strings.Contains(r.Body, "MemTotal") || !strings.Contains(r.Body, `id="done"`) || r.Header.Get("X-Script") != "my-cgi-script.sh" {
		t.Fatalf("GET: %d %q", r.Status, r.Body)
	}
	logBuf.Wait(t, "cgi stderr: lws-go test script stderr: REQUEST_METHOD was GET", 5*time.Second)
	r = lwstest.Curl(t, "--data-binary", "hello <cgi>", base+"/")
	if r.Status != 200 || !strings.Contains(r.Body, `read="hello &lt;cgi&gt;"`) || !strings.Contains(r.Body, "CONTENT_LENGTH=11") {
		t.Fatalf("POST: %d %q", r.Status, r.Body)
	}
	logBuf.Wait(t, "cgi stderr: lws-go test script stderr: done read", 5*time.Second)
}

// The environment follows CGI/1.1 (RFC 3875 4.1), with HTTP_* fields but
// no HTTP_PROXY (httpoxy) and no credentials.
func TestEnvironment(t *testing.T) {
	c, _ := start(t, "--script", writeScript(t, "printf 'Content-Type: text/plain\\r\\n\\r\\n'; env | sort\n"))
	r := lwstest.Curl(t, "-H", "Proxy: http://evil.example", "-H", "X-Custom: yes", "-u", "u:p", "--data-binary", "abc", "-H", "Content-Type: text/x-test",
		"http://"+c.Vhosts()[0].Addr()+"/dir/file?q=1")
	for _, want := range []string{
		"GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=POST", "SCRIPT_NAME=\n", "PATH_INFO=/dir/file", "QUERY_STRING=q=1",
		"REQUEST_URI=/dir/file?q=1", "SERVER_PROTOCOL=HTTP/1.1", "SERVER_NAME=127.0.0.1", "REMOTE_ADDR=127.0.0.1",
		"CONTENT_LENGTH=3", "CONTENT_TYPE=text/x-test", "HTTP_X_CUSTOM=yes", "HTTP_USER_AGENT=curl",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("no %q in\n%s", want, r.Body)
		}
	}
	for _, not := range []string{"HTTP_PROXY", "HTTP_AUTHORIZATION", "HTTPS="} {
		if strings.Contains(r.Body, not) {
			t.Errorf("%s in the environment", not)
		}
	}
}

// Output is streamed: the first line arrives while the script still runs.
func TestOutputIsStreamed(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "go-on")
	if err := exec.Command("mkfifo", fifo).Run(); err != nil {
		t.Skip("mkfifo:", err)
	}
	c, _ := start(t, "--script", writeScript(t, fmt.Sprintf("printf 'Content-Type: text/plain\\r\\n\\r\\n'; echo first; read x < %s; echo second\n", fifo)))
	resp, err := http.Get("http://" + c.Vhosts()[0].Addr() + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first line: %q %v", line, err)
	}
	// Only now may the script finish.
	os.WriteFile(fifo, []byte("go\n"), 0o600)
	rest, _ := io.ReadAll(br)
	if string(rest) != "second\n" {
		t.Fatalf("rest: %q", rest)
	}
}

// A script that never answers is killed at the timeout: 504, logged, and
// nothing it started outlives it.
func TestHangingScriptIsKilled(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	c, logBuf := start(t, "--cgi-timeout", "1", "--script", writeScript(t, fmt.Sprintf("sleep 1000 & echo $! > %s; wait\n", pidFile)))
	r := lwstest.Curl(t, "http://"+c.Vhosts()[0].Addr()+"/")
	if r.Status != 504 || !strings.Contains(r.Body, "ran past its 1s timeout") {
		t.Fatalf("%d %q", r.Status, r.Body)
	}
	logBuf.Wait(t, "cgi: script killed", 5*time.Second)
	pid, _ := os.ReadFile(pidFile)
	if !gone(strings.TrimSpace(string(pid))) {
		t.Fatalf("the script's child %s outlived it", pid)
	}
	// A script that answers, then hangs: the response is cut off, not
	// ended as if it were whole.
	c2, _ := start(t, "--cgi-timeout", "1", "--script", writeScript(t, "printf 'Content-Type: text/plain\\r\\n\\r\\n'; echo partial; sleep 1000\n"))
	resp, err := http.Get("http://" + c2.Vhosts()[0].Addr() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || string(body) != "partial\n" {
		t.Fatalf("cut-off body: %q, err %v (want an error)", body, err)
	}
}

// gone reports whether process pid has ended (a zombie waiting for a
// parent that does not reap it counts as ended), waiting a little for
// the kill to land.
func gone(pid string) bool {
	for range 100 {
		stat, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			return true
		}
		if f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:])); len(f) > 0 && f[0] == "Z" {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// A script that floods its stdout is killed at the output limit, the
// response cut off; one that floods stderr fills the log only so far;
// one that floods headers is refused with 502.
func TestFloodingScriptsAreBounded(t *testing.T) {
	c, logBuf := start(t, "--cgi-max-output", "1000000", "--script", writeScript(t, "printf 'Content-Type: text/plain\\r\\n\\r\\n'; exec yes 0123456789abcdef\n"))
	conn, err := net.Dial("tcp", c.Vhosts()[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil || n > 1000000 {
		t.Fatalf("read %d bytes, err %v: want at most 1000000 and a cut-off", n, err)
	}
	logBuf.Wait(t, "cgi: output over the limit", 5*time.Second)
	logBuf.Wait(t, "wrote more than 1000000 bytes", 5*time.Second)

	c2, logBuf2 := start(t, "--script", writeScript(t, "yes 'stderr flood' | head -c 10000000 >&2; printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'\n"))
	if r := lwstest.Curl(t, "http://"+c2.Vhosts()[0].Addr()+"/"); r.Status != 200 || r.Body != "ok\n" {
		t.Fatalf("after a stderr flood: %d %q", r.Status, r.Body)
	}
	logBuf2.Wait(t, "cgi stderr: the rest is not logged", 5*time.Second)
	if n := strings.Count(logBuf2.String(), "stderr flood"); n > 10000 {
		t.Fatalf("%d stderr lines logged", n)
	}

	c3, _ := start(t, "--script", writeScript(t, "while :; do echo 'X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'; done\n"))
	if r := lwstest.Curl(t, "http://"+c3.Vhosts()[0].Addr()+"/"); r.Status != 502 {
		t.Fatalf("header flood: %d %q", r.Status, r.Body)
	}
}

// Scripts that break the protocol: no Content-Type, no header block, a
// bad Status; each a 502 with the reason in the log.
func TestBadScripts(t *testing.T) {
	for name, body := range map[string]string{
		"no content type": "printf 'X-A: b\\r\\n\\r\\nbody'\n",
		"no headers":      "exit 0\n",
		"bad status":      "printf 'Status: abc\\r\\nContent-Type: text/plain\\r\\n\\r\\n'\n",
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := start(t, "--script", writeScript(t, body))
			if r := lwstest.Curl(t, "http://"+c.Vhosts()[0].Addr()+"/"); r.Status != 502 {
				t.Fatalf("%d %q", r.Status, r.Body)
			}
		})
	}
	// A Status line and Location are honoured.
	c, _ := start(t, "--script", writeScript(t, "printf 'Status: 404 Not Here\\r\\nContent-Type: text/plain\\r\\n\\r\\nnope'\n"))
	if r := lwstest.Curl(t, "http://"+c.Vhosts()[0].Addr()+"/"); r.Status != 404 || r.Body != "nope" {
		t.Fatalf("Status: %d %q", r.Status, r.Body)
	}
}

// Over TLS (-s) the same script answers over HTTP/2, the script's own
// framing replaced by the server's.
func TestTLS(t *testing.T) {
	c, _ := start(t, "-s")
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	r := lwstest.Curl(t, "-k", "https://localhost:"+port+"/")
	if r.Status != 200 || r.Version != "2" || !strings.Contains(r.Body, `id="done"`) {
		t.Fatalf("%d HTTP/%s", r.Status, r.Version)
	}
}

// Chromium shows the script's page.
func TestChromium(t *testing.T) {
	c, _ := start(t)
	tab := lwstest.NewBrowser(t).NewTab("http://" + c.Vhosts()[0].Addr() + "/")
	tab.WaitFor("script output", func() string { return tab.Text("#method") }, "REQUEST_METHOD=GET", 10*time.Second)
	tab.WaitFor("meminfo", func() string { return tab.Text("#meminfo") }, "MemTotal", 10*time.Second)
}

// Killed scripts leave no goroutine behind: after a hanging script, a
// flooding one and a client that leaves early, the server stops with
// nothing of theirs still running.
func TestNothingOutlivesTheServer(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	script := writeScript(t, `case "$PATH_INFO" in
/hang) sleep 1000 ;;
/flood) printf 'Content-Type: text/plain\r\n\r\n'; exec yes flood ;;
*) printf 'Content-Type: text/plain\r\n\r\nok\n' ;;
esac
`)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *lws.Context, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, switches.MustParse([]string{"x", "--port", "0", "--cgi-timeout", "1", "--cgi-max-output", "100000", "--script", script}),
			new(lwstest.LogBuffer), func(c *lws.Context) { ready <- c })
	}()
	base := "http://" + (<-ready).Vhosts()[0].Addr()
	if r := lwstest.Curl(t, base+"/hang"); r.Status != 504 {
		t.Errorf("hang: %d", r.Status)
	}
	curl := lwstest.RequirePeer(t, "curl")
	exec.Command(curl, "-s", "-o", "/dev/null", base+"/flood").Run()
	exec.Command(curl, "-s", "-o", "/dev/null", "--max-time", "0.2", base+"/hang").Run() // leaves early
	if r := lwstest.Curl(t, base+"/"); r.Body != "ok\n" {
		t.Errorf("ok: %q", r.Body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

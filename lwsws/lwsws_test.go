package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// The protocol file the tests load, unchanged, as a plugin and linked in:
// minimal-ws-server's chat, copied into testdata.
const chatProtocol = "testdata/chat/protocol_lws_minimal.go"

// bins holds what TestMain builds once: lwsws itself, the chat protocol
// as a plugin, and an lwsws-static with the chat protocol linked in.
var bins struct {
	dir, lwsws, plugin, static string
	err                        error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lwsws-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bins.dir = dir
	bins.lwsws = filepath.Join(dir, "lwsws")
	bins.plugin = filepath.Join(dir, "plugins", "lws-minimal.so")
	bins.static = filepath.Join(dir, "lwsws-static")
	bins.err = build()
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles the binaries the way docs/PLUGINS.md tells users to.
func build() error {
	steps := [][]string{
		{"go", "build", "-o", bins.lwsws, "."},
		{"go", "build", "-buildmode=plugin", "-o", bins.plugin, chatProtocol},
		{"go", "run", "./lwsws-static", "-o", bins.static, chatProtocol},
	}
	for _, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	return nil
}

func needBins(t *testing.T) {
	t.Helper()
	if bins.err != nil {
		// Plugins need cgo and a C compiler; under CI=true that is a
		// failure, elsewhere a skip with the reason.
		if os.Getenv("CI") == "true" {
			t.Fatalf("building lwsws and its plugin: %v", bins.err)
		}
		t.Skipf("cannot build lwsws and its plugin here: %v", bins.err)
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

// confDir writes an lwsws configuration: conf with the global settings,
// conf.d/chat with one vhost serving a page and the lws-minimal chat.
func confDir(t *testing.T, global, vhost string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "conf"), global)
	writeFile(t, filepath.Join(dir, "conf.d", "chat"), vhost)
	writeFile(t, filepath.Join(dir, "www", "index.html"), "<html>lwsws</html>")
	return dir
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func globalConf(pluginDir string) string {
	if pluginDir == "" {
		return `{ "global": { "server-string": "lwsws-test" } }`
	}
	return `# test global settings
{ "global": { "server-string": "lwsws-test", "plugin-dir": "` + pluginDir + `" } }`
}

func chatVhost(port int, generation string) string {
	return `{
  "vhosts": [{
    "name": "localhost",
    "port": "` + strconv.Itoa(port) + `",
    "interface": "127.0.0.1",
    "headers": [{ "x-config": "` + generation + `" }],
    "mounts": [{ "mountpoint": "/", "origin": "file://www", "default": "index.html" }],
    # the chat, from the plugin or linked in
    "ws-protocols": [{ "lws-minimal": { "status": "ok" } }]
  }]
}`
}

// startLwsws runs lwsws on a configuration directory.
func startLwsws(t *testing.T, bin, dir string) *lwstest.Proc {
	t.Helper()
	return lwstest.StartProc(t, bin, "-c", dir)
}

// runLwsws runs lwsws expecting it to fail at start, and returns its output.
func runLwsws(t *testing.T, bin, dir string) string {
	t.Helper()
	cmd := exec.Command(bin, "-c", dir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("lwsws started with a bad configuration:\n%s", out)
	}
	return string(out)
}

func dialChat(t *testing.T, port int) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"lws-minimal"}, HandshakeTimeout: 5 * time.Second}
	ws, _, err := d.Dial("ws://127.0.0.1:"+strconv.Itoa(port)+"/", nil)
	if err != nil {
		t.Fatalf("dial chat: %v", err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func send(t *testing.T, ws *websocket.Conn, msg string) {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

func recv(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(b)
}

// silent checks that nothing arrives for a while. gorilla does not read
// again after a timeout, so it is the connection's last read.
func silent(t *testing.T, ws *websocket.Conn) {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, b, err := ws.ReadMessage(); err == nil {
		t.Fatalf("unexpected message %q", b)
	}
}

// generation asks a new connection which configuration serves it.
func generation(t *testing.T, port int) string {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	resp, err := c.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/")
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Server") != "lwsws-test" {
		t.Fatalf("GET: %d, server %q", resp.StatusCode, resp.Header.Get("Server"))
	}
	return resp.Header.Get("x-config")
}

// chat drives two clients: each message reaches both.
func chat(t *testing.T, port int) {
	// No wait needed before the first message: the core holds the 101
	// until ESTABLISHED has run, so a dialled client is in the chat.
	a, b := dialChat(t, port), dialChat(t, port)
	send(t, a, "hello from a")
	if got := recv(t, a); got != "hello from a" {
		t.Fatalf("a got %q", got)
	}
	if got := recv(t, b); got != "hello from a" {
		t.Fatalf("b got %q", got)
	}
	send(t, b, "hello from b")
	if got := recv(t, a); got != "hello from b" {
		t.Fatalf("a got %q", got)
	}
}

// The chat protocol file as a plugin: lwsws loads it from plugin-dir and
// enables it on the vhost the configuration names.
func TestChatFromPlugin(t *testing.T) {
	needBins(t)
	port := freePort(t)
	p := startLwsws(t, bins.lwsws, confDir(t, globalConf(filepath.Dir(bins.plugin)), chatVhost(port, "1")))
	p.WaitLog(t, "lwsws instance 1 serving localhost:"+strconv.Itoa(port), 1, time.Minute)
	if !strings.Contains(p.Log(), "lws-minimal") {
		t.Fatalf("plugin not listed:\n%s", p.Log())
	}
	chat(t, port)
}

// The same protocol file linked in by registration at init (lwsws-static):
// no plugin-dir at all.
func TestChatLinkedIn(t *testing.T) {
	needBins(t)
	port := freePort(t)
	p := startLwsws(t, bins.static, confDir(t, globalConf(""), chatVhost(port, "1")))
	p.WaitLog(t, "lwsws instance 1 serving", 1, time.Minute)
	chat(t, port)
}

// Without the plugin the chat is an unknown protocol: one message naming
// the file and the key.
func TestConfigErrors(t *testing.T) {
	needBins(t)
	port := freePort(t)
	plugins := filepath.Dir(bins.plugin)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	for _, tc := range []struct {
		name           string
		global, vhost  string
		file, key, msg string
	}{
		{"bad JSON", globalConf(plugins), `{ "vhosts": [ { "name": "localhost", } ] }`, "conf.d/chat:1:", "vhosts[0]", "malformed JSON"},
		{"unknown key", globalConf(plugins), strings.Replace(chatVhost(port, "1"), `"mountpoint"`, `"mountpiont"`, 1), "conf.d/chat:", "vhosts[0].mounts[0].mountpiont", `unknown key "mountpiont"`},
		{"unknown protocol", globalConf(plugins), strings.Replace(chatVhost(port, "1"), `"lws-minimal"`, `"lws-minimal-typo"`, 1), "conf.d/chat", "vhosts[0].ws-protocols[0].lws-minimal-typo", `unknown protocol "lws-minimal-typo"`},
		{"protocol without its plugin", globalConf(""), chatVhost(port, "1"), "conf.d/chat", "vhosts[0].ws-protocols[0].lws-minimal", `unknown protocol "lws-minimal"`},
		{"missing plugin dir", globalConf("/nonexistent/plugins"), chatVhost(port, "1"), "/conf", "global.plugin-dir", "no such file or directory"},
		{"port in use", globalConf(plugins), chatVhost(busyPort, "1"), "conf.d/chat", "vhosts[0].port", "address already in use"},
		{"wrong type", globalConf(plugins), strings.Replace(chatVhost(port, "1"), `"headers": [{ "x-config": "1" }]`, `"headers": { "x-config": "1" }`, 1), "conf.d/chat:", "vhosts[0].headers", "an object where an array was expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := confDir(t, tc.global, tc.vhost)
			out := runLwsws(t, bins.lwsws, dir)
			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
				t.Fatalf("lwsws panicked:\n%s", out)
			}
			var errLines []string
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, "] E: ") {
					errLines = append(errLines, l)
				}
			}
			// One error line: not serving, and why, with file and key.
			if len(errLines) != 1 || !strings.Contains(errLines[0], "not serving") || !strings.Contains(errLines[0], filepath.Join(dir, "")) ||
				!strings.Contains(errLines[0], tc.file) || !strings.Contains(errLines[0], tc.key) || !strings.Contains(errLines[0], tc.msg) {
				t.Fatalf("want one error naming %q, %q and %q, got:\n%s", tc.file, tc.key, tc.msg, out)
			}
		})
	}
}

// A plugin built against another version of the core is refused with a
// message that says so, not a crash.
func TestPluginFromAnotherCore(t *testing.T) {
	needBins(t)
	lwstest.RequirePeer(t, "go")
	plugins := t.TempDir()
	if err := buildAgainstOtherCore(t, filepath.Join(plugins, "old.so")); err != nil {
		t.Fatal(err)
	}
	out := runLwsws(t, bins.lwsws, confDir(t, globalConf(plugins), chatVhost(freePort(t), "1")))
	if !strings.Contains(out, "global.plugin-dir") || !strings.Contains(out, "old.so was built against another version of the lws core") {
		t.Fatalf("no clear refusal:\n%s", out)
	}
}

// buildAgainstOtherCore builds the chat protocol as a plugin against a copy
// of the core with one change, as a plugin from an older checkout would be.
func buildAgainstOtherCore(t *testing.T, out string) error {
	t.Helper()
	scratch := t.TempDir()
	core := filepath.Join(scratch, "lws")
	if err := os.CopyFS(core, os.DirFS(lwstest.CoreDir(t))); err != nil {
		return err
	}
	writeFile(t, filepath.Join(core, "zz_other_version.go"), "package lws\n\n// OtherVersion makes this copy of the core differ.\nconst OtherVersion = 1\n")
	mod := filepath.Join(scratch, "plugin")
	sum, err := os.ReadFile(filepath.Join(core, "go.sum"))
	if err != nil {
		return err
	}
	writeFile(t, filepath.Join(mod, "go.mod"), "module oldplugin\n\ngo 1.26\n\nrequire github.com/lws-go/lws-go/lws v0.0.0\n\nreplace github.com/lws-go/lws-go/lws => "+core+"\n")
	writeFile(t, filepath.Join(mod, "go.sum"), string(sum))
	src, err := os.ReadFile(chatProtocol)
	if err != nil {
		return err
	}
	writeFile(t, filepath.Join(mod, "protocol_lws_minimal.go"), string(src))
	cmd := exec.Command("go", "build", "-buildmode=plugin", "-o", out, ".")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build old plugin: %v\n%s", err, b)
	}
	return nil
}

// Reload: after SIGHUP a new instance with the changed configuration takes
// new connections, while a ws connection on the old instance keeps working
// until it closes; then the old instance exits. A reload with a bad
// configuration leaves the serving instance alone.
func TestReload(t *testing.T) {
	needBins(t)
	port := freePort(t)
	dir := confDir(t, globalConf(filepath.Dir(bins.plugin)), chatVhost(port, "1"))
	p := startLwsws(t, bins.lwsws, dir)
	p.WaitLog(t, "lwsws instance 1 serving", 1, time.Minute)
	if g := generation(t, port); g != "1" {
		t.Fatalf("generation %q", g)
	}
	old := dialChat(t, port)

	// A bad configuration: the reload fails, instance 1 goes on.
	writeFile(t, filepath.Join(dir, "conf.d", "chat"), `{ "vhosts": [ { "name": `)
	_ = p.Cmd.Process.Signal(syscall.SIGHUP)
	p.WaitLog(t, "reload failed, instance 1 keeps serving", 1, time.Minute)
	if g := generation(t, port); g != "1" {
		t.Fatalf("after a failed reload: generation %q", g)
	}

	// A good one: instance 3 (2 was the failed one) takes over.
	writeFile(t, filepath.Join(dir, "conf.d", "chat"), chatVhost(port, "2"))
	_ = p.Cmd.Process.Signal(syscall.SIGHUP)
	p.WaitLog(t, "instance 3 serving; instance 1 draining", 1, time.Minute)
	// The master logs that line once it has sent instance 1 its SIGHUP;
	// instance 1 closes its listening socket when its loop gets to it.
	// Until then both instances listen on the port (SO_REUSEPORT) and a
	// new connection may still reach instance 1. Wait for instance 1 to
	// say its listener is closed: from then on only instance 3 accepts.
	p.WaitLog(t, "context deprecated: listeners closed", 1, time.Minute)
	if g := generation(t, port); g != "2" {
		t.Fatalf("new connections see generation %q, want 2", g)
	}
	fresh := dialChat(t, port)

	// The old connection still chats, in the old instance's world: the
	// new client does not see its message.
	send(t, fresh, "on 3")
	if got := recv(t, fresh); got != "on 3" {
		t.Fatalf("new connection got %q", got)
	}
	send(t, old, "still on 1")
	if got := recv(t, old); got != "still on 1" {
		t.Fatalf("old connection got %q", got)
	}
	silent(t, fresh) // a read timeout ends a gorilla conn: last use of fresh
	if strings.Contains(p.Log(), "instance 1 drained") {
		t.Fatal("instance 1 exited with a connection open")
	}
	old.Close()
	p.WaitLog(t, "instance 1 drained and exited", 1, time.Minute)
	if g := generation(t, port); g != "2" {
		t.Fatalf("after the drain: generation %q", g)
	}
}

// A TLS vhost with every origin scheme: files, a callback into a compiled-in
// protocol, a reverse proxy and a redirect, all from the configuration.
func TestTLSVhostAndOrigins(t *testing.T) {
	needBins(t)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "backend saw %s", r.URL.Path)
	}))
	defer backend.Close()
	port := freePort(t)
	cert, key := lwstest.CertFiles(t)
	vhost := `{ "vhosts": [{
		"name": "localhost", "port": "` + strconv.Itoa(port) + `", "interface": "127.0.0.1",
		"host-ssl-cert": "` + cert + `", "host-ssl-key": "` + key + `", "sts": "on",
		"mounts": [
			{ "mountpoint": "/", "origin": "file://www", "default": "index.html" },
			{ "mountpoint": "/formtest", "origin": "callback://protocol-post-demo" },
			{ "mountpoint": "/backend", "origin": "http://` + strings.TrimPrefix(backend.URL, "http://") + `" },
			{ "mountpoint": "/moved", "origin": ">https://example.invalid/new" }
		]
	}] }`
	p := startLwsws(t, bins.lwsws, confDir(t, globalConf(""), vhost))
	p.WaitLog(t, "lwsws instance 1 serving", 1, time.Minute)
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	base := "https://127.0.0.1:" + strconv.Itoa(port)
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, body := get("/"); resp.StatusCode != 200 || body != "<html>lwsws</html>" || resp.Header.Get("Strict-Transport-Security") == "" || resp.Proto != "HTTP/2.0" {
		t.Fatalf("file mount over TLS: %d %s %q sts %q", resp.StatusCode, resp.Proto, body, resp.Header.Get("Strict-Transport-Security"))
	}
	resp, err := client.PostForm(base+"/formtest", map[string][]string{"text": {"via lwsws"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "<td>via lwsws</td>") {
		t.Fatalf("callback mount: %s", b)
	}
	if resp, body := get("/backend/x"); resp.StatusCode != 200 || !strings.HasPrefix(body, "backend saw /") {
		t.Fatalf("reverse proxy mount: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get("/moved/page"); resp.StatusCode/100 != 3 || !strings.HasPrefix(resp.Header.Get("Location"), "https://example.invalid/new") {
		t.Fatalf("redirect mount: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// ws-protocols options reach the protocol's PROTOCOL_INIT as per-vhost
// options: dumb-increment-protocol with "options": "1" stays quiet, on
// another vhost without it, it counts.
func TestProtocolOptions(t *testing.T) {
	needBins(t)
	quiet, loud := freePort(t), freePort(t)
	vhost := func(name string, port int, opts string) string {
		return `{ "name": "` + name + `", "port": "` + strconv.Itoa(port) + `", "interface": "127.0.0.1",
			"mounts": [{ "mountpoint": "/", "origin": "file://www", "default": "index.html" }],
			"ws-protocols": [{ "dumb-increment-protocol": { "status": "ok"` + opts + ` } }] }`
	}
	conf := `{ "vhosts": [` + vhost("quiet", quiet, `, "options": "1"`) + `, ` + vhost("loud", loud, "") + `] }`
	p := startLwsws(t, bins.lwsws, confDir(t, globalConf(""), conf))
	p.WaitLog(t, "lwsws instance 1 serving", 1, time.Minute)
	d := websocket.Dialer{Subprotocols: []string{"dumb-increment-protocol"}, HandshakeTimeout: 5 * time.Second}
	for port, wantNumbers := range map[int]bool{quiet: false, loud: true} {
		ws, _, err := d.Dial("ws://127.0.0.1:"+strconv.Itoa(port)+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		_, msg, err := ws.ReadMessage()
		ws.Close()
		if got := err == nil; got != wantNumbers {
			t.Fatalf("port %d: message %q err %v; want numbers: %v", port, msg, err, wantNumbers)
		}
	}
}

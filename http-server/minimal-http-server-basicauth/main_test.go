package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T, args ...string) (string, *lwstest.LogBuffer) {
	t.Helper()
	logBuf := new(lwstest.LogBuffer)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-http-server-basicauth", "--port", "0"}, args...)), logBuf, ready)
	})
	return c.Vhosts()[0].Addr(), logBuf
}

// A real browser, its login dialog answered with the example's
// credentials, reads the secret and the protocol's whoami page; answered
// with a wrong password (then giving up), it gets the 401 page; the open
// page asks for nothing.
func TestChromiumLogsIn(t *testing.T) {
	addr, logBuf := start(t)
	b := lwstest.NewBrowser(t)
	tab := b.NewTabWithLogin("http://"+addr+"/secret/", "user", "password")
	tab.WaitFor("secret page", func() string { return tab.Text("#secret") }, "big secret", 10*time.Second)
	tab.Click("#whoami")
	tab.WaitFor("whoami", func() string { return tab.Text("#user") }, "user", 10*time.Second)
	logBuf.Wait(t, `whoami: authenticated as "user"`, 5*time.Second)

	// A browser of its own: this one keeps the good credentials for the
	// realm and would send them unasked.
	bad := lwstest.NewBrowser(t).NewTabWithLogin("http://"+addr+"/secret/", "user", "wrong")
	bad.WaitFor("401 page", func() string { return bad.Eval("document.body ? document.body.innerText : ''") }, "401 Unauthorized", 10*time.Second)
	if strings.Contains(bad.Eval("document.body.innerText"), "big secret") {
		t.Fatal("the secret showed with a wrong password")
	}
	logBuf.Wait(t, "basic auth: lookup failed", 5*time.Second)

	open := b.NewTab("http://" + addr + "/")
	open.WaitFor("open page", func() string { return open.Text("#secret") }, "/secret", 10*time.Second)
}

func TestCurlBasicAuth(t *testing.T) {
	addr, logBuf := start(t)
	base := "http://" + addr
	// No credentials: 401 naming the realm, for the pages (whichever
	// path serves them) and for the protocol's mount.
	for _, p := range []string{"/secret/", "/secret/index.html", "/secret/example.css", "/secret/whoami"} {
		r := lwstest.Curl(t, base+p)
		if r.Status != 401 || r.Header.Get("Www-Authenticate") != `Basic realm="lwsws"` || strings.Contains(r.Body, "big secret") {
			t.Fatalf("%s without credentials: %d %q %q", p, r.Status, r.Header.Get("Www-Authenticate"), r.Body)
		}
	}
	// A wrong password, an unknown user: 401 as well.
	for _, cred := range []string{"user:wrong", "nobody:password", "user:", "user:password2"} {
		if r := lwstest.Curl(t, "-u", cred, base+"/secret/"); r.Status != 401 || r.Header.Get("Www-Authenticate") == "" {
			t.Fatalf("%s: %d", cred, r.Status)
		}
	}
	logBuf.Wait(t, `basic auth: lookup failed`, 5*time.Second)
	// The right ones.
	if r := lwstest.Curl(t, "-u", "user:password", base+"/secret/"); r.Status != 200 || !strings.Contains(r.Body, "big secret") {
		t.Fatalf("with credentials: %d", r.Status)
	}
	if r := lwstest.Curl(t, "-u", "user:password", base+"/secret/whoami"); r.Status != 200 || !strings.Contains(r.Body, `<b id="user">user</b>`) {
		t.Fatalf("whoami: %d %q", r.Status, r.Body)
	}
	// The open part needs nothing.
	if r := lwstest.Curl(t, base+"/"); r.Status != 200 {
		t.Fatalf("open page: %d", r.Status)
	}
	// Malformed headers: 403, as lws answers them.
	for _, h := range []string{"Bearer abc", "Basic !!!notbase64", "Basic dXNlcnBhc3N3b3Jk" /* no ':' */, "Basic " + strings.Repeat("A", 600)} {
		if r := lwstest.Curl(t, "-H", "Authorization: "+h, base+"/secret/"); r.Status != 403 {
			t.Fatalf("%.20s: %d", h, r.Status)
		}
	}
}

// A password file on disk is read at each attempt: an edit takes effect
// at once.
func TestPasswordFileFromDisk(t *testing.T) {
	file := filepath.Join(t.TempDir(), "passwords")
	os.WriteFile(file, []byte("alice:wonderland\r\nbob:builder\n"), 0o600)
	addr, _ := start(t, "--passwords", file)
	base := "http://" + addr
	if r := lwstest.Curl(t, "-u", "bob:builder", base+"/secret/whoami"); r.Status != 200 || !strings.Contains(r.Body, ">bob<") {
		t.Fatalf("bob: %d %q", r.Status, r.Body)
	}
	if r := lwstest.Curl(t, "-u", "alice:wonderland", base+"/secret/"); r.Status != 200 {
		t.Fatalf("alice (CRLF line): %d", r.Status)
	}
	if r := lwstest.Curl(t, "-u", "user:password", base+"/secret/"); r.Status != 401 {
		t.Fatalf("the embedded user on a disk file: %d", r.Status)
	}
	os.WriteFile(file, []byte("alice:wonderland\n"), 0o600)
	if r := lwstest.Curl(t, "-u", "bob:builder", base+"/secret/"); r.Status != 401 {
		t.Fatalf("bob after removal: %d", r.Status)
	}
	// A password file that cannot be read is the server's fault: 500, logged.
	os.Remove(file)
	if r := lwstest.Curl(t, "-u", "alice:wonderland", base+"/secret/"); r.Status != 500 {
		t.Fatalf("no password file: %d", r.Status)
	}
}

// 1,000 failed logins in a row, from several connections at once, while
// a legitimate user goes on: every one of the user's requests is served,
// every failed one gets its 401. (No timing is asserted: being served at
// all, and correctly, is the claim.)
func TestFailedLoginsDoNotStopOthers(t *testing.T) {
	addr, _ := start(t)
	base := "http://" + addr
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer client.CloseIdleConnections()
	get := func(user, pass, path string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.SetBasicAuth(user, pass)
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	const attackers, each = 4, 250
	var wg sync.WaitGroup
	failures := make(chan int, attackers*each)
	stop := make(chan struct{})
	for a := range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				failures <- get("user", "guess-"+string(rune('a'+a))+string(rune('0'+i%10)), "/secret/")
			}
		}()
	}
	served := 0
	userDone := make(chan struct{})
	go func() {
		defer close(userDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if s := get("user", "password", "/secret/whoami"); s != 200 {
				t.Errorf("legitimate user got %d", s)
				return
			}
			served++
		}
	}()
	wg.Wait()
	close(stop)
	<-userDone
	close(failures)
	n := 0
	for s := range failures {
		if s != 401 {
			t.Fatalf("failed login got %d", s)
		}
		n++
	}
	if n != attackers*each || served == 0 {
		t.Fatalf("%d failures answered, legitimate user served %d times", n, served)
	}
	t.Logf("during %d failed logins the legitimate user was served %d times", n, served)
}

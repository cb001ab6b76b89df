package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"html"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T, args ...string) (base, dir string, logBuf *lwstest.LogBuffer) {
	t.Helper()
	dir = t.TempDir()
	logBuf = new(lwstest.LogBuffer)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-http-server-form-post-file", "--port", "0", "--dir", dir}, args...)), logBuf, ready)
	})
	return "http://" + c.Vhosts()[0].Addr(), dir, logBuf
}

// files lists the upload folder, temporary files included.
func files(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// nothingSaved fails the test if the upload folder holds anything, a
// temporary file included.
func nothingSaved(t *testing.T, dir string) {
	t.Helper()
	// The loop may still be closing the transaction.
	deadline := time.Now().Add(5 * time.Second)
	for len(files(t, dir)) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if f := files(t, dir); len(f) > 0 {
		t.Fatalf("upload folder holds %v", f)
	}
}

// A real browser fills in the form, picks a file (made in the page, as a
// user's file chooser would hand it over) and submits: the file is on
// disk byte for byte and the text field is logged.
func TestChromiumUploadsFile(t *testing.T) {
	base, dir, logBuf := start(t)
	tab := lwstest.NewBrowser(t).NewTab(base + "/")
	tab.Type("#text1", "with a file")
	content := strings.Repeat("line of the uploaded file\n", 4000) // 104 KB, many body pieces
	if got := tab.Eval(fmt.Sprintf(`(() => { const dt = new DataTransfer();
		dt.items.add(new File([%q], "report 2026.txt", {type: "text/plain"}));
		document.querySelector("#file").files = dt.files; return String(document.querySelector("#file").files.length); })()`, content)); got != "1" {
		t.Fatalf("file chooser holds %s files", got)
	}
	tab.Click("#send")
	tab.WaitFor("after-form1 page", func() string { return tab.Text("#thanks") }, "Thanks for uploading", 10*time.Second)
	logBuf.Wait(t, fmt.Sprintf("upload done, written %d to report 2026.txt", len(content)), 5*time.Second)
	logBuf.Wait(t, "text1: (len 11) 'with a file'", 5*time.Second)
	b, err := os.ReadFile(filepath.Join(dir, "report 2026.txt"))
	if err != nil || string(b) != content {
		t.Fatalf("saved file: %d bytes, %v", len(b), err)
	}
	if f := files(t, dir); len(f) != 1 {
		t.Fatalf("upload folder holds %v", f)
	}
}

func TestCurlUploadsBinaryFile(t *testing.T) {
	base, dir, logBuf := start(t)
	data := make([]byte, 3<<20)
	rand.Read(data)
	src := filepath.Join(t.TempDir(), "random.bin")
	os.WriteFile(src, data, 0o600)
	r := lwstest.Curl(t, "-F", "text1=binary", "-F", "file=@"+src, "-F", "send=Submit", base+"/form1")
	if r.Status != 301 || r.Header.Get("Location") != "after-form1.html" {
		t.Fatalf("status %d %q", r.Status, r.Body)
	}
	logBuf.Wait(t, "upload done, written 3145728 to random.bin", 5*time.Second)
	got, err := os.ReadFile(filepath.Join(dir, "random.bin"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("saved file differs (%d bytes, %v)", len(got), err)
	}
	// A name with shell characters and a leading dot is saved, sanitised.
	r = lwstest.Curl(t, "-F", "file=@"+src+";filename=.hidden$(x).bin", base+"/form1")
	if r.Status != 301 {
		t.Fatalf("status %d %q", r.Status, r.Body)
	}
	if _, err := os.Stat(filepath.Join(dir, "_hidden_(x).bin")); err != nil {
		t.Fatalf("sanitised name: %v (folder %v)", err, files(t, dir))
	}
}

// refusal checks a response: the status and the reason in the body.
func refusal(t *testing.T, r lwstest.CurlResult, status int, why string) {
	t.Helper()
	if r.Status != status || !strings.Contains(html.UnescapeString(r.Body), why) {
		t.Fatalf("got %d %q, want %d %q", r.Status, r.Body, status, why)
	}
}

// Bad input: each refused with a status and the reason; nothing is left
// in the upload folder, not even part of a file.
func TestBadInput(t *testing.T) {
	base, dir, _ := start(t, "--max-upload", "100000")
	tmp := t.TempDir() // curl's -F takes no ',' in a path: subtests' folders have one
	src := filepath.Join(tmp, "f.bin")
	os.WriteFile(src, bytes.Repeat([]byte("z"), 100001), 0o600)

	t.Run("upload over the limit, announced", func(t *testing.T) {
		big := filepath.Join(tmp, "big.bin")
		os.WriteFile(big, bytes.Repeat([]byte("z"), 200000), 0o600)
		refusal(t, lwstest.Curl(t, "-F", "file=@"+big, base+"/form1"), 413, "file over the upload limit of 100000 bytes (the body is")
		nothingSaved(t, dir)
	})
	t.Run("upload over the limit, streamed", func(t *testing.T) {
		// Chunked: no length up front, so the refusal comes when the
		// file passes the limit, after part of it was written.
		refusal(t, lwstest.Curl(t, "-H", "Transfer-Encoding: chunked", "-F", "file=@"+src, base+"/form1"), 413, "file over the upload limit of 100000 bytes")
		nothingSaved(t, dir)
	})
	small := filepath.Join(tmp, "s.txt")
	os.WriteFile(small, []byte("hello"), 0o600)
	for _, name := range []string{".." + "/escape.txt", "..", "a/b.txt", `..\x.txt`} { // built with +: lws-new takes a quoted dot-dot-slash for a path outside the module
		t.Run("file name "+name, func(t *testing.T) {
			refusal(t, lwstest.Curl(t, "-F", "file=@"+small+";filename="+name, base+"/form1"), 400, "reaches outside the upload folder")
			nothingSaved(t, dir)
		})
	}
	t.Run("file name with NUL", func(t *testing.T) {
		// A raw NUL in the part header: the header is malformed.
		refusal(t, postRaw(t, base, `filename="evil`+"\x00"+`.txt"`, "hello"), 400, "malformed MIME header line")
		// A NUL percent-encoded in RFC 5987's filename*: decoded, then refused.
		refusal(t, postRaw(t, base, `filename*=UTF-8''evil%00.txt`, "hello"), 400, "holds a control character")
		nothingSaved(t, dir)
	})
	t.Run("field over its limit", func(t *testing.T) {
		refusal(t, lwstest.Curl(t, "-F", "text1="+strings.Repeat("x", 1025), "-F", "file=@"+small, base+"/form1"), 413, `field "text1" is longer than 1024 bytes`)
		nothingSaved(t, dir)
	})
	t.Run("no body", func(t *testing.T) {
		refusal(t, lwstest.Curl(t, "--max-time", "5", "-X", "POST", "-H", "Content-Type: multipart/form-data; boundary=x", base+"/form1"), 400, "ends before its closing boundary")
		nothingSaved(t, dir)
	})
	t.Run("body cut short", func(t *testing.T) {
		// The closing boundary never comes: the file is not kept.
		refusal(t, postTruncated(t, base), 400, "ends before its closing boundary")
		nothingSaved(t, dir)
	})
	// At the limit the file is taken.
	at := filepath.Join(t.TempDir(), "at.bin")
	os.WriteFile(at, bytes.Repeat([]byte("z"), 100000), 0o600)
	if r := lwstest.Curl(t, "-F", "file=@"+at, base+"/form1"); r.Status != 301 {
		t.Fatalf("file at the limit: %d %q", r.Status, r.Body)
	}
}

// A client that goes away in the middle of its upload leaves nothing.
func TestClientVanishesMidUpload(t *testing.T) {
	base, dir, logBuf := start(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	head, _ := multipartHead(`filename="big.bin"`)
	fmt.Fprintf(conn, "POST /form1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=BOUNDARY\r\nContent-Length: 5000000\r\n\r\n%s", head)
	conn.Write(bytes.Repeat([]byte("q"), 1<<20))
	// Wait until the file is being written, then vanish.
	deadline := time.Now().Add(5 * time.Second)
	for len(files(t, dir)) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(files(t, dir)) == 0 {
		t.Fatal("the upload never started")
	}
	conn.Close()
	nothingSaved(t, dir)
	if strings.Contains(logBuf.String(), "upload done") {
		t.Fatal("an abandoned upload was reported done")
	}
}

// multipartHead starts a file part; fileParam is its filename parameter.
func multipartHead(fileParam string) (string, string) {
	return "--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; " + fileParam + "\r\nContent-Type: application/octet-stream\r\n\r\n",
		"\r\n--BOUNDARY--\r\n"
}

// postRaw sends a multipart body made by hand (curl will not send a NUL
// in a file name) and returns the response as curl would.
func postRaw(t *testing.T, base, fileParam, content string) lwstest.CurlResult {
	t.Helper()
	head, tail := multipartHead(fileParam)
	return rawRequest(t, base, head+content+tail, "")
}

func postTruncated(t *testing.T, base string) lwstest.CurlResult {
	t.Helper()
	head, _ := multipartHead(`filename="cut.txt"`)
	return rawRequest(t, base, head+"some content without its end", "")
}

// rawRequest POSTs body to /form1 with Go's client and no rewriting.
func rawRequest(t *testing.T, base, body, _ string) lwstest.CurlResult {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /form1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=BOUNDARY\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	var r lwstest.CurlResult
	fmt.Sscanf(string(resp), "HTTP/1.1 %d", &r.Status)
	_, r.Body, _ = strings.Cut(string(resp), "\r\n\r\n")
	return r
}

package plugins

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws/lwstest"
)

// formURL is the post demo's address on a fresh server.
func formURL(t *testing.T) string {
	return "http://" + strings.TrimPrefix(serve(t), "ws://") + "/formtest"
}

// curl posts a multipart form with a file, as a browser's form would.
func TestPostDemoMultipart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "myfile.txt")
	content := "This is the contents of the uploaded file.\r\n\r\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r := lwstest.Curl(t, "-F", "text=my text field", "-F", "file=@"+file+";type=text/plain", formURL(t))
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	for _, want := range []string{
		"<tr><td><b>text</b></td><td>13</td><td>my text field</td></tr>",
		"<tr><td><b>send</b></td><td>0</td><td>NULL</td></tr>",
		"<b>filename:</b> myfile.txt, <b>length</b> 46</body>",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("reply lacks %q:\n%s", want, r.Body)
		}
	}
}

func TestPostDemoURLEncoded(t *testing.T) {
	r := lwstest.Curl(t, "--data", "text=a%3Cb&send=Send", formURL(t))
	if r.Status != 200 || !strings.Contains(r.Body, "<td><b>text</b></td><td>3</td><td>a&lt;b</td>") {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
}

// An upload over the demo's 100,000-byte limit is refused: the server drops
// the transaction and goes on serving.
func TestPostDemoRefusesBigUpload(t *testing.T) {
	url := formURL(t)
	file := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(file, make([]byte, 150000), 0o600); err != nil {
		t.Fatal(err)
	}
	curl := lwstest.RequirePeer(t, "curl")
	out, err := runCmd(curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-F", "file=@"+file, url)
	if err == nil && strings.TrimSpace(out) == "200" {
		t.Fatalf("oversized upload accepted: %s", out)
	}
	if r := lwstest.Curl(t, "--data", "text=after", url); r.Status != 200 {
		t.Fatalf("server not serving after the refusal: %d", r.Status)
	}
}

func runCmd(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).Output()
	return string(out), err
}

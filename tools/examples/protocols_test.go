package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every example's protocol file stands alone, as a plugin build needs: it
// type-checks by itself (go vet on the single file, which compiles exactly
// what `go build -buildmode=plugin <file>` compiles), exports LwsPlugin and
// registers it at init. lwsws's TestChatFromPlugin builds one of them for
// real.
func TestEveryProtocolFileStandsAlone(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, "*", "*", "protocol_*.go"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { // the core's own, compiled in
		return strings.HasPrefix(f, filepath.Join(root, "lws")+string(filepath.Separator))
	})
	if len(files) < 20 {
		t.Fatalf("found only %d protocol files", len(files))
	}
	exports := regexp.MustCompile(`(?m)^var LwsPlugin = lws\.Plugin\{`)
	registers := regexp.MustCompile(`(?m)^func init\(\) \{ lws\.RegisterPlugin\(LwsPlugin\) \}`)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !exports.Match(src) || !registers.Match(src) {
				t.Fatalf("%s must export LwsPlugin and register it at init", f)
			}
			cmd := exec.Command("go", "vet", filepath.Base(f))
			cmd.Dir = filepath.Dir(f)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s does not build on its own: %v\n%s", f, err, out)
			}
		})
	}
}

package examples

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"testing"

	"github.com/lws-go/lws-go/tools/internal/workspace"
)

var (
	// root is the workspace's directory.
	root string
	// examples are the examples, as go.work lists them.
	examples []string
	// binDir holds every example's binary, named after its folder, and
	// the tools the tests run (wsconform); buildErr says why not.
	binDir   string
	buildErr error
)

func TestMain(m *testing.M) {
	os.Exit(setup(m))
}

func setup(m *testing.M) int {
	var err error
	if root, err = workspace.Root("."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if examples, err = workspace.Examples(root); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if binDir, err = os.MkdirTemp("", "lws-go-examples-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(binDir)
	buildErr = build()
	return m.Run()
}

// build compiles every example and wsconform in one go command, which links
// them in parallel.
func build() error {
	args := []string{"build", "-o", binDir + string(filepath.Separator)}
	for _, ex := range append(examples, "tools/wsconform") {
		args = append(args, "./"+ex)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	return nil
}

// bin is the path of an example's binary (or a tool's).
func bin(t *testing.T, example string) string {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, path.Base(example))
}

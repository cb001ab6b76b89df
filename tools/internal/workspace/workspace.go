// Package workspace knows the shape of the lws-go workspace: where its root
// is and which modules go.work lists, and which of them are examples.
package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// CorePath is the core module's path, as every example requires it.
const CorePath = "github.com/lws-go/lws-go/lws"

// Root finds the directory holding go.work, from dir upwards.
func Root(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the lws-go workspace (no go.work found)")
		}
		dir = parent
	}
}

// Modules lists the modules go.work uses, as slash-separated paths
// relative to root ("ws-server/minimal-ws-server", "lws", ...).
func Modules(root string) ([]string, error) {
	cmd := exec.Command("go", "work", "edit", "-json")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go work edit -json: %w", err)
	}
	var work struct{ Use []struct{ DiskPath string } }
	if err := json.Unmarshal(out, &work); err != nil {
		return nil, fmt.Errorf("go.work: %w", err)
	}
	var mods []string
	for _, u := range work.Use {
		mods = append(mods, strings.TrimPrefix(filepath.ToSlash(u.DiskPath), "./"))
	}
	slices.Sort(mods)
	return mods, nil
}

// Examples are the modules that are examples: all but the core and the
// tools.
func Examples(root string) ([]string, error) {
	mods, err := Modules(root)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(mods, func(m string) bool { return m == "lws" || m == "tools" }), nil
}

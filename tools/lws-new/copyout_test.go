package main

import (
	"bytes"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/tools/internal/workspace"
)

// handful are the examples copied out when not every one is: the ones
// whose tests once leaned on the workspace the most (a certificate, a
// generator, a second program, plugins built against the core).
var handful = []string{
	"ws-server/minimal-ws-server",
	"secure-streams/minimal-secure-streams-staticpolicy",
	"secure-streams/minimal-secure-streams-client-tx",
	"ws-client/minimal-ws-client-pmd-bulk",
	"lwsws",
}

// chosen is every example under CI=true or LWSGO_COPYOUT=all, the ones
// LWSGO_COPYOUT lists (comma-separated), else the handful.
func chosen(t *testing.T, all []string) []string {
	sel := os.Getenv("LWSGO_COPYOUT")
	switch {
	case sel == "all" || (sel == "" && lwstest.InCI()):
		return all
	case sel != "":
		return strings.Split(sel, ",")
	}
	t.Logf("copying out %d of %d examples (CI=true or LWSGO_COPYOUT=all copies every one)", len(handful), len(all))
	return handful
}

// Every example (or a handful, see chosen) copied out with lws-new into a
// folder outside the repository builds, vets, runs go generate (where it
// has a generate directive, leaving its files as they were) and passes its tests
// with GOWORK=off: on its own, its core beside it, the module proxy the
// only thing it may reach. -trimpath lets the copies share compiled
// packages in the build cache, although each core copy sits elsewhere.
func TestCopyOut(t *testing.T) {
	lwstest.RequirePeer(t, "go")
	root, err := workspace.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	all, err := workspace.Examples(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if inside(root, dir) {
		t.Fatalf("the temporary folder %s is inside the repository", dir)
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod -trimpath"))
	for _, ex := range chosen(t, all) {
		if !slices.Contains(all, ex) {
			t.Fatalf("%s is not an example", ex)
		}
		t.Run(ex, func(t *testing.T) {
			dest := filepath.Join(dir, strings.ReplaceAll(ex, "/", "_"))
			if err := run([]string{"lws-new", "--module", "example.com/" + path.Base(ex), ex, dest}, io.Discard); err != nil {
				t.Fatal(err)
			}
			standsAlone(t, dest)
			gocmd := func(args ...string) {
				t.Helper()
				start := time.Now()
				cmd := exec.Command("go", args...)
				cmd.Dir, cmd.Env = dest, env
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				t.Logf("go %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
			}
			gocmd("mod", "tidy", "-diff")
			gocmd("build", "./...")
			gocmd("vet", "./...")
			if hasGenerate(t, dest) {
				before := snapshot(t, dest)
				gocmd("generate", "./...")
				if after := snapshot(t, dest); !maps.Equal(before, after) {
					t.Fatal("go generate changed the example's files")
				}
			}
			gocmd("test", "./...")
		})
	}
}

// The tool refuses what it cannot copy, and updates a core in place.
func TestRefusalsAndUpdate(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "chat")
	for _, args := range [][]string{
		{"lws-new", "lws", dest},                              // the core is not an example
		{"lws-new", "tools", dest},                            // nor are the tools
		{"lws-new", "ws-server/nope", dest},                   //
		{"lws-new", "ws-server/minimal-ws-server"},            // no destination
		{"lws-new", "--module", "a b", "lwsws", dest},         // not a module path
		{"lws-new", "--core", "../lws", "lwsws", dest},        // the core outside the copy
		{"lws-new", "--update-core", dest, "ws-server/extra"}, //
	} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
	if err := run([]string{"lws-new", "--core", "vendor-lws", "ws-server/minimal-ws-server", dest}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"lws-new", "ws-server/minimal-ws-server", dest}, io.Discard); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("copy over a copy: %v", err)
	}
	standsAlone(t, dest)
	// An old core: a file the current one does not have goes with it.
	stale := filepath.Join(dest, "vendor-lws", "stale.go")
	if err := os.WriteFile(stale, []byte("package lws\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"lws-new", "--update-core", dest}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Fatal("the old core's file survived the update")
	}
	if _, err := os.Stat(filepath.Join(dest, "vendor-lws", "go.mod")); err != nil {
		t.Fatal(err)
	}
	standsAlone(t, dest)
}

// outside is a relative path that leaves the directory it starts from.
var outside = regexp.MustCompile(`"\.\./`)

// standsAlone checks the copy names nothing outside itself: its go.mod
// replaces the core with a folder inside it, and no Go file of the example
// opens a path that climbs out.
func standsAlone(t *testing.T, dest string) {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join(dest, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := replaceLine.FindSubmatch(gomod)
	if m == nil || !strings.HasPrefix(string(m[1]), "./") || strings.Contains(string(m[1]), "..") {
		t.Fatalf("go.mod does not keep the core inside the module:\n%s", gomod)
	}
	core := filepath.Join(dest, filepath.FromSlash(string(m[1])))
	err = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case p == core:
			return filepath.SkipDir
		case !d.IsDir() && strings.HasSuffix(p, ".go"):
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if loc := outside.FindIndex(src); loc != nil {
				t.Errorf("%s names a path outside the module: %s", p, lineAt(src, loc[0]))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func lineAt(src []byte, off int) string {
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	end := bytes.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src) - off
	}
	return strings.TrimSpace(string(src[start : off+end]))
}

func hasGenerate(t *testing.T, dir string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(src, []byte("\n//go:generate ")) {
			return true
		}
	}
	return false
}

// snapshot is the example's own files (not its core) by name.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && isModule(p) && p != dir {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files[p] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Command lws-new copies an example of this workspace out as the start of
// a program of your own: a standalone module that builds, vets, tests and
// go-generates with nothing else from the workspace beside it.
//
//	go run ./tools/lws-new ws-server/minimal-ws-server-ring ~/src/mychat --module example.com/mychat
//	go run ./tools/lws-new --update-core ~/src/mychat
//
// The example's files go to the destination with its go.mod renamed to
// --module; the lws core goes to third_party/lws inside it (--core moves
// it), keeping its module path, and the go.mod's replace directive points
// there. So the example's code reads exactly as it does here, the core
// stays one module that is upgraded as a whole (--update-core, run from a
// newer checkout, replaces that directory and nothing else), and the day
// the core is published the replace line and the directory go away.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/tools/internal/workspace"
)

var switches = cmdline.Switches{
	{Name: "--module", Kind: cmdline.String, Arg: "path", Help: "module path of the copy (default: the destination's name)"},
	{Name: "--core", Kind: cmdline.String, Arg: "dir", Default: "third_party/lws", Help: "where the core goes, relative to the destination"},
	{Name: "--update-core", Help: "replace the core of a module copied earlier (give only its directory)"},
	{Name: "<example> <destination>", Kind: cmdline.Args, Help: "an example (e.g. ws-server/minimal-ws-server) and a new or empty folder"},
}

func main() {
	err := run(os.Args, os.Stdout)
	if err != nil && !cmdline.HelpRequested(err) {
		err = fmt.Errorf("lws-new: %w", err)
	}
	cmdline.Exit(err)
}

func run(args []string, out io.Writer) error {
	o, err := switches.Parse(args)
	if err != nil {
		return err
	}
	root, err := workspace.Root(".")
	if err != nil {
		return err
	}
	a := o.Args()
	if o.Has("--update-core") {
		if len(a) != 1 {
			return o.Errorf("--update-core takes the copied module's directory, nothing else")
		}
		if err := updateCore(root, a[0]); err != nil {
			return err
		}
		if err := tidy(a[0]); err != nil {
			fmt.Fprintf(out, "go mod tidy did not finish (%v); run it in %s once the module proxy is reachable\n", err, a[0])
		}
		fmt.Fprintf(out, "updated the core of %s; check it with:\n\tcd %s && go build ./... && go test ./...\n", a[0], a[0])
		return nil
	}
	if len(a) != 2 {
		return o.Errorf("want an example and a destination, got %d arguments", len(a))
	}
	module := o.String("--module")
	if module == "" {
		module = filepath.Base(filepath.Clean(a[1]))
	}
	if err := copyOut(root, a[0], a[1], module, o.String("--core")); err != nil {
		return err
	}
	if err := tidy(a[1]); err != nil {
		fmt.Fprintf(out, "go mod tidy did not finish (%v); run it in %s once the module proxy is reachable\n", err, a[1])
	}
	fmt.Fprintf(out, "copied %s to %s (module %s, the core in %s)\n\tcd %s && go build ./... && go test ./...\n",
		a[0], a[1], module, o.String("--core"), a[1])
	if inside(root, a[1]) {
		fmt.Fprintf(out, "%s is inside the workspace: run go commands there with GOWORK=off\n", a[1])
	}
	return nil
}

// modulePath is a module path as lws-new accepts it: no spaces, quotes or
// backslashes, no leading or trailing slash.
var modulePath = regexp.MustCompile(`^[A-Za-z0-9._~+-]+(/[A-Za-z0-9._~+-]+)*$`)

// copyOut writes the standalone module.
func copyOut(root, example, dest, module, coreRel string) error {
	if !modulePath.MatchString(module) {
		return fmt.Errorf("--module %q is not a module path", module)
	}
	if !filepath.IsLocal(coreRel) {
		return fmt.Errorf("--core %q must be a relative path inside the destination", coreRel)
	}
	src, err := exampleDir(root, example)
	if err != nil {
		return err
	}
	if err := emptyOrNew(dest); err != nil {
		return err
	}
	gomod, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, src)
	if err != nil {
		return err
	}
	newMod, err := rewriteGoMod(gomod, module, filepath.ToSlash(rel), filepath.ToSlash(coreRel), describe(root))
	if err != nil {
		return fmt.Errorf("%s/go.mod: %w", rel, err)
	}
	if err := copyTree(src, dest); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dest, "go.mod"), newMod, 0o644); err != nil {
		return err
	}
	core := filepath.Join(root, "lws")
	if err := copyTree(core, filepath.Join(dest, coreRel)); err != nil {
		return fmt.Errorf("copying the core: %w", err)
	}
	return mergeGoSum(filepath.Join(dest, "go.sum"), filepath.Join(core, "go.sum"))
}

// updateCore replaces the core of a module copyOut wrote with the
// workspace's.
func updateCore(root, dest string) error {
	gomod, err := os.ReadFile(filepath.Join(dest, "go.mod"))
	if err != nil {
		return err
	}
	m := replaceLine.FindSubmatch(gomod)
	if m == nil {
		return fmt.Errorf("%s/go.mod has no replace directive for %s", dest, workspace.CorePath)
	}
	coreRel := filepath.FromSlash(strings.TrimPrefix(string(m[1]), "./"))
	if !filepath.IsLocal(coreRel) {
		return fmt.Errorf("%s/go.mod replaces the core with %s, outside the module: update that copy yourself", dest, m[1])
	}
	target := filepath.Join(dest, coreRel)
	if _, err := os.Stat(filepath.Join(target, "go.mod")); err != nil {
		return fmt.Errorf("no core to update at %s: %w", target, err)
	}
	fresh := target + ".new"
	if err := os.RemoveAll(fresh); err != nil {
		return err
	}
	core := filepath.Join(root, "lws")
	if err := copyTree(core, fresh); err != nil {
		return fmt.Errorf("copying the core: %w", err)
	}
	if err := os.RemoveAll(target); err != nil {
		return err
	}
	if err := os.Rename(fresh, target); err != nil {
		return err
	}
	gomod = coreFrom.ReplaceAll(gomod, []byte("${1}"+describe(root)+"."))
	if err := os.WriteFile(filepath.Join(dest, "go.mod"), gomod, 0o644); err != nil {
		return err
	}
	return mergeGoSum(filepath.Join(dest, "go.sum"), filepath.Join(core, "go.sum"))
}

// exampleDir finds the example, named relative to the current directory
// or to the workspace root: one of the modules go.work lists, other than
// the core and the tools.
func exampleDir(root, example string) (string, error) {
	examples, err := workspace.Examples(root)
	if err != nil {
		return "", err
	}
	for _, dir := range []string{example, filepath.Join(root, example)} {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", err
		}
		if rel, err := filepath.Rel(root, abs); err == nil && slices.Contains(examples, filepath.ToSlash(rel)) {
			return abs, nil
		}
	}
	return "", fmt.Errorf("%s is not an example of this workspace; the examples are:\n\t%s", example, strings.Join(examples, "\n\t"))
}

// inside reports whether path is root or below it.
func inside(root, path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(root, abs)
	return err == nil && filepath.IsLocal(rel)
}

// emptyOrNew accepts a directory that does not exist yet (it is created)
// or is empty.
func emptyOrNew(dest string) error {
	entries, err := os.ReadDir(dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dest, 0o755)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty", dest)
	}
	return nil
}

var (
	// replaceLine is the core's replace directive.
	replaceLine = regexp.MustCompile(`(?m)^replace ` + regexp.QuoteMeta(workspace.CorePath) + ` => (\S+)[ \t]*$`)
	// moduleLine is the module directive.
	moduleLine = regexp.MustCompile(`(?m)^module \S+[ \t]*$`)
	// coreFrom is the comment line copyOut writes about where the core
	// came from.
	coreFrom = regexp.MustCompile(`(?m)^(// The lws core is in \S+, from ).*$`)
)

// rewriteGoMod gives the example's go.mod its new module path and points
// the core's replace directive at the copy, with a comment saying where it
// came from and how to upgrade it. The workspace's comments about the
// replace directive go.
func rewriteGoMod(gomod []byte, module, example, coreRel, from string) ([]byte, error) {
	if !moduleLine.Match(gomod) {
		return nil, errors.New("no module directive")
	}
	loc := replaceLine.FindIndex(gomod)
	if loc == nil {
		return nil, fmt.Errorf("no replace directive for %s", workspace.CorePath)
	}
	// Drop the comment lines just above the replace directive.
	start := loc[0]
	for start > 0 {
		prev := bytes.LastIndexByte(gomod[:start-1], '\n') + 1
		if !bytes.HasPrefix(gomod[prev:start], []byte("//")) {
			break
		}
		start = prev
	}
	replace := "// Copied out of lws-go's " + example + " by lws-new.\n" +
		"// The lws core is in ./" + coreRel + ", from " + from + ".\n" +
		"// Upgrade it from a newer lws-go checkout with\n" +
		"//\tgo run ./tools/lws-new --update-core <this directory>\n" +
		"// and once the core is published, require a version and drop this line.\n" +
		"replace " + workspace.CorePath + " => ./" + coreRel
	out := append(slices.Clip(gomod[:start]), replace...)
	out = append(out, gomod[loc[1]:]...)
	out = moduleLine.ReplaceAll(out, []byte("module "+module))
	return out, nil
}

// describe says which lws-go the core comes from: its commit, when the
// workspace is a git checkout.
func describe(root string) string {
	cmd := exec.Command("git", "rev-parse", "--short", "HEAD")
	cmd.Dir = root
	if rev, err := cmd.Output(); err == nil {
		return "lws-go at commit " + strings.TrimSpace(string(rev))
	}
	return "lws-go"
}

// copyTree copies the files of src to dst (created), leaving out version
// control, nested modules and build output.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if rel != "." && (d.Name() == ".git" || isModule(path)) {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() || buildOutput(path) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if binary(data) {
			return nil
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
}

func isModule(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil
}

// buildOutput is what go build, go test and plugin builds leave behind.
func buildOutput(path string) bool {
	for _, ext := range []string{".so", ".test", ".out", ".exe"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}

// binary recognises an executable a go build left in the folder.
func binary(data []byte) bool {
	for _, magic := range [][]byte{
		[]byte("\x7fELF"), []byte("MZ"),
		{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf}, {0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe},
	} {
		if bytes.HasPrefix(data, magic) {
			return true
		}
	}
	return false
}

// tidy runs go mod tidy in the new module, on its own (GOWORK=off): the
// copy's go.sum then lists exactly what the module and its core need.
func tidy(dir string) error {
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// mergeGoSum adds the core's go.sum lines to the module's, so the copy
// verifies the core's dependencies without asking the checksum database.
func mergeGoSum(dst, core string) error {
	var lines []string
	for _, f := range []string{dst, core} {
		data, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				lines = append(lines, l)
			}
		}
	}
	slices.Sort(lines)
	lines = slices.Compact(lines)
	if len(lines) == 0 {
		return nil
	}
	return os.WriteFile(dst, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

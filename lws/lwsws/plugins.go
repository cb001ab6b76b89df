package lwsws

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"plugin"
	"sort"
	"strings"

	"github.com/lws-go/lws-go/lws"
)

// PluginSymbol is the name every plugin exports: its lws.Plugin (lws's
// plugins export init_<name>, which fills the same information).
const PluginSymbol = "LwsPlugin"

// LoadPlugins opens every *.so in dir (Go's -buildmode=plugin) and
// registers the lws.Plugin each exports: lws's plugin-dir. A plugin built
// by another toolchain, or against another version of the core or of its
// dependencies, is refused with that said plainly.
func LoadPlugins(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("plugin dir: %w", err)
	}
	var paths []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".so") {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(paths)
	var names []string
	for _, path := range paths {
		p, err := LoadPlugin(path)
		if err != nil {
			return nil, err
		}
		names = append(names, p.Name)
	}
	return names, nil
}

// LoadPlugin opens one plugin file and registers its lws.Plugin.
func LoadPlugin(path string) (lws.Plugin, error) {
	p, err := plugin.Open(path)
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "different version of package"):
			return lws.Plugin{}, fmt.Errorf("plugin %s was built against another version of the lws core or its dependencies; rebuild it from this workspace with this Go toolchain: %w", path, err)
		case strings.Contains(msg, "not implemented"):
			return lws.Plugin{}, fmt.Errorf("plugin %s: this lwsws was built without plugin support (needs cgo on Linux, macOS or FreeBSD); link protocols in with lwsws-static instead: %w", path, err)
		}
		return lws.Plugin{}, fmt.Errorf("plugin %s: %w", path, err)
	}
	sym, err := p.Lookup(PluginSymbol)
	if err != nil {
		return lws.Plugin{}, fmt.Errorf("plugin %s does not export %s: %w", path, PluginSymbol, err)
	}
	return checkPlugin(path, sym)
}

// checkPlugin validates what a plugin exports and registers it.
func checkPlugin(path string, sym any) (lws.Plugin, error) {
	lp, ok := sym.(*lws.Plugin)
	if !ok {
		return lws.Plugin{}, fmt.Errorf("plugin %s: %s is a %T, not an lws.Plugin", path, PluginSymbol, sym)
	}
	if lp.APIMagic != lws.PluginAPIMagic {
		return lws.Plugin{}, fmt.Errorf("plugin %s: API magic %d, this core is %d: rebuild the plugin against this core", path, lp.APIMagic, lws.PluginAPIMagic)
	}
	if lp.Name == "" || len(lp.Protocols) == 0 {
		return lws.Plugin{}, errors.New("plugin " + path + ": no name or no protocols")
	}
	lws.RegisterPlugin(*lp)
	return *lp, nil
}

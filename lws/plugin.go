package lws

import (
	"fmt"
	"sort"
	"sync"
)

// PluginAPIMagic is the mirror of LWS_PLUGIN_API_MAGIC: a plugin built
// against another core API refuses to load.
const PluginAPIMagic = 180

// Plugin is what a protocol file exports so that lwsws can use it, linked
// in or loaded with -buildmode=plugin: the mirror of lws_plugin_protocol_t.
type Plugin struct {
	APIMagic  int         // must be PluginAPIMagic
	Name      string      // the plugin's name, usually its main protocol's
	Protocols []*Protocol // the protocols it adds
}

var registry struct {
	sync.Mutex
	plugins map[string]Plugin
}

// RegisterPlugin adds a plugin to the process-wide registry, from an init
// function (Caddy-style static plugins, lws's LWS_PLUGIN_STATIC). A second
// plugin with the same name replaces the first.
func RegisterPlugin(p Plugin) {
	registry.Lock()
	defer registry.Unlock()
	if registry.plugins == nil {
		registry.plugins = map[string]Plugin{}
	}
	registry.plugins[p.Name] = p
}

// LookupPlugin returns a registered plugin by name.
func LookupPlugin(name string) (Plugin, error) {
	registry.Lock()
	defer registry.Unlock()
	p, ok := registry.plugins[name]
	if !ok {
		return Plugin{}, fmt.Errorf("lws: no plugin %q registered", name)
	}
	if p.APIMagic != PluginAPIMagic {
		return Plugin{}, fmt.Errorf("lws: plugin %q has API magic %d, core wants %d", name, p.APIMagic, PluginAPIMagic)
	}
	return p, nil
}

// LookupProtocol finds a protocol by name among the registered plugins'
// protocols (lws looks a vhost's protocols up in the plugins' protocol
// lists the same way).
func LookupProtocol(name string) (*Protocol, error) {
	registry.Lock()
	defer registry.Unlock()
	for _, p := range registry.plugins {
		if p.APIMagic != PluginAPIMagic {
			continue
		}
		for _, pr := range p.Protocols {
			if pr.Name == name {
				return pr, nil
			}
		}
	}
	return nil, fmt.Errorf("lws: no plugin offers protocol %q", name)
}

// Plugins returns the names of the registered plugins, sorted.
func Plugins() []string {
	registry.Lock()
	defer registry.Unlock()
	names := make([]string, 0, len(registry.plugins))
	for n := range registry.plugins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

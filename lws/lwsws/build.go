package lwsws

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// Options are what the command line adds to a configuration.
type Options struct {
	Logger *slog.Logger
	// DataDir is what _lws_ddir_ in a file:// origin expands to (lws's
	// install data directory).
	DataDir string
	// ListenShare binds with SO_REUSEPORT, so that a reloaded instance
	// can bind beside the one it replaces.
	ListenShare bool
}

// stsHeader is the Strict-Transport-Security value lws sends for "sts".
const stsHeader = "max-age=15768000 ; includeSubDomains"

// NewContext loads the configuration's plugins and creates a context with
// one explicit vhost per configured vhost, each with its mounts, its enabled
// protocols and their per-vhost options: what lwsws's main does with
// lws_create_context and the JSON vhost parser. Every error names the file
// and the key it comes from.
func NewContext(cfg *Config, opts Options) (*lws.Context, error) {
	g := cfg.Global
	if g.PluginDir != "" {
		dir := cfg.path(g.PluginDir, opts)
		if _, err := LoadPlugins(dir); err != nil {
			return nil, &Error{File: g.file, Key: "global.plugin-dir", Err: err}
		}
	}
	if len(cfg.Vhosts) == 0 {
		return nil, &Error{File: filepath.Join(cfg.Dir, "conf.d"), Err: errors.New("no vhosts configured")}
	}
	infos := make([]lws.VhostInfo, len(cfg.Vhosts))
	for i := range cfg.Vhosts {
		vi, err := cfg.vhostInfo(&cfg.Vhosts[i], opts)
		if err != nil {
			return nil, err
		}
		infos[i] = vi
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: opts.Logger, VhostInfo: lws.VhostInfo{Options: lws.OptionExplicitVhosts}})
	if err != nil {
		return nil, fmt.Errorf("lwsws: %w", err)
	}
	for i, vi := range infos {
		if _, err := c.CreateVhost(vi); err != nil {
			c.Destroy()
			v := cfg.Vhosts[i]
			return nil, &Error{File: v.File, Key: fmt.Sprintf("vhosts[%d].port", v.Index), Err: err}
		}
	}
	return c, nil
}

// path resolves a configured path: _lws_ddir_ expanded, relative to the
// configuration directory.
func (cfg *Config) path(p string, opts Options) string {
	p = strings.ReplaceAll(p, "_lws_ddir_", opts.DataDir)
	if !filepath.IsAbs(p) {
		p = filepath.Join(cfg.Dir, p)
	}
	return p
}

// vhostInfo turns one configured vhost into the core's VhostInfo.
func (cfg *Config) vhostInfo(v *Vhost, opts Options) (lws.VhostInfo, error) {
	key := func(k string) string { return fmt.Sprintf("vhosts[%d].%s", v.Index, k) }
	fail := func(k string, err error) (lws.VhostInfo, error) {
		return lws.VhostInfo{}, &Error{File: v.File, Key: key(k), Err: err}
	}
	g := cfg.Global
	vi := lws.VhostInfo{
		Name:             v.Name,
		Port:             int(v.Port),
		Interface:        v.Interface,
		TimeoutSecs:      int(g.TimeoutSecs),
		KeepaliveTimeout: secs(v.KeepaliveTimeout),
		Headers:          map[string]string{},
		PVO:              lws.PVO{},
	}
	if vi.Name == "" {
		return fail("name", errors.New("a vhost needs a name (it is matched against Host: and SNI)"))
	}
	if v.Port <= 0 || v.Port > 65535 {
		return fail("port", fmt.Errorf("port %d out of range", v.Port))
	}
	if vi.Interface == "" {
		vi.Interface = g.Interface
	}
	if opts.ListenShare {
		vi.Options |= lws.OptionAllowListenShare
	}
	if g.WSPingPongSecs > 0 {
		// ws-pingpong-secs: ping a ws connection idle that long, hang up
		// if nothing comes back within as long again.
		vi.RetryPolicy = &lws.RetryBackoff{SecsSinceValidPing: uint16(g.WSPingPongSecs), SecsSinceValidHangup: uint16(2 * g.WSPingPongSecs)}
	}
	switch {
	case v.HostSSLCert != "" && v.HostSSLKey != "":
		vi.TLS = lws.TLSInfo{CertFile: cfg.path(v.HostSSLCert, opts), KeyFile: cfg.path(v.HostSSLKey, opts)}
	case v.HostSSLCert != "" || v.HostSSLKey != "":
		return fail("host-ssl-cert", errors.New("TLS needs both host-ssl-cert and host-ssl-key"))
	}
	if g.ServerString != "" {
		vi.Headers["server"] = g.ServerString
	}
	if v.STS == "on" || v.STS == "1" {
		vi.Headers["strict-transport-security"] = stsHeader
	}
	for _, h := range v.Headers {
		for name, value := range h {
			vi.Headers[strings.ToLower(name)] = value
		}
	}
	// The "http" protocol first, as in every lws protocol table; then the
	// enabled protocols, the "default" one first (it serves ws clients
	// that name no subprotocol).
	vi.Protocols = []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}}
	enabled := map[string]bool{"http": true}
	var rest []*lws.Protocol
	for i, entry := range v.WSProtocols {
		for name, pvo := range entry {
			p, err := lws.LookupProtocol(name)
			if err != nil {
				return fail(fmt.Sprintf("ws-protocols[%d].%s", i, name), fmt.Errorf("unknown protocol %q (loaded plugins: %s)", name, strings.Join(lws.Plugins(), ", ")))
			}
			if enabled[name] {
				continue
			}
			enabled[name] = true
			vi.PVO[name] = pvo
			if pvo["default"] == "1" {
				vi.Protocols = append(vi.Protocols, p)
			} else {
				rest = append(rest, p)
			}
		}
	}
	vi.Protocols = append(vi.Protocols, rest...)
	for i, m := range v.Mounts {
		mk := fmt.Sprintf("mounts[%d]", i)
		mount, err := cfg.mount(m, opts)
		if err != nil {
			return fail(mk+".origin", err)
		}
		if mount.OriginProtocol == lws.OriginCallback && !enabled[mount.Protocol] {
			// A callback mount enables the protocol it names.
			p, err := lws.LookupProtocol(mount.Protocol)
			if err != nil {
				return fail(mk+".origin", fmt.Errorf("callback mount names unknown protocol %q", mount.Protocol))
			}
			enabled[mount.Protocol] = true
			vi.Protocols = append(vi.Protocols, p)
		}
		vi.Mounts = append(vi.Mounts, mount)
	}
	return vi, nil
}

// mount turns one configured mount into the core's Mount, by the scheme
// of its origin.
func (cfg *Config) mount(m Mount, opts Options) (lws.Mount, error) {
	if m.Mountpoint == "" || !strings.HasPrefix(m.Mountpoint, "/") {
		return lws.Mount{}, fmt.Errorf("mountpoint %q must start with /", m.Mountpoint)
	}
	out := lws.Mount{
		Mountpoint:          m.Mountpoint,
		Def:                 m.Default,
		CacheMaxAge:         int(m.CacheMaxAge),
		CacheReusable:       m.CacheReuse != 0,
		CacheRevalidate:     m.CacheRevalidate != 0,
		CacheIntermediaries: m.CacheIntermediaries != 0,
		ExtraMimetypes:      m.ExtraMimetypes,
		CGITimeout:          int(m.CGITimeout),
	}
	if m.BasicAuth != "" {
		out.BasicAuthLoginFile = cfg.path(m.BasicAuth, opts)
	}
	origin := m.Origin
	redirect := strings.HasPrefix(origin, ">")
	origin = strings.TrimPrefix(origin, ">")
	scheme, rest, ok := strings.Cut(origin, "://")
	if !ok {
		return lws.Mount{}, fmt.Errorf("origin %q has no scheme (file://, callback://, http://, https://, >http://, >https://)", m.Origin)
	}
	switch {
	case scheme == "file" && !redirect:
		out.OriginProtocol, out.Origin = lws.OriginFile, cfg.path(rest, opts)
	case scheme == "callback" && !redirect:
		out.OriginProtocol, out.Protocol = lws.OriginCallback, rest
	case scheme == "http" && !redirect:
		out.OriginProtocol, out.Origin = lws.OriginHTTP, rest
	case scheme == "https" && !redirect:
		out.OriginProtocol, out.Origin = lws.OriginHTTPS, rest
	case scheme == "http":
		out.OriginProtocol, out.Origin = lws.OriginRedirHTTP, rest
	case scheme == "https":
		out.OriginProtocol, out.Origin = lws.OriginRedirHTTPS, rest
	case scheme == "cgi" && !redirect:
		out.OriginProtocol, out.Origin = lws.OriginCGI, cfg.path(rest, opts)
	default:
		return lws.Mount{}, fmt.Errorf("origin %q: unknown scheme %q", m.Origin, scheme)
	}
	if rest == "" {
		return lws.Mount{}, fmt.Errorf("origin %q is empty after the scheme", m.Origin)
	}
	return out, nil
}

// secs is a configured number of seconds as a duration.
func secs(n Int) time.Duration { return time.Duration(n) * time.Second }

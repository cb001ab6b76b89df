package lwsws

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws"
	_ "github.com/lws-go/lws-go/lws/plugins" // the standard protocols, for ws-protocols
)

// The workspace's example configuration parses into what it says.
func TestLoadExampleConfig(t *testing.T) {
	cfg, err := Load("../../lwsws/etc-lwsws")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Global.ServerString != "lwsws" || cfg.Global.WSPingPongSecs != 200 || cfg.Global.PluginDir != "plugins" {
		t.Fatalf("global: %+v", cfg.Global)
	}
	if len(cfg.Vhosts) != 1 {
		t.Fatalf("%d vhosts", len(cfg.Vhosts))
	}
	v := cfg.Vhosts[0]
	if v.Name != "localhost" || v.Port != 7681 || len(v.Mounts) != 2 || len(v.WSProtocols) != 1 || len(v.WSProtocols[0]) != 3 {
		t.Fatalf("vhost: %+v", v)
	}
	vi, err := cfg.vhostInfo(&v, Options{DataDir: "/data"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range vi.Protocols {
		names = append(names, p.Name)
	}
	// http first, the ws-protocols, then what a callback mount names.
	if got := strings.Join(names, " "); !strings.HasPrefix(got, "http ") || !strings.HasSuffix(got, " protocol-post-demo") || len(names) != 5 {
		t.Fatalf("protocols %s", got)
	}
	m := vi.Mounts[0]
	if m.OriginProtocol != lws.OriginFile || !strings.HasSuffix(m.Origin, "/test-apps/test-server/mount-origin") || !filepath.IsAbs(m.Origin) || m.Def != "test.html" || m.CacheMaxAge != 60 || !m.CacheReusable || m.CacheIntermediaries {
		t.Fatalf("mount: %+v", m)
	}
	if vi.PVO["lws-status"]["status"] != "ok" || vi.Headers["server"] != "lwsws" {
		t.Fatalf("pvo %v headers %v", vi.PVO, vi.Headers)
	}
}

// Every bad input gets one error with the file, the key path and the
// position; never a panic.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, key, msg string }{
		{`{"vhosts": [{"name": "a",}]}`, "vhosts[0]", "malformed JSON"},
		{`{"vhosts": [{"name": "a"}`, "vhosts", "malformed JSON"},
		{`{"vhost": []}`, "vhost", `unknown key "vhost"`},
		{`{"vhosts": [{"mounts": [{"orign": "file:///"}]}]}`, "vhosts[0].mounts[0].orign", `unknown key "orign"`},
		{`{"vhosts": [{"port": "seventy"}]}`, "vhosts[0].port", "a string where a number was expected"},
		{`{"vhosts": [{"port": true}]}`, "vhosts[0].port", ""},
		{`{"vhosts": [{"ws-protocols": [{"x": {"k": 1}}]}]}`, "vhosts[0].ws-protocols[0].x.k", "a number where a string was expected"},
		{`{"vhosts": [{"access-log": "/var/log/x"}]}`, "vhosts[0].access-log", "not supported by lws-go (access logs)"},
		{`{"vhosts": [{"name": "a", "name": "b"}]}`, "vhosts[0].name", "duplicate"},
		{`{"vhosts": [null]}`, "vhosts[0]", "null vhost"},
		{"# only a comment\n", "", "malformed JSON"},
	} {
		_, err := Parse("conf.d/x", []byte(tc.in))
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: error %v is not a config Error", tc.in, err)
			continue
		}
		if ce.File != "conf.d/x" || ce.Key != tc.key || !strings.Contains(ce.Error(), tc.msg) {
			t.Errorf("%s:\n got %q (key %q)\nwant key %q and %q", tc.in, ce.Error(), ce.Key, tc.key, tc.msg)
		}
	}
}

// Comments: # to the end of the line, but not inside strings; lines and
// columns stay right.
func TestCommentsAndPositions(t *testing.T) {
	in := "# header\n{\n  \"global\": {\n    \"plugin-dir\": \"/a#b\", # trailing \"quote\n    \"bogus\": 1\n  }\n}\n"
	_, err := Parse("conf", []byte(in))
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 5 || ce.Column != 5 || ce.Key != "global.bogus" {
		t.Fatalf("got %v (%+v)", err, ce)
	}
	f, err := Parse("conf", []byte(strings.Replace(in, "\"bogus\": 1", "\"timeout-secs\": \"5\"", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Global.PluginDir != "/a#b" || f.Global.TimeoutSecs != 5 {
		t.Fatalf("%+v", f.Global)
	}
}

func buildErr(t *testing.T, vhost string) error {
	t.Helper()
	f, err := Parse("conf.d/v", []byte(vhost))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Dir: "/etc/lwsws", Vhosts: []Vhost{*f.Vhosts[0]}}
	_, err = cfg.vhostInfo(&cfg.Vhosts[0], Options{})
	return err
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct{ vhost, key, msg string }{
		{`{"vhosts": [{"name": "a", "port": 1, "ws-protocols": [{"nope": {}}]}]}`, "vhosts[0].ws-protocols[0].nope", `unknown protocol "nope"`},
		{`{"vhosts": [{"name": "a", "port": 1, "mounts": [{"mountpoint": "/x", "origin": "callback://nope"}]}]}`, "vhosts[0].mounts[0].origin", `unknown protocol "nope"`},
		{`{"vhosts": [{"name": "a", "port": 1, "mounts": [{"mountpoint": "/x", "origin": "ftp://x"}]}]}`, "vhosts[0].mounts[0].origin", `unknown scheme "ftp"`},
		{`{"vhosts": [{"name": "a", "port": 1, "mounts": [{"mountpoint": "/x", "origin": "/var/www"}]}]}`, "vhosts[0].mounts[0].origin", "no scheme"},
		{`{"vhosts": [{"name": "a", "port": 1, "mounts": [{"mountpoint": "x", "origin": "file:///"}]}]}`, "vhosts[0].mounts[0].origin", "must start with /"},
		{`{"vhosts": [{"name": "a", "port": 70000}]}`, "vhosts[0].port", "out of range"},
		{`{"vhosts": [{"port": 1}]}`, "vhosts[0].name", "needs a name"},
		{`{"vhosts": [{"name": "a", "port": 1, "host-ssl-cert": "c.pem"}]}`, "vhosts[0].host-ssl-cert", "both"},
	} {
		err := buildErr(t, tc.vhost)
		var ce *Error
		if !errors.As(err, &ce) || ce.File != "conf.d/v" || ce.Key != tc.key || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s:\n got %v\nwant key %q and %q", tc.vhost, err, tc.key, tc.msg)
		}
	}
}

// Origins by scheme, as lwsws reads them.
func TestMountOrigins(t *testing.T) {
	cfg := &Config{Dir: "/etc/lwsws"}
	for origin, want := range map[string]lws.Mount{
		"file://_lws_ddir_/site": {OriginProtocol: lws.OriginFile, Origin: "/data/site"},
		"file://www":             {OriginProtocol: lws.OriginFile, Origin: "/etc/lwsws/www"},
		"callback://proto":       {OriginProtocol: lws.OriginCallback, Protocol: "proto"},
		"http://127.0.0.1:80/a":  {OriginProtocol: lws.OriginHTTP, Origin: "127.0.0.1:80/a"},
		"https://example.com":    {OriginProtocol: lws.OriginHTTPS, Origin: "example.com"},
		">http://example.com/":   {OriginProtocol: lws.OriginRedirHTTP, Origin: "example.com/"},
		">https://example.com/":  {OriginProtocol: lws.OriginRedirHTTPS, Origin: "example.com/"},
		"cgi:///usr/lib/cgi/x":   {OriginProtocol: lws.OriginCGI, Origin: "/usr/lib/cgi/x"},
		"cgi://scripts/x.sh":     {OriginProtocol: lws.OriginCGI, Origin: "/etc/lwsws/scripts/x.sh"},
	} {
		m, err := cfg.mount(Mount{Mountpoint: "/", Origin: origin}, Options{DataDir: "/data"})
		if err != nil || m.OriginProtocol != want.OriginProtocol || m.Origin != want.Origin || m.Protocol != want.Protocol {
			t.Errorf("%s: %+v %v", origin, m, err)
		}
	}
}

// basic-auth and cgi-timeout reach the core's mount, the password file
// relative to the configuration like other paths.
func TestMountAuthAndCGITimeout(t *testing.T) {
	cfg := &Config{Dir: "/etc/lwsws"}
	m, err := cfg.mount(Mount{Mountpoint: "/", Origin: "cgi://x.sh", BasicAuth: "ba-passwords", CGITimeout: 5}, Options{})
	if err != nil || m.BasicAuthLoginFile != "/etc/lwsws/ba-passwords" || m.CGITimeout != 5 {
		t.Fatalf("%+v %v", m, err)
	}
}

func TestCheckPlugin(t *testing.T) {
	p := lws.Plugin{APIMagic: lws.PluginAPIMagic - 1, Name: "x", Protocols: []*lws.Protocol{{Name: "x"}}}
	if _, err := checkPlugin("x.so", &p); err == nil || !strings.Contains(err.Error(), "API magic 179") {
		t.Fatalf("magic: %v", err)
	}
	if _, err := checkPlugin("x.so", p); err == nil || !strings.Contains(err.Error(), "not an lws.Plugin") {
		t.Fatalf("type: %v", err)
	}
	p.APIMagic = lws.PluginAPIMagic
	if _, err := checkPlugin("x.so", &p); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPlugins(t.TempDir() + "/none"); err == nil {
		t.Fatal("missing plugin dir accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.so")
	os.WriteFile(bad, []byte("not an ELF file"), 0o644)
	if _, err := LoadPlugin(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("garbage plugin: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../lwsws/etc-lwsws/conf*")
	more, _ := filepath.Glob("../../lwsws/etc-lwsws/conf.d/*")
	for _, s := range append(seeds, more...) {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"vhosts": [{"name": "a", "port": "1", "mounts": [{"mountpoint": "/", "origin": ">https://x"}], "ws-protocols": [{"p": {"default": "1"}}]}]}`))
	f.Add([]byte("{\"global\": {\"uid\": \"48\"} # c\n}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.File != "fuzz" {
				t.Fatalf("error without location: %v", err)
			}
			return
		}
		cfg := &Config{Dir: "/etc/lwsws"}
		for _, v := range file.Vhosts {
			if v.File != "fuzz" {
				t.Fatal("vhost without its file")
			}
			cfg.Vhosts = append(cfg.Vhosts, *v)
		}
		for i := range cfg.Vhosts {
			_, _ = cfg.vhostInfo(&cfg.Vhosts[i], Options{})
		}
	})
}

// Package lwsws is the JSON-configured server of lws (lwsws) as a library:
// it reads lws's configuration format (a global file and one file per vhost
// in conf.d, JSON with # comments), loads protocol plugins, builds a
// context from it, and reloads without dropping connections. The lwsws
// command at the workspace root is a thin main around it.
package lwsws

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Config is a whole lwsws configuration: the global settings and every
// vhost, each remembering the file it came from.
type Config struct {
	Dir    string // the configuration directory (lwsws -c)
	Global Global
	Vhosts []Vhost
}

// Global is the "global" object (lws's lwsws global settings).
type Global struct {
	UID       string `json:"uid"`
	GID       string `json:"gid"`
	Username  string `json:"username"`
	Groupname string `json:"groupname"`
	// Interface is the default interface for vhosts without one.
	Interface      string `json:"interface"`
	CountThreads   Int    `json:"count-threads"` // accepted; the core has one loop
	ServerString   string `json:"server-string"`
	WSPingPongSecs Int    `json:"ws-pingpong-secs"`
	InitSSL        string `json:"init-ssl"` // accepted; nothing to do in Go
	PluginDir      string `json:"plugin-dir"`
	TimeoutSecs    Int    `json:"timeout-secs"`

	file string
}

// Vhost is one entry of "vhosts".
type Vhost struct {
	Name             string `json:"name"`
	Port             Int    `json:"port"`
	Interface        string `json:"interface"`
	HostSSLKey       string `json:"host-ssl-key"`
	HostSSLCert      string `json:"host-ssl-cert"`
	HostSSLCA        string `json:"host-ssl-ca"`
	KeepaliveTimeout Int    `json:"keepalive-timeout"`
	STS              string `json:"sts"`
	EnableClientSSL  string `json:"enable-client-ssl"` // accepted; clients always can
	// Headers are extra response headers: [{"name": "value"}, ...].
	Headers []map[string]string `json:"headers"`
	Mounts  []Mount             `json:"mounts"`
	// WSProtocols enables protocols on the vhost, each with its
	// per-vhost options: [{"protocol": {"k": "v"}}, ...].
	WSProtocols []map[string]map[string]string `json:"ws-protocols"`

	// File is the file the vhost came from, Index its place in that
	// file's "vhosts", for error messages.
	File  string `json:"-"`
	Index int    `json:"-"`
}

// Mount is one entry of a vhost's "mounts".
type Mount struct {
	Mountpoint string `json:"mountpoint"`
	// Origin says what serves the mount by its scheme: file://dir,
	// callback://protocol, http(s)://host (reverse proxy),
	// >http(s)://host (redirect).
	Origin              string            `json:"origin"`
	Default             string            `json:"default"`
	CacheMaxAge         Int               `json:"cache-max-age"`
	CacheReuse          Int               `json:"cache-reuse"`
	CacheRevalidate     Int               `json:"cache-revalidate"`
	CacheIntermediaries Int               `json:"cache-intermediaries"`
	ExtraMimetypes      map[string]string `json:"extra-mimetypes"`
	// BasicAuth names the mount's password file ("user:password" lines).
	BasicAuth string `json:"basic-auth"`
	// CGITimeout bounds a cgi:// mount's script, in seconds.
	CGITimeout Int `json:"cgi-timeout"`
}

// Int is a number that lws's files may write as a string ("7681") or a
// number (7681).
type Int int

// UnmarshalJSON accepts "7681" and 7681.
func (n *Int) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if uq, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(uq)
	}
	if s == "" {
		*n = 0
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("not a number: %s", b)
	}
	*n = Int(v)
	return nil
}

// file is the shape of every configuration file.
type file struct {
	Global *Global  `json:"global"`
	Vhosts []*Vhost `json:"vhosts"`
}

// unsupported are lws configuration keys lws-go knows but does not
// implement; they get their own message rather than "unknown key".
var unsupported = map[string]string{
	"unix-socket":             "unix socket listeners",
	"access-log":              "access logs",
	"ciphers":                 "cipher lists (Go's TLS defaults apply)",
	"ecdh-curve":              "ECDH curve selection",
	"client-cert-required":    "client certificates",
	"listen-accept-role":      "raw listen-accept roles",
	"listen-accept-protocol":  "raw listen-accept roles",
	"apply-listen-accept":     "raw listen-accept roles",
	"fallback-listen-accept":  "raw listen-accept roles",
	"allow-non-tls":           "mixed TLS and non-TLS on one port",
	"redirect-http":           "redirecting http to https",
	"cgi-env":                 "CGI environment additions",
	"pmo":                     "per-mount options",
	"reject-service-keywords": "user-agent rejection",
}

// Error is a configuration error: the file, where in it, and what.
type Error struct {
	File   string // path of the file
	Key    string // the key path, e.g. vhosts[0].mounts[1].origin
	Line   int    // 1-based, 0 if unknown
	Column int
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Load reads dir/conf and every file in dir/conf.d, in name order, as lwsws
// does. Files in conf.d whose names start with "." or end in "~" are
// skipped.
func Load(dir string) (*Config, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("lwsws: config dir: %w", err)
	}
	dir = abs
	cfg := &Config{Dir: dir}
	global := filepath.Join(dir, "conf")
	if err := cfg.addFile(global); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(dir, "conf.d"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("lwsws: conf.d: %w", err)
	}
	names := []string{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || strings.HasSuffix(n, "~") {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := cfg.addFile(filepath.Join(dir, "conf.d", n)); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

func (cfg *Config) addFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return &Error{File: path, Err: err}
	}
	f, err := Parse(path, data)
	if err != nil {
		return err
	}
	if f.Global != nil {
		cfg.Global = *f.Global
		cfg.Global.file = path
	}
	for _, v := range f.Vhosts {
		cfg.Vhosts = append(cfg.Vhosts, *v)
	}
	return nil
}

// Parse parses one configuration file. Errors name the file, the key and
// the line and column; unknown keys are errors, so a misspelt key is never
// silently ignored.
func Parse(path string, data []byte) (*file, error) {
	clean := stripComments(data)
	var f file
	err := json.Unmarshal(clean, &f, json.RejectUnknownMembers(true))
	if err != nil {
		return nil, locate(path, clean, err)
	}
	for i, v := range f.Vhosts {
		if v == nil {
			return nil, &Error{File: path, Key: fmt.Sprintf("vhosts[%d]", i), Err: errors.New("null vhost")}
		}
		v.File, v.Index = path, i
	}
	return &f, nil
}

// stripComments blanks out # comments (to the end of the line, outside
// strings) so byte offsets, lines and columns stay those of the file.
func stripComments(data []byte) []byte {
	out := bytes.Clone(data)
	inString, escaped, comment := false, false, false
	for i, c := range out {
		switch {
		case comment:
			if c == '\n' {
				comment = false
			} else {
				out[i] = ' '
			}
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '#':
			comment = true
			out[i] = ' '
		}
	}
	return out
}

// locate turns a JSON error into an Error with the key path and position.
func locate(path string, data []byte, err error) error {
	var (
		offset  int64 = -1
		pointer jsontext.Pointer
		cause   = err
	)
	var se *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		offset, pointer = se.ByteOffset, se.JSONPointer
		if se.Err != nil {
			cause = se.Err
		}
		if errors.Is(se.Err, json.ErrUnknownName) {
			name := pointer.LastToken()
			if what, ok := unsupported[name]; ok {
				cause = fmt.Errorf("lws key %q is not supported by lws-go (%s)", name, what)
			} else {
				cause = fmt.Errorf("unknown key %q", name)
			}
		} else if se.GoType != nil && se.JSONKind != 0 {
			cause = fmt.Errorf("%s where %s was expected", kindName(se.JSONKind), goTypeName(se.GoType.String()))
		}
	case errors.As(err, &syn):
		offset, pointer = syn.ByteOffset, syn.JSONPointer
		if syn.Err != nil {
			cause = fmt.Errorf("malformed JSON: %w", syn.Err)
		}
	}
	e := &Error{File: path, Key: keyPath(pointer), Err: cause}
	if offset >= 0 && offset <= int64(len(data)) {
		before := data[:offset]
		e.Line = bytes.Count(before, []byte{'\n'}) + 1
		e.Column = int(offset) - bytes.LastIndexByte(before, '\n')
	}
	return e
}

// keyPath writes a JSON pointer as lws's keys: vhosts[0].mounts[1].origin.
func keyPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a value"
}

func goTypeName(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.HasPrefix(t, "map["), strings.Contains(t, "lwsws."):
		if strings.HasSuffix(t, ".Int") {
			return "a number"
		}
		return "an object"
	case t == "string":
		return "a string"
	}
	return t
}

package cmdline

import (
	"bytes"
	"strings"
	"testing"
)

// A table like a server's and a client's together.
var table = Switches{
	Port(7681, "-p"),
	{Name: "-s", Kind: String, Arg: "server", Default: "localhost", Help: "server to connect to"},
	{Name: "-h", Help: "strict Host: check"},
	{Name: "-c", Kind: Int, Default: "3", Help: "connections at once", Min: 1, Max: 200},
	{Name: "--ssl", Help: "use TLS"},
}

func parse(t *testing.T, line string) *Values {
	t.Helper()
	v, err := table.Parse(strings.Fields("prog " + line))
	if err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	return v
}

func TestLwsSpellings(t *testing.T) {
	for _, tc := range []struct {
		line string
		port int
		log  int
	}{
		{"", 7681, DefaultLogLevel},
		{"-p 7000", 7000, DefaultLogLevel},
		{"-p7000", 7000, DefaultLogLevel}, // glued, as lws's -d1151
		{"-p=7000", 7000, DefaultLogLevel},
		{"--port 7000", 7000, DefaultLogLevel},
		{"--port=7000", 7000, DefaultLogLevel},
		{"--port 0", 0, DefaultLogLevel},
		{"-p 1 --port 2 -p 3", 3, DefaultLogLevel}, // the last one wins
		{"-d 1151", 7681, 1151},
		{"-d1151", 7681, 1151},
		{"-d=1039 -d 7", 7681, 7},
	} {
		v := parse(t, tc.line)
		if v.Int("--port") != tc.port || v.LogLevel() != tc.log {
			t.Errorf("%q: port %d log %d, want %d %d", tc.line, v.Int("--port"), v.LogLevel(), tc.port, tc.log)
		}
	}
	v := parse(t, "-s example.com -h --ssl --ignore-sigterm")
	if v.String("-s") != "example.com" || !v.Has("-h") || !v.Has("--ssl") || v.Has("-c") || v.Int("-c") != 3 {
		t.Fatalf("got -s %q -h %v --ssl %v -c %v/%d", v.String("-s"), v.Has("-h"), v.Has("--ssl"), v.Has("-c"), v.Int("-c"))
	}
	if v := parse(t, ""); v.String("-s") != "localhost" || v.Has("--port") {
		t.Fatalf("defaults: -s %q, --port given %v", v.String("-s"), v.Has("--port"))
	}
}

// Everything lws would have guessed at is refused with one line naming it.
func TestRefusals(t *testing.T) {
	for line, want := range map[string]string{
		"-help":         "", // help, see TestHelp
		"--unknown":     "unknown option --unknown",
		"-port 7000":    "unknown option -port",           // lws: -p with value "ort"
		"-hx":           "unknown option -hx",             // lws: -h
		"-ssl":          "unknown option -ssl",            // lws: -s with value "sl"
		"--ssl=1":       `--ssl takes no value (got "1")`, //
		"-p":            "-p needs a value: <port>",       // lws: present, empty
		"-p abc":        "-p abc: not a number",           // lws: atoi, port 0
		"--port 70000":  "--port 70000: out of range 0..65535",
		"-c 0":          "-c 0: out of range 1..200",
		"-s":            "-s needs a value: <server>",
		"-s -h":         "-s needs a value: <server>", // lws: server "-h"
		"-d lots":       "-d lots: not a number",
		"stray":         `unexpected argument "stray"`,
		"-p 1 -- stray": `unexpected argument "stray"`,
	} {
		_, err := table.Parse(strings.Fields("prog " + line))
		if want == "" {
			continue
		}
		u, ok := err.(*UsageError)
		if !ok || u.Msg != want {
			t.Errorf("%q: %v, want %q", line, err, want)
			continue
		}
		var out, errOut bytes.Buffer
		if code := Report(err, &out, &errOut); code != 2 || out.Len() != 0 || strings.Count(errOut.String(), "\n") != 1 ||
			!strings.HasPrefix(errOut.String(), "prog: "+want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", line, code, out.String(), errOut.String())
		}
	}
}

func TestHelp(t *testing.T) {
	for _, line := range []string{"--help", "-help", "-p 1 --help", "--help --bogus", "--bogus -help"} {
		_, err := table.Parse(strings.Fields("/tmp/go-build/prog " + line))
		if !HelpRequested(err) {
			t.Fatalf("%q: %v", line, err)
		}
		var out, errOut bytes.Buffer
		if code := Report(err, &out, &errOut); code != 0 || errOut.Len() != 0 {
			t.Fatalf("%q: exit %d, stderr %q", line, code, errOut.String())
		}
		want := `Usage: prog [switches]
  --port, -p <port>  port to listen on (0: any free port) (default 7681)
  -s <server>        server to connect to (default localhost)
  -h                 strict Host: check
  -c <n>             connections at once (default 3)
  --ssl              use TLS
  -d <mask>          log bitmask: 1 ERR, 2 WARN, 4 NOTICE, 8 INFO, 16 DEBUG, 1024 USER (default 1031)
  --ignore-sigterm   ignore SIGTERM (CI runners send it early); Ctrl-C still stops
  --help             print this help and exit
`
		if out.String() != want {
			t.Fatalf("%q: help\n%s\nwant\n%s", line, out.String(), want)
		}
	}
	// Where the example does not use -h, -h is help too.
	if _, err := (Switches{}).Parse([]string{"prog", "-h"}); !HelpRequested(err) {
		t.Fatalf("-h: %v", err)
	}
}

func TestArgs(t *testing.T) {
	files := Switches{
		{Name: "-o", Kind: String, Arg: "binary", Default: "out", Help: "the binary to write"},
		{Name: "<file>...", Kind: Args, Help: "protocol files"},
	}
	v, err := files.Parse([]string{"prog", "a.go", "-o", "x", "b.go", "--", "-c.go"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(v.Args(), " "); got != "a.go b.go -c.go" || v.String("-o") != "x" {
		t.Fatalf("args %q -o %q", got, v.String("-o"))
	}
	if !strings.HasPrefix(v.Help(), "Usage: prog [switches] <file>...\n") {
		t.Fatalf("help: %s", v.Help())
	}
}

func TestUndeclaredNameIsABug(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	parse(t, "").Has("-x")
}

func TestErrorf(t *testing.T) {
	err := parse(t, "").Errorf("--upstream %s: missing port", "x")
	var out, errOut bytes.Buffer
	if code := Report(err, &out, &errOut); code != 2 || errOut.String() != "prog: --upstream x: missing port (see prog --help)\n" {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestMustParse(t *testing.T) {
	if v := table.MustParse([]string{"prog", "-p", "1"}); v.Int("--port") != 1 {
		t.Fatalf("port %d", v.Int("--port"))
	}
	defer func() {
		if _, ok := recover().(*UsageError); !ok {
			t.Fatal("no usage error panic")
		}
	}()
	table.MustParse([]string{"prog", "--bogus"})
}

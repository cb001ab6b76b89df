package cmdline

import (
	"bytes"
	"strings"
	"testing"
)

func TestOption(t *testing.T) {
	tests := []struct {
		args    string
		sw      string
		value   string
		present bool
	}{
		{"prog -d 1151", "-d", "1151", true},
		{"prog -d1151", "-d", "1151", true},
		{"prog -d=1151", "-d", "1151", true},
		{"prog -d 7 -d 15", "-d", "15", true},  // the last occurrence wins
		{"prog -d", "-d", "", true},            // bare switch at the end: present, empty
		{"prog -s", "-s", "", true},            //
		{"prog --ssl", "-s", "", false},        // "--ssl" does not start with "-s"
		{"prog -port 99", "-p", "ort", true},   // starts-with matching, as lws
		{"prog -p 7000 x", "-p", "7000", true}, //
		{"prog", "-d", "", false},              //
		{"-d prog", "-d", "", false},           // argv[0] is never a switch
		{"prog --unknown -v", "-v", "", true},  // unknown switches are ignored
		{"prog -s -h", "-s", "-h", true},       // lws takes the next argv as the value
	}
	for _, tt := range tests {
		v, ok := Option(strings.Fields(tt.args), tt.sw)
		if v != tt.value || ok != tt.present {
			t.Errorf("%q %s: got (%q, %v) want (%q, %v)", tt.args, tt.sw, v, ok, tt.value, tt.present)
		}
	}
}

func TestBuiltin(t *testing.T) {
	if b := Builtin([]string{"prog"}); b.LogLevel != 1031 || b.IgnoreSigterm {
		t.Fatalf("defaults: %+v", b)
	}
	if b := Builtin([]string{"prog", "-d", "1151", "--ignore-sigterm"}); b.LogLevel != 1151 || !b.IgnoreSigterm {
		t.Fatalf("got %+v", b)
	}
	if b := Builtin([]string{"prog", "-d", "lots"}); b.LogLevel != DefaultLogLevel {
		t.Fatalf("garbage level: %+v", b)
	}
}

func TestPrintHelp(t *testing.T) {
	var buf bytes.Buffer
	PrintHelp(&buf, "lws-minimal", []Switch{{"-d", "Debug logs"}, {"-s", "Use TLS"}})
	want := "Usage: lws-minimal [switches]\n  -d                   Debug logs\n  -s                   Use TLS\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const policy = `{"release": "1", "product": "p", "schema-version": 1,
 "retry": [{"default": {"backoff": [1000], "conceal": 1, "jitterpc": 0}}],
 "s": [{"mintest": {"endpoint": "localhost", "port": 7681, "protocol": "h1", "http_method": "GET", "http_url": "/", "retry": "default"}}]}`

func TestWritesTheFile(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "policy.json"), filepath.Join(dir, "static-policy.go")
	if err := os.WriteFile(in, []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"policy2go", "-o", out, "--pkg", "static", in}, nil, nil); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "package static") || !strings.Contains(string(src), "var StaticPolicy = &ss.Policy{") {
		t.Fatalf("output:\n%s", src)
	}
	// The same on stdout from stdin.
	var stdout bytes.Buffer
	if err := run([]string{"policy2go", "-pkg", "static"}, strings.NewReader(policy), &stdout); err != nil || !bytes.Equal(stdout.Bytes(), src) {
		t.Fatalf("stdout: %v\n%s", err, stdout.String())
	}
}

// A policy that does not parse leaves the previous output untouched (a
// shell redirection would have emptied it) and no temporary file behind.
func TestFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "policy.json"), filepath.Join(dir, "static-policy.go")
	if err := os.WriteFile(in, []byte(`{"s": [{"x": {"protocol": "nope"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"policy2go", "-o", out, in}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), `unknown protocol "nope"`) {
		t.Fatalf("err %v", err)
	}
	if got, _ := os.ReadFile(out); string(got) != "package main\n" {
		t.Fatalf("the old file became %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("left behind: %v", entries)
	}
}

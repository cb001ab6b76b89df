package lws

import "testing"

// With overlapping extra suffixes the longest wins, whatever order the
// map is walked in.
func TestMimetypeLongestExtraSuffixWins(t *testing.T) {
	m := &Mount{ExtraMimetypes: map[string]string{".bz2": "application/x-bzip2", ".tar.bz2": "application/x-bzip2-tar", "*": ""}}
	for range 200 {
		if got := Mimetype("a.TAR.bz2", m); got != "application/x-bzip2-tar" {
			t.Fatalf("a.tar.bz2: %q", got)
		}
		if got := Mimetype("a.bz2", m); got != "application/x-bzip2" {
			t.Fatalf("a.bz2: %q", got)
		}
	}
	if got := Mimetype("a.unknown", m); got != "application/octet-stream" {
		t.Fatalf("fallback: %q", got)
	}
	if got := Mimetype("a.unknown", &Mount{}); got != "" {
		t.Fatalf("unknown without fallback: %q", got)
	}
}

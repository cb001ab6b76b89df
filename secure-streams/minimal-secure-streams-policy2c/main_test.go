package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// The example policy (minimal-secure-streams's) becomes Go that parses,
// declares every cert of every trust store, and names its variable.
func TestGenerate(t *testing.T) {
	in, err := os.ReadFile("testdata/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"policy2c", "-pkg", "static", "--var", "Policy"}, bytes.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	src := out.String()
	if _, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0); err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, src)
	}
	for _, want := range []string{"package static", "var Policy = &ss.Policy{", "certLocalhost100y = &ss.Cert{", "&ss.TrustStore{Name: \"localhost_ts\", Certs: []*ss.Cert{certLocalhost100y}}", "TrustStore: trustLocalhostTs", "Retry: retryDefault", "ss.FlagOpportunistic | ss.FlagTLS"} {
		if !strings.Contains(src, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// A policy that does not parse generates nothing and says why.
func TestBadPolicy(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"policy2c"}, strings.NewReader(`{"s": [{"x": {"protocol": "nope"}}]}`), &out)
	if err == nil || !strings.Contains(err.Error(), `unknown protocol "nope"`) || out.Len() != 0 {
		t.Fatalf("err %v, output %q", err, out.String())
	}
}

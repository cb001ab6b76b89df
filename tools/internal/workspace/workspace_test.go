package workspace

import (
	"slices"
	"testing"
)

func TestExamples(t *testing.T) {
	root, err := Root(".")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := Examples(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ws-server/minimal-ws-server", "lwsws", "test-apps/test-server"} {
		if !slices.Contains(ex, want) {
			t.Errorf("%s missing from %v", want, ex)
		}
	}
	if slices.Contains(ex, "lws") || slices.Contains(ex, "tools") || len(ex) < 30 {
		t.Errorf("examples: %v", ex)
	}
}

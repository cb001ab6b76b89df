package lwsac

import (
	"strings"
	"testing"
)

func TestCarvesFromChunks(t *testing.T) {
	a := New(512)
	var vals []string
	for i := range 10 {
		vals = append(vals, a.String([]byte(strings.Repeat(string(rune('a'+i)), 50))))
	}
	// 10 × 50 bytes fit one 512-byte chunk.
	if a.Chunks() != 1 || a.TotalAlloc() != 512 {
		t.Fatalf("%d chunks, %d bytes", a.Chunks(), a.TotalAlloc())
	}
	a.String([]byte(strings.Repeat("x", 20))) // 12 bytes left: a new chunk
	if a.Chunks() != 2 {
		t.Fatalf("%d chunks", a.Chunks())
	}
	big := a.Alloc(2000) // bigger than a chunk: its own
	if len(big) != 2000 || cap(big) != 2000 || a.TotalAlloc() != 512+512+2000 {
		t.Fatalf("big: len %d cap %d, total %d", len(big), cap(big), a.TotalAlloc())
	}
	a.Free()
	if a.Chunks() != 0 || a.TotalAlloc() != 0 {
		t.Fatal("Free left chunks counted")
	}
	// Values carved before Free are untouched by later use.
	for range 100 {
		a.String([]byte(strings.Repeat("z", 100)))
	}
	for i, v := range vals {
		if v != strings.Repeat(string(rune('a'+i)), 50) {
			t.Fatalf("value %d changed: %q", i, v)
		}
	}
	if a.String(nil) != "" {
		t.Fatal("empty value")
	}
}

// An allocation never reaches into the next value's bytes.
func TestAllocCapIsBounded(t *testing.T) {
	a := New(64)
	b1 := a.Alloc(10)
	b2 := a.Alloc(10)
	b1 = append(b1, 'X') // must not write into b2
	if b2[0] == 'X' {
		t.Fatal("append through one allocation overwrote the next")
	}
	_ = b1
}

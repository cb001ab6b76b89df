package lwsac

import "testing"

type item struct {
	v    int
	next *item
}

// Objects come from chunks: 1000 16-byte items in 4000-byte chunks are
// 4 allocations, and each object is distinct and zeroed.
func TestChunks(t *testing.T) {
	var a Chunks[item]
	seen := map[*item]bool{}
	for i := range 1000 {
		p := a.Use()
		if p.v != 0 || p.next != nil || seen[p] {
			t.Fatalf("item %d reused or dirty", i)
		}
		p.v = i
		seen[p] = true
	}
	if c, n := a.Info(); c != 4 || n != 1000 {
		t.Fatalf("%d chunks for %d items", c, n)
	}
	if allocs := testing.AllocsPerRun(10, func() {
		var b Chunks[item]
		for range 1000 {
			b.Use()
		}
	}); allocs != 4 {
		t.Fatalf("%v allocations for 1000 items, want 4", allocs)
	}
	a.Free()
	if c, n := a.Info(); c != 0 || n != 0 {
		t.Fatalf("after Free: %d chunks, %d items", c, n)
	}
}

// An object bigger than a chunk still gets one (a chunk of one).
func TestBigObject(t *testing.T) {
	var a Chunks[[5000]byte]
	a.Use()
	a.Use()
	if c, _ := a.Info(); c != 2 {
		t.Fatalf("%d chunks", c)
	}
}

package lwsac

import "unsafe"

// Arena is a chain of chunks values are carved from: struct lwsac.
type Arena struct {
	chunkSize int
	chunks    int    // chunks allocated since the last Free
	cur       []byte // the free tail of the current chunk
	total     int    // bytes of chunks allocated since the last Free
}

// New makes an empty arena whose chunks hold chunkSize bytes (lws's
// ac_chunk_size; 4000 if chunkSize <= 0, lws's default).
func New(chunkSize int) *Arena {
	if chunkSize <= 0 {
		chunkSize = 4000
	}
	return &Arena{chunkSize: chunkSize}
}

// Alloc returns n bytes carved from the arena (lwsac_use). A value bigger
// than a chunk gets a chunk of its own size, as in lws.
func (a *Arena) Alloc(n int) []byte {
	if n > len(a.cur) {
		size := max(a.chunkSize, n)
		a.cur = make([]byte, size)
		a.chunks++
		a.total += size
	}
	b := a.cur[:n:n]
	a.cur = a.cur[n:]
	return b
}

// String copies b into the arena and returns it as a string, without a
// second copy: the bytes are never written again.
func (a *Arena) String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	d := a.Alloc(len(b))
	copy(d, b)
	return unsafe.String(&d[0], len(d))
}

// Chunks returns how many chunks the arena has allocated since it was
// made or last freed.
func (a *Arena) Chunks() int { return a.chunks }

// TotalAlloc returns the bytes of chunks allocated since the arena was
// made or last freed (lwsac_total_alloc).
func (a *Arena) TotalAlloc() int { return a.total }

// Free releases every chunk at once (lwsac_free); the arena can be used
// again.
func (a *Arena) Free() {
	a.cur, a.chunks, a.total = nil, 0, 0
}

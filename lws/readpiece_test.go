package lws

import (
	"io"
	"testing"
)

// lastWithEOF returns its bytes one at a time, the last one with io.EOF,
// then io.ErrClosedPipe, as gorilla's decompressing reader does.
type lastWithEOF struct{ b []byte }

func (r *lastWithEOF) Read(p []byte) (int, error) {
	if r.b == nil {
		return 0, io.ErrClosedPipe
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0], r.b = r.b[0], r.b[1:]
	if len(r.b) == 0 {
		r.b = nil
		return 1, io.EOF
	}
	return 1, nil
}

// A message whose last bytes fill a piece exactly ends with io.EOF on the
// next piece, not with the reader's complaint about being read again.
func TestReadPieceKeepsEOF(t *testing.T) {
	r := &lastWithEOF{b: []byte("abcd")}
	var eof bool
	p := make([]byte, 2)
	for _, want := range []string{"ab", "cd"} {
		if n, err := readPiece(r, p, &eof); err != nil || string(p[:n]) != want {
			t.Fatalf("piece %q, %v; want %q", p[:n], err, want)
		}
	}
	if n, err := readPiece(r, p, &eof); n != 0 || err != io.EOF {
		t.Fatalf("after the last piece: %d, %v; want io.EOF", n, err)
	}
	r, eof = &lastWithEOF{b: []byte("abc")}, false
	readPiece(r, p, &eof)
	if n, err := readPiece(r, p, &eof); n != 1 || err != io.ErrUnexpectedEOF {
		t.Fatalf("short last piece: %d, %v; want 1, io.ErrUnexpectedEOF", n, err)
	}
}

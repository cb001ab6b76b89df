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
	if n, err := readPiece(r, p, &eof); n != 1 || err != errLastPiece {
		t.Fatalf("short last piece: %d, %v; want 1, errLastPiece", n, err)
	}
}

// cutOff is a message that breaks off: its reader's own
// io.ErrUnexpectedEOF (a truncated deflate stream, a connection gone
// mid-frame).
type cutOff struct{ b []byte }

func (r *cutOff) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// A reader's io.ErrUnexpectedEOF is an error, not the end of the message:
// a cut-off message must not be delivered as a whole one.
func TestReadPieceCutOffIsAnError(t *testing.T) {
	var eof bool
	p := make([]byte, 4)
	if n, err := readPiece(&cutOff{b: []byte("ab")}, p, &eof); err != io.ErrUnexpectedEOF || eof {
		t.Fatalf("cut-off message: %d, %v (eof %v); want io.ErrUnexpectedEOF", n, err, eof)
	}
}

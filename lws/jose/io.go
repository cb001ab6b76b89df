package jose

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// Bounds on what the tools read. lws's tools read stdin into a 4 MiB
// buffer (MAX_SIZE), key files into 4 KiB and PEM files into 6 KiB, and
// cut off silently what does not fit; here the bounds are larger for
// files, and going past one is an error rather than a truncation.
const (
	MaxInput   = 4 << 20 // stdin: a payload, JWS or JWE
	MaxKeyFile = 64 << 10
	MaxPEMFile = 1 << 20
)

// TooLargeError is input past its bound (where lws's tools would have
// cut it off at their buffer's size).
type TooLargeError struct {
	What  string
	Limit int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: more than %d bytes", e.What, e.Limit)
}

// ReadInput reads all of r, refusing more than limit bytes, without
// holding more than limit+1 of them: what lws's tools do with read(0, ...)
// into their MAX_SIZE buffer. When ctx ends first (Ctrl-C while a
// terminal's stdin waits for input) it returns ctx's error at once; the
// read itself cannot be interrupted and is left to end with the process.
func ReadInput(ctx context.Context, r io.Reader, what string, limit int) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := readLimited(r, what, limit)
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		return res.b, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("reading %s: %w", what, context.Cause(ctx))
	}
}

// Interruptible (no lws counterpart: lws's tools die by SIGINT, Go
// programs on cmdline.Main catch it) runs fn, a step that cannot be
// cancelled (generating an RSA-4096 key takes seconds on a loaded
// machine), and returns its result, or ctx's error as soon as ctx ends;
// fn is then left to end with the process.
func Interruptible[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case res := <-done:
		return res.v, res.err
	case <-ctx.Done():
		var zero T
		return zero, context.Cause(ctx)
	}
}

func readLimited(r io.Reader, what string, limit int) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if len(b) > limit {
		return nil, &TooLargeError{What: what, Limit: limit}
	}
	return b, nil
}

// ReadFile reads a file of at most limit bytes: the read of lws_jwk_load
// and of lws-crypto-x509's read_pem, bounded.
func ReadFile(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, path, limit)
}

// WriteC writes s as the lines of a C string literal, as lws's tools'
// -c does (their format_c): quotes escaped, a line break after "{", ","
// and before "}", and long runs broken every 60 characters. A compact
// JWS or JWE (no braces) is one quoted string broken the same way.
func WriteC(w io.Writer, s string) error {
	var b strings.Builder
	seq := 0
	bare := !strings.HasPrefix(s, "{") // a compact JWS or JWE: one quoted string
	if bare {
		b.WriteByte('"')
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '{':
			b.WriteString("\"{\"\n\t\"")
			seq = 0
		case '}':
			b.WriteString("\"\n\"}\"\n")
			seq = 0
		case '"':
			b.WriteString("\\\"")
			seq += 2
		case ',':
			b.WriteString(",\"\n\t\"")
			seq = 0
		default:
			b.WriteByte(c)
			seq++
			if seq >= 60 {
				b.WriteString("\"\n\t \"")
				seq = 1
			}
		}
	}
	if bare {
		b.WriteString("\"\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

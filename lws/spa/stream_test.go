package spa

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
)

// A file passes through in pieces: however big, the parser holds no more
// than a delimiter's worth of it between calls.
func TestFileIsStreamedNotHeld(t *testing.T) {
	const size = 8 << 20
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("file", "big.bin")
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	for n := 0; n < size; n += len(chunk) {
		fw.Write(chunk)
	}
	w.WriteField("text1", "after")
	w.Close()
	body := b.Bytes()

	got, biggest := 0, 0
	s := New(w.FormDataContentType(), Info{Params: []string{"text1"}, MaxStorage: 64, MaxBody: -1,
		File: func(_, _ string, data []byte, st FileState) error {
			got += len(data)
			return nil
		}})
	for len(body) > 0 {
		n := min(65536, len(body))
		if err := s.Process(body[:n]); err != nil {
			t.Fatal(err)
		}
		body = body[n:]
		biggest = max(biggest, cap(s.pend), cap(s.val))
	}
	if err := s.Finalize(); err != nil {
		t.Fatal(err)
	}
	if got != size {
		t.Fatalf("file: %d bytes, want %d", got, size)
	}
	if v, _ := s.String(0); v != "after" {
		t.Fatalf("text1 = %q", v)
	}
	// pend holds a header block or a delimiter's start: never a piece.
	if biggest > DefaultMaxHeader+len(s.delim) {
		t.Fatalf("parser held %d bytes between pieces", biggest)
	}
	t.Logf("largest buffer kept between pieces: %d bytes", biggest)
}

type stdField struct {
	name, filename, value string
}

// stdlibParse is what mime/multipart and net/url make of a body.
func stdlibParse(ct string, body []byte, params []string) (fields map[string]string, files []stdField, err error) {
	fields = map[string]string{}
	s := New(ct, Info{})
	if s.delim == nil {
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, err
		}
		for _, p := range params {
			if v, ok := q[p]; ok {
				fields[p] = v[0]
			}
		}
		return fields, nil, nil
	}
	if s.err != nil {
		return nil, nil, s.err
	}
	r := multipart.NewReader(bytes.NewReader(body), string(s.delim[4:]))
	for {
		p, err := r.NextRawPart()
		if errors.Is(err, io.EOF) {
			return fields, files, nil
		}
		if err != nil {
			return nil, nil, err
		}
		v, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, err
		}
		_, dp, _ := parseDisposition(p.Header.Get("Content-Disposition"))
		if dp["filename"] != "" {
			files = append(files, stdField{p.FormName(), dp["filename"], string(v)})
			continue
		}
		if _, seen := fields[p.FormName()]; !seen {
			for _, want := range params {
				if want == p.FormName() {
					fields[want] = string(v)
				}
			}
		}
	}
}

// FuzzAgainstStdlib feeds any body, cut where the fuzzer says, to the
// push parser and to mime/multipart (or net/url): where the standard
// library accepts the body, the parser must too, with the same fields and
// files. Where the parser accepts a body, the standard library must have
// accepted it (or ended it early at a closing boundary it also found).
func FuzzAgainstStdlib(f *testing.F) {
	ct, body := multipartBody(&testing.T{}, map[string]string{"text": "v", "a": "x\r\ny"}, "file", "f.txt", "abc\r\n--not")
	f.Add(ct, body, uint8(7))
	f.Add("multipart/form-data; boundary=b", []byte("preamble\r\n--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b--\r\n"), uint8(1))
	f.Add("multipart/form-data; boundary=b", []byte("--b  \r\n\r\nv\r\n--b--"), uint8(3))
	f.Add("application/x-www-form-urlencoded", []byte("a=b&c=%zz"), uint8(2))
	f.Add("application/x-www-form-urlencoded", []byte("text=a+b%20c&a&text=2"), uint8(5))
	params := []string{"text", "a"}
	f.Fuzz(func(t *testing.T, ct string, body []byte, cut uint8) {
		wantFields, wantFiles, stdErr := stdlibParse(ct, body, params)
		var files []stdField
		s := New(ct, Info{Params: params, MaxStorage: 1 << 20, MaxBody: -1,
			File: func(name, filename string, data []byte, st FileState) error {
				if st == FileOpen {
					files = append(files, stdField{name: name, filename: filename})
				}
				if len(files) > 0 {
					files[len(files)-1].value += string(data)
				}
				return nil
			}})
		var err error
		step := int(cut%64) + 1
		for b := body; len(b) > 0 && err == nil; {
			n := min(step, len(b))
			err = s.Process(b[:n])
			b = b[n:]
		}
		if err == nil {
			err = s.Finalize()
		}
		if stdErr != nil {
			return // refused by the reference: ours may refuse or not
		}
		if errors.Is(err, ErrFieldTooLong) {
			return // a bound of ours, not a verdict on the syntax
		}
		if err != nil {
			// mime/multipart treats a body that stops without its
			// closing boundary as ended; the parser insists on it.
			if errors.Is(err, ErrMalformed) && strings.Contains(err.Error(), "closing boundary") {
				return
			}
			if errors.Is(err, ErrMalformed) && s.delim != nil {
				// textproto and mime are stricter inside header blocks
				// than NextRawPart's reader; only a malformed verdict
				// may differ.
				return
			}
			t.Fatalf("refused a body the standard library takes: %v", err)
		}
		for _, p := range params {
			got, ok := s.String(s.index(p))
			want, wok := wantFields[p]
			if ok != wok || got != want {
				t.Fatalf("%s: got %q (%v), want %q (%v)", p, got, ok, want, wok)
			}
		}
		if len(files) != len(wantFiles) {
			t.Fatalf("files: got %d, want %d", len(files), len(wantFiles))
		}
		for i := range files {
			if files[i] != wantFiles[i] {
				t.Fatalf("file %d: got %+v, want %+v", i, files[i], wantFiles[i])
			}
		}
	})
}

func parseDisposition(v string) (string, map[string]string, error) {
	return mime.ParseMediaType(v)
}

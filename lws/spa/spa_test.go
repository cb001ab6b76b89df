package spa

import (
	"bytes"
	"errors"
	"mime/multipart"
	"strings"
	"testing"
)

// multipartBody builds a body the way a browser (and Go's client) does.
func multipartBody(t *testing.T, fields map[string]string, fileField, filename, content string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// feed gives the body to Process in small pieces, as ReasonHTTPBody does.
func feed(t *testing.T, s *Spa, body []byte, piece int) {
	t.Helper()
	for len(body) > 0 {
		n := min(piece, len(body))
		if err := s.Process(body[:n]); err != nil {
			t.Fatal(err)
		}
		body = body[n:]
	}
}

func TestMultipartFieldsAndFile(t *testing.T) {
	content := strings.Repeat("file content ", 1000) // several FileFunc pieces
	ct, body := multipartBody(t, map[string]string{"text": "my text field", "other": "ignored"}, "file", "myfile.txt", content)
	var got bytes.Buffer
	var states []FileState
	s := New(ct, Info{Params: []string{"text", "send", "file"}, MaxStorage: 1024,
		File: func(name, filename string, data []byte, st FileState) error {
			if name != "file" || filename != "myfile.txt" {
				t.Errorf("file part %q %q", name, filename)
			}
			if len(states) == 0 || states[len(states)-1] != st {
				states = append(states, st)
			}
			got.Write(data)
			return nil
		}})
	feed(t, s, body, 37)
	if err := s.Finalize(); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.String(0); !ok || v != "my text field" || s.Length(0) != 13 {
		t.Errorf("text = %q %v", v, ok)
	}
	if _, ok := s.String(1); ok {
		t.Error("send should be absent")
	}
	if got.String() != content {
		t.Errorf("file content: got %d bytes, want %d", got.Len(), len(content))
	}
	want := []FileState{FileOpen, FileContent, FileFinalContent, FileClose}
	if len(states) != len(want) {
		t.Fatalf("states %v, want %v", states, want)
	}
	for i := range want {
		if states[i] != want[i] {
			t.Fatalf("states %v, want %v", states, want)
		}
	}
}

func TestURLEncoded(t *testing.T) {
	s := New("application/x-www-form-urlencoded", Info{Params: []string{"text1", "send"}, MaxStorage: 64})
	feed(t, s, []byte("text1=hello%20there&send=Send"), 4)
	if err := s.Finalize(); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.String(0); v != "hello there" {
		t.Errorf("text1 = %q", v)
	}
}

// Bad input: each gets an error naming what is wrong, never a panic or a
// silently truncated value.
func TestBadInput(t *testing.T) {
	t.Run("body over MaxBody", func(t *testing.T) {
		s := New("application/x-www-form-urlencoded", Info{Params: []string{"a"}, MaxStorage: 10, MaxBody: 8})
		if err := s.Process([]byte("a=123456789")); !errors.Is(err, ErrTooBig) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("values over MaxStorage", func(t *testing.T) {
		s := New("application/x-www-form-urlencoded", Info{Params: []string{"a", "b"}, MaxStorage: 6, MaxFieldLen: 4})
		feed(t, s, []byte("a=1234&b="), 100)
		if err := s.Process([]byte("123")); !errors.Is(err, ErrFieldTooLong) || !strings.Contains(err.Error(), `"b"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("field over its limit", func(t *testing.T) {
		s := New("application/x-www-form-urlencoded", Info{Params: []string{"a"}, MaxStorage: 1024, MaxFieldLen: 8})
		err := s.Process([]byte("a=" + strings.Repeat("x", 9)))
		if !errors.Is(err, ErrFieldTooLong) || !strings.Contains(err.Error(), `field "a" is longer than 8 bytes`) {
			t.Fatalf("err = %v", err)
		}
		if err := s.Finalize(); err == nil {
			t.Fatal("Finalize after a refused body succeeded")
		}
	})
	t.Run("multipart field over its limit", func(t *testing.T) {
		ct, body := multipartBody(t, map[string]string{"a": strings.Repeat("y", 2000)}, "", "", "")
		s := New(ct, Info{Params: []string{"a"}, MaxStorage: 1024})
		var err error
		for len(body) > 0 && err == nil {
			n := min(100, len(body))
			err = s.Process(body[:n])
			body = body[n:]
		}
		if !errors.Is(err, ErrFieldTooLong) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("part header over MaxHeader", func(t *testing.T) {
		s := New("multipart/form-data; boundary=xx", Info{Params: []string{"a"}, MaxStorage: 10, MaxHeader: 100})
		err := s.Process([]byte("--xx\r\nContent-Disposition: form-data; name=\"a\"; x=\"" + strings.Repeat("z", 200)))
		if !errors.Is(err, ErrFieldTooLong) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad escape", func(t *testing.T) {
		s := New("application/x-www-form-urlencoded", Info{Params: []string{"a"}, MaxStorage: 10})
		if err := s.Process([]byte("a=%zz")); !errors.Is(err, ErrMalformed) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("file callback hears close when the parse is abandoned", func(t *testing.T) {
		ct, body := multipartBody(t, nil, "file", "f.bin", strings.Repeat("x", 5000))
		var states []FileState
		s := New(ct, Info{MaxStorage: 4, File: func(_, _ string, _ []byte, st FileState) error {
			states = append(states, st)
			return nil
		}})
		feed(t, s, body[:len(body)/2], 1000)
		s.Destroy()
		if len(states) < 2 || states[0] != FileOpen || states[len(states)-1] != FileClose {
			t.Fatalf("states %v", states)
		}
	})
	t.Run("multipart without boundary", func(t *testing.T) {
		s := New("multipart/form-data", Info{Params: []string{"a"}, MaxStorage: 4})
		if err := s.Finalize(); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("truncated multipart", func(t *testing.T) {
		ct, body := multipartBody(t, map[string]string{"a": "x"}, "", "", "")
		s := New(ct, Info{Params: []string{"a"}, MaxStorage: 4})
		feed(t, s, body[:len(body)/2], 100)
		if err := s.Finalize(); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("file refused", func(t *testing.T) {
		ct, body := multipartBody(t, nil, "file", "big.bin", strings.Repeat("x", 10000))
		s := New(ct, Info{MaxStorage: 4, File: func(_, _ string, _ []byte, st FileState) error {
			if st == FileContent || st == FileFinalContent {
				return errors.New("too long")
			}
			return nil
		}})
		err := s.Process(body)
		if !errors.Is(err, ErrFileRefused) || !strings.Contains(err.Error(), "big.bin") {
			t.Fatalf("err = %v", err)
		}
		if err := s.Finalize(); err == nil {
			t.Fatal("Finalize after a refused file succeeded")
		}
	})
}

func FuzzSpa(f *testing.F) {
	ct, body := multipartBody(&testing.T{}, map[string]string{"text": "v"}, "file", "f.txt", "abc")
	f.Add(ct, body)
	f.Add("application/x-www-form-urlencoded", []byte("a=b&c=%zz"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		s := New(ct, Info{Params: []string{"text", "a"}, MaxStorage: 64, MaxBody: 4096,
			File: func(string, string, []byte, FileState) error { return nil }})
		if s.Process(body) == nil {
			_ = s.Finalize()
		}
		for i := range 2 {
			if v, ok := s.String(i); ok && len(v) > 64 {
				t.Fatalf("value over MaxStorage: %d", len(v))
			}
		}
	})
}

// Package spa parses POSTed form bodies: the mirror of lws's "stateful POST
// argument" parser, lws_spa. A protocol creates one per transaction when the
// first ReasonHTTPBody arrives, feeds it every body piece with Process, calls
// Finalize at ReasonHTTPBodyCompletion and then reads the named parameters.
// File parts of a multipart/form-data body go to a callback with lws's
// LWS_UFS_* states.
//
// lws parses the body incrementally in C. Here the body is collected, up to
// MaxBody bytes, and parsed at Finalize by the standard library's
// mime/multipart and net/url, the parsers every Go server already trusts;
// the bound keeps what a client can make the server hold small, and a body
// over it is refused with an error rather than truncated.
package spa

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
)

// FileState says what a FileFunc call carries: the mirror of enum
// lws_spa_fileupload_states, with lws's values.
type FileState int

// File upload states, as LWS_UFS_* in lws.
const (
	FileContent      FileState = 0 // LWS_UFS_CONTENT: a piece of the file, more follows
	FileFinalContent FileState = 1 // LWS_UFS_FINAL_CONTENT: the last piece (may be empty)
	FileOpen         FileState = 2 // LWS_UFS_OPEN: a file part starts
	FileClose        FileState = 3 // LWS_UFS_CLOSE: the parser is done with the file
)

// FileFunc receives the file parts of a multipart body: the mirror of
// lws_spa_fileupload_cb. name is the form field, filename what the client
// called the file; returning an error stops the parse (lws: return nonzero).
type FileFunc func(name, filename string, data []byte, state FileState) error

// DefaultMaxBody is the body size Process accepts unless Info.MaxBody says
// otherwise.
const DefaultMaxBody = 1 << 20

// filePiece is how much file content one FileFunc call carries.
const filePiece = 4096

// Info configures a parser: the mirror of lws_spa_create_info.
type Info struct {
	// Params are the field names whose values the parser keeps, in the
	// order String and Length index them (lws's param_names).
	Params []string
	// MaxStorage bounds the total bytes of kept values (lws's
	// max_storage); a body whose values need more fails Finalize.
	MaxStorage int
	// File receives file parts; without it they are skipped.
	File FileFunc
	// MaxBody bounds the body Process collects; DefaultMaxBody if 0.
	MaxBody int
}

// Spa is one transaction's parser (struct lws_spa).
type Spa struct {
	info        Info
	contentType string
	body        bytes.Buffer
	values      []*string
	done        bool
}

// ErrTooBig is returned by Process when the body exceeds Info.MaxBody.
var ErrTooBig = errors.New("spa: body exceeds the size limit")

// New makes a parser for a body of the given Content-Type (the request's
// header): lws_spa_create_via_info. Types other than multipart/form-data are
// parsed as application/x-www-form-urlencoded, as lws does.
func New(contentType string, info Info) *Spa {
	if info.MaxBody <= 0 {
		info.MaxBody = DefaultMaxBody
	}
	return &Spa{info: info, contentType: contentType, values: make([]*string, len(info.Params))}
}

// Process takes the next piece of the body (lws_spa_process).
func (s *Spa) Process(b []byte) error {
	if s.done {
		return errors.New("spa: Process after Finalize")
	}
	if s.body.Len()+len(b) > s.info.MaxBody {
		return fmt.Errorf("%w (%d bytes)", ErrTooBig, s.info.MaxBody)
	}
	s.body.Write(b)
	return nil
}

// Finalize parses the collected body; after it String and Length answer
// (lws_spa_finalize).
func (s *Spa) Finalize() error {
	if s.done {
		return nil
	}
	s.done = true
	mt, params, err := mime.ParseMediaType(s.contentType)
	if err == nil && mt == "multipart/form-data" {
		return s.multipart(params["boundary"])
	}
	return s.urlencoded()
}

func (s *Spa) urlencoded() error {
	q, err := url.ParseQuery(s.body.String())
	if err != nil {
		return fmt.Errorf("spa: urlencoded body: %w", err)
	}
	for i, name := range s.info.Params {
		if v, ok := q[name]; ok && len(v) > 0 {
			if err := s.keep(i, v[0]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Spa) multipart(boundary string) error {
	if boundary == "" {
		return errors.New("spa: multipart body without a boundary")
	}
	// mime/multipart treats a body cut short as a normal end; a body is
	// whole only if its closing delimiter is there.
	if !bytes.Contains(s.body.Bytes(), []byte("--"+boundary+"--")) {
		return errors.New("spa: multipart body ends before its closing boundary")
	}
	r := multipart.NewReader(bytes.NewReader(s.body.Bytes()), boundary)
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("spa: multipart body: %w", err)
		}
		if part.FileName() != "" {
			err = s.file(part)
		} else {
			err = s.field(part)
		}
		part.Close()
		if err != nil {
			return err
		}
	}
}

func (s *Spa) field(part *multipart.Part) error {
	i := s.index(part.FormName())
	limit := int64(s.info.MaxStorage + 1)
	v, err := io.ReadAll(io.LimitReader(part, limit))
	if err != nil {
		return fmt.Errorf("spa: field %q: %w", part.FormName(), err)
	}
	if i < 0 {
		return nil
	}
	return s.keep(i, string(v))
}

// file streams one file part to the FileFunc in lws's state order: OPEN,
// CONTENT..., FINAL_CONTENT, CLOSE.
func (s *Spa) file(part *multipart.Part) error {
	cb := s.info.File
	if cb == nil {
		_, err := io.Copy(io.Discard, part)
		return err
	}
	name, filename := part.FormName(), part.FileName()
	if err := cb(name, filename, nil, FileOpen); err != nil {
		return fmt.Errorf("spa: file %q refused at open: %w", filename, err)
	}
	buf := make([]byte, filePiece)
	for {
		n, err := io.ReadFull(part, buf)
		final := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !final {
			return fmt.Errorf("spa: file %q: %w", filename, err)
		}
		state := FileContent
		if final {
			state = FileFinalContent
		}
		if n > 0 || final {
			if err := cb(name, filename, buf[:n], state); err != nil {
				return fmt.Errorf("spa: file %q refused: %w", filename, err)
			}
		}
		if final {
			break
		}
	}
	if err := cb(name, filename, nil, FileClose); err != nil {
		return fmt.Errorf("spa: file %q: %w", filename, err)
	}
	return nil
}

func (s *Spa) index(name string) int {
	for i, p := range s.info.Params {
		if p == name {
			return i
		}
	}
	return -1
}

// keep stores a value within MaxStorage.
func (s *Spa) keep(i int, v string) error {
	used := 0
	for _, p := range s.values {
		if p != nil {
			used += len(*p)
		}
	}
	if used+len(v) > s.info.MaxStorage {
		return fmt.Errorf("spa: field %q: values exceed the %d bytes of storage", s.info.Params[i], s.info.MaxStorage)
	}
	s.values[i] = &v
	return nil
}

// String returns parameter n's value and whether the body had it
// (lws_spa_get_string, which returns NULL for an absent one).
func (s *Spa) String(n int) (string, bool) {
	if n < 0 || n >= len(s.values) || s.values[n] == nil {
		return "", false
	}
	return *s.values[n], true
}

// Length returns the length of parameter n's value, 0 if absent
// (lws_spa_get_length).
func (s *Spa) Length(n int) int {
	v, _ := s.String(n)
	return len(v)
}

// Destroy releases what the parser holds (lws_spa_destroy).
func (s *Spa) Destroy() {
	s.body = bytes.Buffer{}
	s.values = nil
}

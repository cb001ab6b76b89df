// Package spa parses POSTed form bodies as they arrive: the mirror of lws's
// "stateful POST argument" parser, lws_spa. A protocol creates one per
// transaction when the first ReasonHTTPBody arrives, feeds it every body
// piece with Process, calls Finalize at ReasonHTTPBodyCompletion and then
// reads the named parameters. File parts of a multipart/form-data body go
// to a callback with lws's LWS_UFS_* states, piece by piece, as they arrive.
//
// Like lws, the parser is a push parser: it keeps only the values of the
// parameters it was asked for (each within MaxFieldLen, all within
// MaxStorage), a part's header block (at most MaxHeader bytes) and the few
// bytes that might be the start of a boundary. A file is never held: an
// upload of any size passes through in pieces no bigger than the piece
// Process was given. Every limit a client could push past is an error from
// Process naming the field, so the protocol can refuse the request at
// once instead of reading the rest.
//
// Why not mime/multipart: it pulls from an io.Reader, so on the service
// loop (where the body is pushed, a piece per callback) it would need a
// goroutine per upload. The part headers are parsed with net/textproto and
// mime.ParseMediaType, and FuzzAgainstStdlib holds the parser to
// mime/multipart and net/url on any body.
package spa

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/textproto"

	"github.com/lws-go/lws-go/lws/lwsac"
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
// called the file (unsanitised: the callback decides what to make of it);
// data is valid only during the call. Returning an error stops the parse
// (lws: return nonzero).
type FileFunc func(name, filename string, data []byte, state FileState) error

// Limits used when Info leaves them zero.
const (
	// DefaultMaxBody bounds the body when Info.MaxBody is 0.
	DefaultMaxBody = 1 << 20
	// DefaultMaxHeader bounds one part's header block.
	DefaultMaxHeader = 4096
	// maxName bounds a urlencoded name the parser must read to know
	// whether it wants the value.
	maxName = 256
)

// Errors Process and Finalize wrap, for errors.Is.
var (
	// ErrTooBig: the body is longer than Info.MaxBody.
	ErrTooBig = errors.New("spa: body exceeds the size limit")
	// ErrFieldTooLong: a field's value is longer than Info.MaxFieldLen,
	// or the values together need more than Info.MaxStorage (lws's
	// "exceeded storage").
	ErrFieldTooLong = errors.New("spa: field over its limit")
	// ErrMalformed: the body is not what its Content-Type says.
	ErrMalformed = errors.New("spa: malformed body")
	// ErrFileRefused: the FileFunc returned an error.
	ErrFileRefused = errors.New("spa: file refused")
)

// Info configures a parser: the mirror of lws_spa_create_info.
type Info struct {
	// Params are the field names whose values the parser keeps, in the
	// order String and Length index them (lws's param_names).
	Params []string
	// MaxStorage bounds the total bytes of kept values (lws's
	// max_storage).
	MaxStorage int
	// MaxFieldLen bounds one value; MaxStorage if 0.
	MaxFieldLen int
	// File receives file parts; without it they are skipped.
	File FileFunc
	// MaxBody bounds the whole body, files included; DefaultMaxBody if
	// 0, no bound if negative (a FileFunc then enforces its own).
	MaxBody int64
	// MaxHeader bounds one multipart part's header block;
	// DefaultMaxHeader if 0.
	MaxHeader int
	// AC, when set, is the lwsac the kept values are carved from (lws's
	// lws_spa_create_info.ac): the values live in its chunks and go when
	// the caller frees it, not one by one.
	AC *lwsac.Arena
}

// parse states
type state uint8

const (
	stURLName    state = iota // urlencoded: reading a name
	stURLValue                // urlencoded: reading a value
	stPreamble                // multipart: before the first delimiter
	stAfterDelim              // multipart: "--" (end) or padding and CRLF
	stHeaders                 // multipart: a part's header block
	stPartBody                // multipart: a part's content
	stEpilogue                // multipart: after the closing delimiter
	stFailed                  // an error was returned; nothing more is taken
)

// Spa is one transaction's parser (struct lws_spa).
type Spa struct {
	info   Info
	st     state
	err    error  // a Content-Type problem, reported by Process/Finalize
	total  int64  // body bytes seen
	delim  []byte // "\r\n--" + boundary
	pend   []byte // bytes kept across pieces: a header block, or a possible delimiter start
	stored int    // bytes of values kept

	// the field or part being read
	name     []byte // urlencoded name (raw, decoded at '=')
	want     int    // Params index of the value being read, -1 if unwanted
	val      []byte // the value being read
	pct      []byte // urlencoded: a '%' escape split across pieces
	file     bool   // the part is a file going to info.File
	partName string
	filename string
	done     bool // Finalize succeeded

	values []*string
}

// New makes a parser for a body of the given Content-Type (the request's
// header): lws_spa_create_via_info. Types other than multipart/form-data
// are parsed as application/x-www-form-urlencoded, as lws does.
func New(contentType string, info Info) *Spa {
	if info.MaxBody == 0 {
		info.MaxBody = DefaultMaxBody
	}
	if info.MaxFieldLen <= 0 || info.MaxFieldLen > info.MaxStorage {
		info.MaxFieldLen = info.MaxStorage
	}
	if info.MaxHeader <= 0 {
		info.MaxHeader = DefaultMaxHeader
	}
	s := &Spa{info: info, values: make([]*string, len(info.Params)), want: -1}
	mt, params, err := mime.ParseMediaType(contentType)
	if err == nil && mt == "multipart/form-data" {
		b := params["boundary"]
		if b == "" || len(b) > 70 { // RFC 2046 5.1.1: 1 to 70 characters
			s.err = fmt.Errorf("%w: multipart body without a valid boundary", ErrMalformed)
		}
		// The body is parsed as if it started with CRLF, so the first
		// delimiter is found like every other one.
		s.delim = []byte("\r\n--" + b)
		s.pend = append(s.pend, "\r\n"...)
		s.st = stPreamble
	}
	return s
}

// fail records err; the parser takes nothing more.
func (s *Spa) fail(err error) error {
	s.st = stFailed
	s.err = err
	if s.file {
		// The callback hears that the file is over, as with lws's
		// LWS_UFS_CLOSE when a parse is abandoned.
		s.file = false
		_ = s.info.File(s.partName, s.filename, nil, FileClose)
	}
	return err
}

// Process takes the next piece of the body (lws_spa_process). An error
// (wrapping one of the Err values) means the body is refused; the parser
// takes nothing more.
func (s *Spa) Process(b []byte) error {
	if s.err != nil {
		return s.err
	}
	if s.done {
		return errors.New("spa: Process after Finalize")
	}
	s.total += int64(len(b))
	if s.info.MaxBody > 0 && s.total > s.info.MaxBody {
		return s.fail(fmt.Errorf("%w (%d bytes)", ErrTooBig, s.info.MaxBody))
	}
	var err error
	if s.delim == nil {
		err = s.urlencoded(b)
	} else {
		err = s.multipart(b)
	}
	if err != nil {
		return s.fail(err)
	}
	return nil
}

// Finalize says the body is complete; after it String and Length answer
// (lws_spa_finalize). A body that stops inside a part is an error.
func (s *Spa) Finalize() error {
	if s.done {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	if s.delim == nil {
		if err := s.urlEnd(); err != nil {
			return s.fail(err)
		}
	} else if s.st != stEpilogue {
		return s.fail(fmt.Errorf("%w: multipart body ends before its closing boundary", ErrMalformed))
	}
	s.done = true
	return nil
}

// ---- application/x-www-form-urlencoded

func (s *Spa) urlencoded(b []byte) error {
	for len(b) > 0 {
		switch s.st {
		case stURLName:
			i := bytes.IndexAny(b, "=&")
			if i < 0 {
				s.name = append(s.name, b...)
				if len(s.name) > maxName {
					return fmt.Errorf("%w: a field name longer than %d bytes", ErrFieldTooLong, maxName)
				}
				return nil
			}
			s.name = append(s.name, b[:i]...)
			if len(s.name) > maxName {
				return fmt.Errorf("%w: a field name longer than %d bytes", ErrFieldTooLong, maxName)
			}
			if b[i] == '&' { // "name&": a field without '=' has an empty value
				if err := s.urlEnd(); err != nil {
					return err
				}
			} else {
				name, err := unescape(s.name)
				if err != nil {
					return err
				}
				s.want = s.index(name)
				s.val = s.val[:0]
				s.st = stURLValue
			}
			b = b[i+1:]
		case stURLValue:
			i := bytes.IndexByte(b, '&')
			piece := b
			if i >= 0 {
				piece = b[:i]
			}
			if err := s.urlValue(piece); err != nil {
				return err
			}
			if i < 0 {
				return nil
			}
			if err := s.urlEnd(); err != nil {
				return err
			}
			b = b[i+1:]
		}
	}
	return nil
}

// urlValue decodes a piece of a value, keeping it if the field is wanted.
// Unwanted values are still checked for bad escapes (net/url refuses
// them), but not kept.
func (s *Spa) urlValue(p []byte) error {
	for _, c := range p {
		if len(s.pct) > 0 || c == '%' {
			s.pct = append(s.pct, c)
			if len(s.pct) < 3 {
				continue
			}
			hi, ok1 := unhex(s.pct[1])
			lo, ok2 := unhex(s.pct[2])
			if !ok1 || !ok2 {
				return fmt.Errorf("%w: invalid escape %q", ErrMalformed, s.pct)
			}
			c = hi<<4 | lo
			s.pct = s.pct[:0]
		} else if c == '+' {
			c = ' '
		}
		if s.want >= 0 {
			if err := s.grow(1); err != nil {
				return err
			}
			s.val = append(s.val, c)
		}
	}
	return nil
}

// urlEnd ends the field being read.
func (s *Spa) urlEnd() error {
	if len(s.pct) > 0 {
		return fmt.Errorf("%w: invalid escape %q", ErrMalformed, s.pct)
	}
	switch {
	case s.st == stURLValue:
		if s.want >= 0 {
			s.keep()
		}
	case len(s.name) > 0: // "name" alone: net/url gives it an empty value
		name, err := unescape(s.name)
		if err != nil {
			return err
		}
		s.want = s.index(name)
		s.val = s.val[:0]
		if s.want >= 0 {
			s.keep()
		}
	}
	s.st, s.name, s.want = stURLName, s.name[:0], -1
	return nil
}

// unescape decodes a whole urlencoded name.
func unescape(b []byte) (string, error) {
	var out []byte
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '+':
			out = append(out, ' ')
		case '%':
			if i+2 >= len(b) {
				return "", fmt.Errorf("%w: invalid escape in a name", ErrMalformed)
			}
			hi, ok1 := unhex(b[i+1])
			lo, ok2 := unhex(b[i+2])
			if !ok1 || !ok2 {
				return "", fmt.Errorf("%w: invalid escape in a name", ErrMalformed)
			}
			out = append(out, hi<<4|lo)
			i += 2
		default:
			out = append(out, c)
		}
	}
	return string(out), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// ---- multipart/form-data

// multipart runs the states over pend+b. pend holds at most a header block
// (MaxHeader) or a delimiter's length of bytes that might start one.
func (s *Spa) multipart(b []byte) error {
	data := b
	if len(s.pend) > 0 {
		s.pend = append(s.pend, b...)
		data = s.pend
	}
	for {
		n, more, err := s.step(data)
		if err != nil {
			return err
		}
		data = data[n:]
		if !more {
			break
		}
	}
	// Keep what could not be decided yet, in a buffer of our own (b
	// belongs to the caller); a buffer grown by a big piece is not kept.
	if cap(s.pend) > s.info.MaxHeader+len(s.delim) {
		s.pend = append([]byte(nil), data...)
	} else {
		s.pend = append(s.pend[:0], data...)
	}
	return nil
}

// step consumes n bytes of data in the current state; more says whether
// another step could make progress with what is left.
func (s *Spa) step(data []byte) (n int, more bool, err error) {
	switch s.st {
	case stPreamble:
		i := bytes.Index(data, s.delim)
		if i < 0 {
			// Drop all but what might be the start of a delimiter.
			return max(0, len(data)-len(s.delim)+1), false, nil
		}
		s.st = stAfterDelim
		return i + len(s.delim), true, nil

	case stAfterDelim:
		if len(data) < 2 {
			return 0, false, nil
		}
		if data[0] == '-' && data[1] == '-' {
			s.st = stEpilogue
			return 2, true, nil
		}
		// Transport padding (RFC 2046 5.1.1), then CRLF.
		i := 0
		for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
			i++
		}
		if i > 64 {
			return 0, false, fmt.Errorf("%w: padding after a boundary", ErrMalformed)
		}
		if len(data)-i < 2 {
			return 0, false, nil
		}
		if data[i] != '\r' || data[i+1] != '\n' {
			return 0, false, fmt.Errorf("%w: a boundary not followed by CRLF", ErrMalformed)
		}
		s.st = stHeaders
		return i + 2, true, nil

	case stHeaders:
		end := 2
		i := 0
		if !bytes.HasPrefix(data, []byte("\r\n")) { // an empty header block is just CRLF
			i = bytes.Index(data, []byte("\r\n\r\n"))
			end = 4
			if i < 0 {
				if len(data) > s.info.MaxHeader {
					return 0, false, fmt.Errorf("%w: a part header over %d bytes", ErrFieldTooLong, s.info.MaxHeader)
				}
				return 0, false, nil
			}
		}
		if i+end > s.info.MaxHeader+4 {
			return 0, false, fmt.Errorf("%w: a part header over %d bytes", ErrFieldTooLong, s.info.MaxHeader)
		}
		if err := s.partStart(data[:i+end]); err != nil {
			return 0, false, err
		}
		s.st = stPartBody
		return i + end, true, nil

	case stPartBody:
		i := bytes.Index(data, s.delim)
		if i < 0 {
			// Everything but a possible delimiter start is content:
			// keep the longest tail that begins the delimiter.
			keep := 0
			for k := min(len(s.delim)-1, len(data)); k > 0; k-- {
				if bytes.HasPrefix(s.delim, data[len(data)-k:]) {
					keep = k
					break
				}
			}
			n := len(data) - keep
			if n > 0 {
				if err := s.content(data[:n], false); err != nil {
					return 0, false, err
				}
			}
			return n, false, nil
		}
		if err := s.content(data[:i], true); err != nil {
			return 0, false, err
		}
		s.st = stAfterDelim
		return i + len(s.delim), true, nil

	case stEpilogue:
		return len(data), false, nil
	}
	return 0, false, nil
}

// partStart reads a part's header block.
func (s *Spa) partStart(block []byte) error {
	hdr, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(block))).ReadMIMEHeader()
	if err != nil {
		return fmt.Errorf("%w: part header: %v", ErrMalformed, err)
	}
	s.partName, s.filename, s.file, s.want = "", "", false, -1
	s.val = s.val[:0]
	if cd := hdr.Get("Content-Disposition"); cd != "" {
		d, params, err := mime.ParseMediaType(cd)
		if err != nil || d != "form-data" {
			return fmt.Errorf("%w: part Content-Disposition %q", ErrMalformed, cd)
		}
		s.partName, s.filename = params["name"], params["filename"]
	}
	// A part with a filename is a file, as for mime/multipart (a file
	// input left empty sends filename="" and is a plain field).
	isFile := s.filename != ""
	if isFile {
		if s.info.File == nil {
			return nil // skipped
		}
		s.file = true
		if err := s.info.File(s.partName, s.filename, nil, FileOpen); err != nil {
			s.file = false
			return fmt.Errorf("%w: %q at open: %w", ErrFileRefused, s.filename, err)
		}
		return nil
	}
	s.want = s.index(s.partName)
	return nil
}

// content takes a piece of a part's content; final says the part ends.
func (s *Spa) content(p []byte, final bool) error {
	switch {
	case s.file:
		st := FileContent
		if final {
			st = FileFinalContent
		}
		if len(p) > 0 || final {
			if err := s.info.File(s.partName, s.filename, p, st); err != nil {
				return fmt.Errorf("%w: %q: %w", ErrFileRefused, s.filename, err)
			}
		}
		if final {
			s.file = false
			if err := s.info.File(s.partName, s.filename, nil, FileClose); err != nil {
				return fmt.Errorf("%w: %q at close: %w", ErrFileRefused, s.filename, err)
			}
		}
	case s.want >= 0:
		if err := s.grow(len(p)); err != nil {
			return err
		}
		s.val = append(s.val, p...)
		if final {
			s.keep()
		}
	}
	return nil
}

// ---- values

func (s *Spa) index(name string) int {
	for i, p := range s.info.Params {
		if p == name {
			return i
		}
	}
	return -1
}

// grow checks that the value being read may take n more bytes.
func (s *Spa) grow(n int) error {
	name := s.info.Params[s.want]
	if len(s.val)+n > s.info.MaxFieldLen {
		return fmt.Errorf("%w: field %q is longer than %d bytes", ErrFieldTooLong, name, s.info.MaxFieldLen)
	}
	if s.stored+len(s.val)+n > s.info.MaxStorage {
		return fmt.Errorf("%w: field %q: values exceed the %d bytes of storage", ErrFieldTooLong, name, s.info.MaxStorage)
	}
	return nil
}

// keep stores the value just read; the first occurrence of a name wins,
// as with net/url's Values.Get.
func (s *Spa) keep() {
	i := s.want
	if s.values[i] != nil {
		return
	}
	var v string
	if s.info.AC != nil {
		v = s.info.AC.String(s.val)
	} else {
		v = string(s.val)
	}
	s.stored += len(v)
	s.values[i] = &v
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

// Destroy releases what the parser holds (lws_spa_destroy); a file part
// still open gets its FileClose.
func (s *Spa) Destroy() {
	if s.file {
		s.file = false
		_ = s.info.File(s.partName, s.filename, nil, FileClose)
	}
	s.st = stFailed
	if s.err == nil {
		s.err = errors.New("spa: destroyed")
	}
	s.pend, s.val, s.name, s.values = nil, nil, nil, nil
}

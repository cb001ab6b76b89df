// The "http" protocol of minimal-http-server-form-post-file: a multipart
// form whose file part is streamed to disk as it arrives. The lws/spa
// parser hands the file over in pieces with lws's LWS_UFS_* states; the
// pieces go into a temporary file in the upload folder, which takes the
// file's sanitised name only once the last piece is written, so a refused
// or abandoned upload leaves nothing behind. It mirrors callback_http and
// file_upload_cb in lws's minimal-http-server-form-post-file.c; the same
// file builds as a plugin for lwsws (pvos "upload-dir", "max-upload").
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/spa"
)

// formFileParams are the form's plain fields, as in lws's param_names.
var formFileParams = []string{"text1", "send"}

// formFileMaxStorage is lws's max_storage for the fields.
const formFileMaxStorage = 1024

// formFileMaxName is the longest file name kept (lws's filename[128]).
const formFileMaxName = 127

// formFileVhd is the per-vhost state: the upload folder, opened once, and
// the size limit.
type formFileVhd struct {
	root      *os.Root
	maxUpload int64
}

// formFilePss is one upload.
type formFilePss struct {
	vhd      *formFileVhd
	spa      *spa.Spa
	filename string   // the sanitised name
	tmp      string   // the temporary file's name while it is written
	f        *os.File // the file being written
	length   int64    // bytes written
	done     bool     // the file is complete under its name
}

// Errors the upload is refused with; each becomes a status and a reason.
var (
	errBadName   = errors.New("file name refused")
	errTooBig    = errors.New("file over the upload limit")
	errWriteFile = errors.New("could not write the file")
)

// sanitise is lws_filename_purify_inplace made strict: a name that tries
// to leave the folder ("..", '/', '\\'), carries NUL or other control
// characters, or is empty or too long is refused rather than repaired, so
// the client learns it was not saved; in what is left, characters that
// mean something to a shell or another system become '_' and a leading
// dot (a hidden file) becomes '_' too.
func sanitise(name string) (string, error) {
	switch {
	case name == "":
		return "", fmt.Errorf("%w: empty", errBadName)
	case !utf8.ValidString(name):
		return "", fmt.Errorf("%w: not UTF-8", errBadName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", fmt.Errorf("%w: %q holds a control character", errBadName, name)
	case strings.ContainsAny(name, `/\`) || strings.Contains(name, ".."):
		return "", fmt.Errorf("%w: %q reaches outside the upload folder", errBadName, name)
	case len(name) > formFileMaxName:
		return "", fmt.Errorf("%w: longer than %d bytes", errBadName, formFileMaxName)
	}
	b := []rune(name)
	for i, r := range b {
		if strings.ContainsRune(`:*?"<>|$&;'`+"`", r) || (i == 0 && r == '.') {
			b[i] = '_'
		}
	}
	return string(b), nil
}

// upload is the spa's file callback (lws's file_upload_cb).
func (pss *formFilePss) upload(c *lws.Conn) spa.FileFunc {
	log := c.Context().Logger()
	return func(_, filename string, data []byte, state spa.FileState) error {
		switch state {
		case spa.FileOpen:
			name, err := sanitise(filename)
			if err != nil {
				return err
			}
			// Written under a temporary name, renamed when complete.
			f, tmp, err := createTemp(pss.vhd.root)
			if err != nil {
				logs.Warnf(log, "upload: %v", err)
				return errWriteFile
			}
			pss.filename, pss.f, pss.tmp, pss.length = name, f, tmp, 0

		case spa.FileContent, spa.FileFinalContent:
			if pss.f == nil {
				return errWriteFile
			}
			pss.length += int64(len(data))
			if pss.length > pss.vhd.maxUpload {
				return fmt.Errorf("%w of %d bytes", errTooBig, pss.vhd.maxUpload)
			}
			if _, err := pss.f.Write(data); err != nil {
				logs.Warnf(log, "upload: %v", err)
				return errWriteFile
			}
			if state == spa.FileContent {
				break // not the last piece of the file
			}
			if err := pss.finish(); err != nil {
				logs.Warnf(log, "upload: %v", err)
				return errWriteFile
			}
			logs.Userf(log, "file_upload_cb: upload done, written %d to %s", pss.length, pss.filename)

		case spa.FileClose:
			// Without FINAL_CONTENT first, the upload was abandoned:
			// its temporary file goes.
			pss.discard(log)
		}
		return nil
	}
}

// createTemp makes an exclusive temporary file in the upload folder.
func createTemp(root *os.Root) (*os.File, string, error) {
	for i := 0; ; i++ {
		name := fmt.Sprintf(".upload-%d-%d", os.Getpid(), uploadSeq)
		uploadSeq++
		f, err := root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil || !errors.Is(err, os.ErrExist) || i > 100 {
			return f, name, err
		}
	}
}

// uploadSeq numbers temporary files; callbacks run on the one service
// loop, so it needs no lock.
var uploadSeq int

// finish closes the file and gives it its name.
func (pss *formFilePss) finish() error {
	err := pss.f.Close()
	pss.f = nil
	if err == nil {
		err = pss.vhd.root.Rename(pss.tmp, pss.filename)
	}
	if err != nil {
		_ = pss.vhd.root.Remove(pss.tmp)
		return err
	}
	pss.tmp, pss.done = "", true
	return nil
}

// discard removes what an unfinished upload wrote.
func (pss *formFilePss) discard(log interface{ Warn(string, ...any) }) {
	if pss.f != nil {
		_ = pss.f.Close()
		pss.f = nil
	}
	if pss.tmp != "" {
		if err := pss.vhd.root.Remove(pss.tmp); err != nil {
			log.Warn("upload: removing the unfinished file", "err", err)
		}
		pss.tmp = ""
	}
}

// refuse answers an upload the server will not take, with the reason.
func refuse(c *lws.Conn, pss *formFilePss, err error) error {
	logs.Warnf(c.Context().Logger(), "upload refused: %v", err)
	if pss.spa != nil {
		pss.spa.Destroy() // closes and removes a file being written
	}
	status := 400
	switch {
	case errors.Is(err, errTooBig), errors.Is(err, spa.ErrFieldTooLong), errors.Is(err, spa.ErrTooBig):
		status = 413
	case errors.Is(err, errWriteFile):
		status = 500
	}
	return c.ReturnHTTPStatus(status, err.Error())
}

func callbackFormFile(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*formFilePss)
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		// pvos; as a plugin without them: the current folder, 10 MiB.
		dir, maxUp := c.Options()["upload-dir"], c.Options()["max-upload"]
		if dir == "" {
			dir = "."
		}
		if maxUp == "" {
			maxUp = "10485760"
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			return fmt.Errorf("upload folder: %w", err)
		}
		max, err := strconv.ParseInt(maxUp, 10, 64)
		if err != nil || max <= 0 {
			root.Close()
			return fmt.Errorf("max-upload %q: not a size", maxUp)
		}
		c.SetProtocolData(&formFileVhd{root: root, maxUpload: max})

	case lws.ReasonProtocolDestroy:
		if vhd, ok := c.ProtocolData().(*formFileVhd); ok {
			vhd.root.Close()
		}

	case lws.ReasonHTTP:
		if len(in) > 0 && string(in) != "/" {
			return c.ReturnHTTPStatus(404, "")
		}
		if c.Method() != "POST" {
			return c.ReturnHTTPStatus(405, "the form is POSTed")
		}
		pss.vhd = c.ProtocolData().(*formFileVhd)
		// A body announced bigger than any acceptable upload (the file
		// plus room for the fields and the multipart framing) is
		// refused before a byte of it is read.
		if n, err := strconv.ParseInt(c.Header("Content-Length"), 10, 64); err == nil && n > pss.vhd.maxUpload+8192 {
			return refuse(c, pss, fmt.Errorf("%w of %d bytes (the body is %d)", errTooBig, pss.vhd.maxUpload, n))
		}
		pss.spa = spa.New(c.Header("Content-Type"), spa.Info{
			Params: formFileParams, MaxStorage: formFileMaxStorage,
			MaxBody: -1, // the file callback bounds the file itself
			File:    pss.upload(c),
		})
		if c.ContentLength() == 0 {
			// No body will come: refused here (a form is never empty).
			if err := pss.spa.Finalize(); err != nil {
				return refuse(c, pss, err)
			}
		}

	case lws.ReasonHTTPBody:
		if err := pss.spa.Process(in); err != nil {
			return refuse(c, pss, err)
		}

	case lws.ReasonHTTPBodyCompletion:
		if err := pss.spa.Finalize(); err != nil {
			return refuse(c, pss, err)
		}
		for n, name := range formFileParams {
			if v, ok := pss.spa.String(n); ok {
				logs.Userf(log, "%s: (len %d) '%s'", name, pss.spa.Length(n), printable(v))
			} else {
				logs.Userf(log, "%s: undefined", name)
			}
		}
		return c.HTTPRedirect(301, "after-form1.html")

	case lws.ReasonClosedHTTP:
		// lws's HTTP_DROP_PROTOCOL: a transaction that ends early
		// (the client went away) loses its unfinished file here.
		if pss.spa != nil {
			pss.spa.Destroy()
			pss.spa = nil
		}
		if pss.vhd != nil {
			pss.discard(log)
		}
	}
	return nil
}

// printable keeps a value from forging log lines: one with control
// characters is logged Go-quoted instead of as it is.
func printable(v string) string {
	if strings.IndexFunc(v, unicode.IsControl) < 0 {
		return v
	}
	q := strconv.Quote(v)
	return q[1 : len(q)-1]
}

// ProtocolHTTP is the protocol the /form1 mount binds to.
var ProtocolHTTP = &lws.Protocol{
	Name:         "http",
	Callback:     callbackFormFile,
	NewSession:   func() any { return &formFilePss{} },
	RxBufferSize: 16384,
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "form-post-file-http",
	Protocols: []*lws.Protocol{ProtocolHTTP},
}

func init() { lws.RegisterPlugin(LwsPlugin) }

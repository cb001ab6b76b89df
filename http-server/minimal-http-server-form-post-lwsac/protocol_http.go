// The "http" protocol of minimal-http-server-form-post-lwsac: as
// form-post, but the parser keeps the values in an lwsac (lws/lwsac),
// an arena of 512-byte chunks the transaction owns. The values are
// carved one after another out of the chunks instead of each being its
// own allocation, and once the protocol has logged them, one Free lets
// them all go (lwsac_free). In Go the garbage collector would free them
// anyway: what the arena buys is fewer, larger allocations and one owner
// for the transaction's strings. It mirrors callback_http in lws's
// minimal-http-server-form-post-lwsac.c; the same file builds as a
// plugin for lwsws.
package main

import (
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/lwsac"
	"github.com/lws-go/lws-go/lws/spa"
)

// lwsacParams are the form's field names, as in lws's param_names.
var lwsacParams = []string{"text1", "send"}

// Bounds: at most 1024 bytes of values (lws's lwsac mode grows as
// needed; here it still has a ceiling), a 64 KiB body.
const (
	lwsacMaxStorage = 1024
	lwsacMaxBody    = 64 << 10
	lwsacChunkSize  = 512 // lws's ac_chunk_size
)

type lwsacPss struct {
	ac  *lwsac.Arena
	spa *spa.Spa
}

// start makes the transaction's arena and parser (lws_spa_create_via_info
// with .ac and .ac_chunk_size).
func (pss *lwsacPss) start(c *lws.Conn) {
	pss.ac = lwsac.New(lwsacChunkSize)
	pss.spa = spa.New(c.Header("Content-Type"), spa.Info{
		Params: lwsacParams, MaxStorage: lwsacMaxStorage, MaxBody: lwsacMaxBody, AC: pss.ac,
	})
}

// free lets the parser and every value in the arena go at once.
func (pss *lwsacPss) free() {
	if pss.spa != nil {
		pss.spa.Destroy()
		pss.spa = nil
	}
	if pss.ac != nil {
		pss.ac.Free() // lwsac_free
		pss.ac = nil
	}
}

func refuse(c *lws.Conn, pss *lwsacPss, err error) error {
	logs.Warnf(c.Context().Logger(), "form refused: %v", err)
	pss.free()
	status := 400
	if errors.Is(err, spa.ErrFieldTooLong) || errors.Is(err, spa.ErrTooBig) {
		status = 413
	}
	return c.ReturnHTTPStatus(status, err.Error())
}

func callbackLwsac(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*lwsacPss)

	switch reason {
	case lws.ReasonHTTP:
		if len(in) > 0 && string(in) != "/" {
			return c.ReturnHTTPStatus(404, "")
		}
		if c.Method() != "POST" {
			return c.ReturnHTTPStatus(405, "the form is POSTed")
		}
		pss.start(c)
		if c.ContentLength() == 0 {
			return complete(c, pss)
		}

	case lws.ReasonHTTPBody:
		if err := pss.spa.Process(in); err != nil {
			return refuse(c, pss, err)
		}

	case lws.ReasonHTTPBodyCompletion:
		return complete(c, pss)

	case lws.ReasonClosedHTTP:
		pss.free()
	}
	return nil
}

// complete finalizes, logs the values (and what the arena held), frees
// the arena and redirects.
func complete(c *lws.Conn, pss *lwsacPss) error {
	log := c.Context().Logger()
	if err := pss.spa.Finalize(); err != nil {
		return refuse(c, pss, err)
	}
	logs.Userf(log, "LWS_CALLBACK_HTTP_BODY_COMPLETION")
	for n, name := range lwsacParams {
		if v, ok := pss.spa.String(n); ok {
			logs.Userf(log, "%s: (len %d) '%s'", name, pss.spa.Length(n), printable(v))
		} else {
			logs.Userf(log, "%s: undefined", name)
		}
	}
	logs.Userf(log, "lwsac: the values took %d chunk(s), %d bytes; freed together", pss.ac.Chunks(), pss.ac.TotalAlloc())
	pss.free()
	return c.HTTPRedirect(301, "after-form1.html")
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
	Name:       "http",
	Callback:   callbackLwsac,
	NewSession: func() any { return &lwsacPss{} },
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "form-post-lwsac-http",
	Protocols: []*lws.Protocol{ProtocolHTTP},
}

func init() { lws.RegisterPlugin(LwsPlugin) }

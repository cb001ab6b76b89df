// The "http" protocol of minimal-http-server-form-post: the form's body
// arrives as ReasonHTTPBody pieces and is fed, piece by piece, to an lws
// "stateful POST argument" parser (lws/spa) made with the first piece;
// at ReasonHTTPBodyCompletion the fields are logged and the answer is a
// redirect. It mirrors callback_http in lws's
// minimal-http-server-form-post.c; the same file builds as a plugin for
// lwsws. The pvo "redirect-status" picks 301 (lws's default) or 303.
package main

import (
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/spa"
)

// formPostParams are the form's field names, as in lws's param_names.
var formPostParams = []string{"text1", "send"}

// formPostMaxStorage is lws's max_storage for this form: 1024 bytes of
// values, and so at most 1024 bytes in one field.
const formPostMaxStorage = 1024

// formPostMaxBody bounds the whole body: values the form does not have
// are read and dropped, but not without end.
const formPostMaxBody = 64 << 10

type formPostPss struct {
	spa *spa.Spa
}

func newFormPostSpa(c *lws.Conn) *spa.Spa {
	return spa.New(c.Header("Content-Type"), spa.Info{
		Params: formPostParams, MaxStorage: formPostMaxStorage, MaxBody: formPostMaxBody,
	})
}

// refuse answers a body the parser would not take with the reason: 413
// for a limit, 400 for a malformed body.
func refuse(c *lws.Conn, err error) error {
	logs.Warnf(c.Context().Logger(), "form refused: %v", err)
	status := 400
	if errors.Is(err, spa.ErrFieldTooLong) || errors.Is(err, spa.ErrTooBig) {
		status = 413
	}
	return c.ReturnHTTPStatus(status, err.Error())
}

func callbackFormPost(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*formPostPss)

	switch reason {
	case lws.ReasonHTTP:
		// in is the URL below the mountpoint: "" for /form1 itself.
		if len(in) > 0 && string(in) != "/" {
			return c.ReturnHTTPStatus(404, "")
		}
		if c.Method() != "POST" {
			return c.ReturnHTTPStatus(405, "the form is POSTed")
		}
		if c.ContentLength() == 0 {
			// No body: no HTTP_BODY will come, so complete here.
			pss.spa = newFormPostSpa(c)
			return formPostDone(c, pss)
		}

	case lws.ReasonHTTPBody:
		// Create the parser with the first piece (lws_spa_create).
		if pss.spa == nil {
			pss.spa = newFormPostSpa(c)
		}
		// Let it parse the piece (lws_spa_process); a field over its
		// limit is refused now, before the rest of the body is read.
		if err := pss.spa.Process(in); err != nil {
			return refuse(c, err)
		}

	case lws.ReasonHTTPBodyCompletion:
		return formPostDone(c, pss)

	case lws.ReasonClosedHTTP:
		if pss.spa != nil {
			pss.spa.Destroy() // lws_spa_destroy
			pss.spa = nil
		}
	}
	return nil
}

// formPostDone tells the parser no more body is coming (lws_spa_finalize),
// logs the fields and redirects.
func formPostDone(c *lws.Conn, pss *formPostPss) error {
	log := c.Context().Logger()
	if err := pss.spa.Finalize(); err != nil {
		return refuse(c, err)
	}
	logs.Userf(log, "LWS_CALLBACK_HTTP_BODY_COMPLETION")
	for n, name := range formPostParams {
		if v, ok := pss.spa.String(n); ok {
			logs.Userf(log, "%s: (len %d) '%s'", name, pss.spa.Length(n), printable(v))
		} else {
			logs.Userf(log, "%s: undefined", name)
		}
	}
	status, err := strconv.Atoi(c.Options()["redirect-status"])
	if err != nil || (status != 301 && status != 303) {
		status = 301
	}
	// Our response is a redirect to a static page (lws_http_redirect);
	// 303 tells the browser to GET it whatever the form's method.
	return c.HTTPRedirect(status, "after-form1.html")
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
	Callback:   callbackFormPost,
	NewSession: func() any { return &formPostPss{} },
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "form-post-http",
	Protocols: []*lws.Protocol{ProtocolHTTP},
}

func init() { lws.RegisterPlugin(LwsPlugin) }

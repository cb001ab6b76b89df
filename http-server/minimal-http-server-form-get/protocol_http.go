// The "http" protocol of minimal-http-server-form-get: a GET of /form1
// carries the form's fields as URL arguments; the callback reads each by
// name (lws_get_urlarg_by_name_safe), logs it, and answers with a redirect
// to a static page. It mirrors callback_http in lws's
// minimal-http-server-form-get.c; the same file builds as a plugin for
// lwsws.
package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// formGetParams are the form's field names, as in lws's param_names.
var formGetParams = []string{"text1", "send"}

// formGetMaxField is the longest value the callback accepts; lws copies
// each argument into a buffer of about this size.
const formGetMaxField = 1024

func callbackFormGet(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	if reason != lws.ReasonHTTP {
		return nil
	}
	log := c.Context().Logger()
	// in is the URL below the mountpoint: "" for /form1 itself.
	if len(in) > 0 && string(in) != "/" {
		return c.ReturnHTTPStatus(404, "")
	}
	for _, name := range formGetParams {
		v, ok := c.URLArgSafe(name)
		switch {
		case !ok:
			logs.Userf(log, "%s: undefined", name)
		case len(v) > formGetMaxField:
			// Refused whole, with the reason, rather than truncated.
			logs.Warnf(log, "%s: refused, %d bytes is over the %d-byte limit", name, len(v), formGetMaxField)
			return c.ReturnHTTPStatus(400, fmt.Sprintf("%s is longer than %d bytes", name, formGetMaxField))
		default:
			logs.Userf(log, "%s: (len %d) '%s'", name, len(v), printable(v))
		}
	}
	// Our response is a redirect to a static page (lws_http_redirect);
	// it could as well be a page made here.
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
	Name:     "http",
	Callback: callbackFormGet,
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "form-get-http",
	Protocols: []*lws.Protocol{ProtocolHTTP},
}

func init() { lws.RegisterPlugin(LwsPlugin) }

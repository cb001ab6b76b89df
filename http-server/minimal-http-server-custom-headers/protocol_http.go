// The "http" protocol of minimal-http-server-custom-headers: lws has
// tokens for the headers it knows (WSI_TOKEN_*), and a custom-header API
// for the rest. "dnt" (Do Not Track) is one of the rest: the callback
// asks for it by name (lws_hdr_custom_length, lws_hdr_custom_copy), logs
// what it found and writes it back. The answer also carries a response
// header lws has no token for, added by name
// (lws_add_http_header_by_name). It mirrors callback_http in lws's
// minimal-http-server-custom-headers.c; the same file builds as a plugin
// for lwsws.
package main

import (
	"fmt"
	"html"
	"strings"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// dntMaxValue is the longest DNT value copied out; lws copies it into a
// 32-byte buffer and reports failure for a longer one.
const dntMaxValue = 31

type customHeadersPss struct {
	result []byte
}

func callbackCustomHeaders(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*customHeadersPss)

	switch reason {
	case lws.ReasonHTTP:
		var b strings.Builder
		v, ok := c.HeaderCustom("dnt")
		switch {
		case !ok: // lws_hdr_custom_length < 0
			b.WriteString("callback_http: DNT header not found\n")
		case len(v) > dntMaxValue: // lws_hdr_custom_copy fails
			fmt.Fprintf(&b, "callback_http: DNT length %d<br>callback_http: unable to get DNT value (over %d bytes)\n", len(v), dntMaxValue)
		default:
			fmt.Fprintf(&b, "callback_http: DNT length %d<br>callback_http: DNT value '%s'\n", len(v), html.EscapeString(v))
		}
		pss.result = []byte(b.String())
		logs.Userf(c.Context().Logger(), "%s", strings.TrimSuffix(strings.ReplaceAll(b.String(), "<br>", " "), "\n"))

		if err := c.AddHTTPCommonHeaders(200, "text/html", int64(len(pss.result))); err != nil {
			return err
		}
		// A response header with no lws token, added by its name.
		if err := c.AddHTTPHeader("test-custom-header", "hello"); err != nil {
			return err
		}
		if err := c.FinalizeWriteHTTPHeader(); err != nil {
			return fmt.Errorf("custom-headers: headers: %w", err)
		}
		c.CallbackOnWritable() // the body goes in the next writeable

	case lws.ReasonHTTPWriteable:
		if _, err := c.Write(pss.result, lws.WriteHTTPFinal); err != nil {
			return fmt.Errorf("custom-headers: write: %w", err)
		}
	}
	return nil
}

// ProtocolHTTP is the protocol the /dyn mount binds to.
var ProtocolHTTP = &lws.Protocol{
	Name:       "http",
	Callback:   callbackCustomHeaders,
	NewSession: func() any { return &customHeadersPss{} },
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "custom-headers-http",
	Protocols: []*lws.Protocol{ProtocolHTTP},
}

func init() { lws.RegisterPlugin(LwsPlugin) }

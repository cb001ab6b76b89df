// The "http" protocol of minimal-http-server-dynamic: everything under the
// callback mount /dyn is written by this callback, a piece at a time. The
// headers go out from ReasonHTTP without a content length (so HTTP/1.1
// sends the body chunked), then each ReasonHTTPWriteable writes one piece of
// about 2 KB and asks for the next, until the last piece is written with
// WriteHTTPFinal. It mirrors the protocol in lws's
// minimal-http-server-dynamic.c; the same file builds as a plugin for lwsws.
package main

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// dynPss is one transaction's state.
type dynPss struct {
	path   string    // the URL below the mountpoint
	start  time.Time // when the request came
	blocks int       // filler blocks still to send
	sent   int       // pieces sent so far
}

// dynBlocks is how many filler pieces /dyn/<n> asks for (10 by default).
func dynBlocks(path string) int {
	n, err := strconv.Atoi(strings.Trim(path, "/"))
	if err != nil || n < 0 || n > 1000 {
		return 10
	}
	return n
}

func callbackDynamicHTTP(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*dynPss)

	switch reason {
	case lws.ReasonHTTP:
		// in is the URL part after the mountpoint, e.g. "/anything".
		pss.path, pss.start = string(in), time.Now()
		pss.blocks = dynBlocks(pss.path)
		// No content length: lws_add_http_common_headers with
		// LWS_ILLEGAL_HTTP_CONTENT_LEN.
		if err := c.AddHTTPCommonHeaders(200, "text/html", lws.LengthUnknown); err != nil {
			return err
		}
		if err := c.FinalizeWriteHTTPHeader(); err != nil {
			return fmt.Errorf("dynamic: headers: %w", err)
		}
		c.CallbackOnWritable() // the body goes out from HTTP_WRITEABLE

	case lws.ReasonHTTPWriteable:
		piece, kind := dynPiece(pss)
		if _, err := c.Write(piece, kind); err != nil {
			return fmt.Errorf("dynamic: write: %w", err)
		}
		if kind != lws.WriteHTTPFinal {
			c.CallbackOnWritable() // one write per callback: ask again
		}
	}
	return nil
}

// dynPiece builds the next piece and says whether it is the last.
func dynPiece(pss *dynPss) ([]byte, lws.WriteProtocol) {
	pss.sent++
	var b strings.Builder
	switch {
	case pss.sent == 1:
		fmt.Fprintf(&b, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>dynamic</title></head><body>"+
			"<h1>Dynamic content for '%s' from mountpoint /dyn</h1><p>Time: %s</p>",
			html.EscapeString(pss.path), pss.start.Format(time.RFC1123))
	case pss.sent-1 <= pss.blocks:
		fmt.Fprintf(&b, "<p id=\"block-%d\">Filler block %d of %d: ", pss.sent-1, pss.sent-1, pss.blocks)
		for b.Len() < 2000 {
			b.WriteString("0123456789abcdef ")
		}
		b.WriteString("</p>")
	}
	if pss.sent-1 >= pss.blocks {
		b.WriteString("<p id=\"end\">That was the last piece.</p></body></html>")
		return []byte(b.String()), lws.WriteHTTPFinal
	}
	return []byte(b.String()), lws.WriteHTTP
}

// ProtocolHTTP is the protocol table entry the /dyn mount binds to.
var ProtocolHTTP = &lws.Protocol{
	Name:       "http",
	Callback:   callbackDynamicHTTP,
	NewSession: func() any { return &dynPss{} },
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "dynamic-http",
	Protocols: []*lws.Protocol{ProtocolHTTP},
}

func init() { lws.RegisterPlugin(LwsPlugin) }

// The "http" protocol of minimal-http-server-basicauth: it answers
// /secret/whoami, a callback mount behind the same password file as the
// secret pages. The core has checked the credentials before the protocol
// hears of the request, and left the authenticated user's name, alone, in
// the Authorization header, where lws leaves it
// (WSI_TOKEN_HTTP_AUTHORIZATION after lws_check_basic_auth). lws's
// example has no protocol of its own; this one shows the user is
// visible to protocol code. The same file builds as a plugin for lwsws.
package main

import (
	"html"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

type whoamiPss struct {
	body []byte
}

func callbackWhoami(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*whoamiPss)

	switch reason {
	case lws.ReasonHTTP:
		name := c.Header("Authorization") // the user name, nothing else
		logs.Userf(c.Context().Logger(), "whoami: authenticated as %q", name)
		pss.body = []byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>whoami</title></head><body>" +
			"<p>You are <b id=\"user\">" + html.EscapeString(name) + "</b>.</p></body></html>")
		if err := c.AddHTTPCommonHeaders(200, "text/html", int64(len(pss.body))); err != nil {
			return err
		}
		if err := c.FinalizeWriteHTTPHeader(); err != nil {
			return err
		}
		c.CallbackOnWritable() // the body goes in the next writeable

	case lws.ReasonHTTPWriteable:
		if _, err := c.Write(pss.body, lws.WriteHTTPFinal); err != nil {
			return err
		}
	}
	return nil
}

// ProtocolHTTP is the protocol the /secret/whoami mount binds to.
var ProtocolHTTP = &lws.Protocol{
	Name:       "http",
	Callback:   callbackWhoami,
	NewSession: func() any { return &whoamiPss{} },
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "basicauth-whoami",
	Protocols: []*lws.Protocol{ProtocolHTTP},
}

func init() { lws.RegisterPlugin(LwsPlugin) }

// The custom-headers client protocol: it adds "dnt: 1" to the request from
// CLIENT_APPEND_HANDSHAKE_HEADER and reads the server's "test-custom-header"
// from the response. It mirrors the callback in lws's
// minimal-http-client-custom-headers.c; the same file builds as a plugin.
package main

import (
	"fmt"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

type headersVhd struct {
	status int
	custom string
	failed bool
}

func callbackCustomHeaders(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*headersVhd)
	log := c.Context().Logger()
	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&headersVhd{})
	case lws.ReasonClientConnectionError:
		logs.Errf(log, "CLIENT_CONNECTION_ERROR: %s", in)
		v.failed = true
		c.Context().Stop()
	case lws.ReasonClientAppendHandshakeHdr:
		// How to send a custom header in the request.
		if err := c.AddHTTPHeader("dnt", "1"); err != nil {
			return fmt.Errorf("add dnt: %w", err)
		}
	case lws.ReasonEstablishedClientHTTP:
		v.status = c.HTTPStatus()
		logs.Userf(log, "Connected with server response: %d", v.status)
		// How to read a header lws has no token for.
		v.custom = c.ResponseHeader("test-custom-header")
		if v.custom == "" {
			logs.Noticef(log, "Can't find test-custom-header")
		} else {
			logs.Noticef(log, "custom header: '%s'", v.custom)
		}
	case lws.ReasonReceiveClientHTTPRead:
		logs.Userf(log, "RECEIVE_CLIENT_HTTP_READ: read %d", len(in))
	case lws.ReasonCompletedClientHTTP:
		logs.Userf(log, "LWS_CALLBACK_COMPLETED_CLIENT_HTTP")
	case lws.ReasonClosedClientHTTP:
		c.Context().Stop()
	}
	return nil
}

// ProtocolHTTP is the protocol table entry.
var ProtocolHTTP = &lws.Protocol{Name: "http", Callback: callbackCustomHeaders}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "minimal-http-client-custom-headers", Protocols: []*lws.Protocol{ProtocolHTTP}}

func init() { lws.RegisterPlugin(LwsPlugin) }

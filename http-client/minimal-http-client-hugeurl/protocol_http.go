// The hugeurl client protocol: a GET whose URL is about 2 KB long; success
// is a 200. It mirrors the callback in lws's minimal-http-client-hugeurl.c;
// the same file builds as a plugin.
package main

import (
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

type hugeVhd struct {
	status int
	failed bool
}

func callbackHugeURL(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*hugeVhd)
	log := c.Context().Logger()
	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&hugeVhd{})
	case lws.ReasonClientConnectionError:
		logs.Errf(log, "CLIENT_CONNECTION_ERROR: %s", in)
		v.failed = true
		c.Context().Stop()
	case lws.ReasonEstablishedClientHTTP:
		v.status = c.HTTPStatus()
		logs.Userf(log, "Connected with server response: %d (%s)", v.status, c.HTTPVersion())
	case lws.ReasonReceiveClientHTTPRead:
		logs.Userf(log, "RECEIVE_CLIENT_HTTP_READ: read %d", len(in))
	case lws.ReasonClosedClientHTTP:
		c.Context().Stop()
	}
	return nil
}

// ProtocolHTTP is the protocol table entry.
var ProtocolHTTP = &lws.Protocol{Name: "http", Callback: callbackHugeURL}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "minimal-http-client-hugeurl", Protocols: []*lws.Protocol{ProtocolHTTP}}

func init() { lws.RegisterPlugin(LwsPlugin) }

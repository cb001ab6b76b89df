// The HTTP client protocol of minimal-http-client: it logs the response
// status, hexdumps the body as it arrives and records the outcome; the
// runner exits 0 only for a 200. It mirrors the callback in lws's
// minimal-http-client.c; the same file builds as a plugin.
package main

import (
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// clientVhd records the outcome for the runner.
type clientVhd struct {
	status int
	bytes  int
	failed bool
}

func callbackHTTPClient(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*clientVhd)
	log := c.Context().Logger()
	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&clientVhd{})
	case lws.ReasonClientConnectionError:
		logs.Errf(log, "CLIENT_CONNECTION_ERROR: %s", in)
		v.failed = true
		c.Context().Stop()
	case lws.ReasonEstablishedClientHTTP:
		v.status = c.HTTPStatus()
		logs.Userf(log, "Connected with server response: %d (%s)", v.status, c.HTTPVersion())
	case lws.ReasonReceiveClientHTTPRead:
		// The body arrives in pieces; lws's example hexdumps them.
		v.bytes += len(in)
		logs.Hexdump(log, logs.LevelNotice, in)
	case lws.ReasonCompletedClientHTTP:
		logs.Userf(log, "completed, %d bytes", v.bytes)
	case lws.ReasonClosedClientHTTP:
		c.Context().Stop()
	}
	return nil
}

// ProtocolHTTP is the protocol table entry; lws names it "http".
var ProtocolHTTP = &lws.Protocol{Name: "http", Callback: callbackHTTPClient}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "minimal-http-client", Protocols: []*lws.Protocol{ProtocolHTTP}}

func init() { lws.RegisterPlugin(LwsPlugin) }

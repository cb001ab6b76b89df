// The HTTP client protocol of minimal-http-client-multi: up to eight
// transactions at once, each logging its events by index, optionally
// POSTing a multipart form; the last one to finish ends the run. It mirrors
// the callback in lws's minimal-http-client-multi.c; the same file builds
// as a plugin.
package main

import (
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// multiVhd is the run's tally, read by the runner at the end.
type multiVhd struct {
	count     int  // transactions the runner starts
	posting   bool // --post
	completed int
	failed    int
}

// multiPss is one transaction: its index (lws's opaque_user_data) and how
// far its POST body got.
type multiPss struct {
	idx      int
	bodyPart int
	done     bool // completed normally, so the close is not a failure
}

// finish counts one transaction; the last one stops the context.
func (v *multiVhd) finish(c *lws.Context) {
	v.completed++
	if v.completed < v.count {
		return
	}
	log := c.Logger()
	if v.failed == 0 {
		logs.Userf(log, "Done: all OK")
	} else {
		logs.Errf(log, "Done: failed: %d", v.failed)
	}
	c.Stop()
}

func callbackMulti(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*multiVhd)
	pss, _ := user.(*multiPss)
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&multiVhd{})

	case lws.ReasonEstablishedClientHTTP:
		logs.Userf(log, "LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP: idx: %d, resp %d (%s)", pss.idx, c.HTTPStatus(), c.HTTPVersion())

	case lws.ReasonClientConnectionError:
		logs.Errf(log, "CLIENT_CONNECTION_ERROR: idx %d: %s", pss.idx, in)
		v.failed++
		v.finish(c.Context())

	case lws.ReasonReceiveClientHTTPRead:
		logs.Userf(log, "RECEIVE_CLIENT_HTTP_READ: conn %d: read %d", pss.idx, len(in))
		logs.Hexdump(log, logs.LevelInfo, in)

	case lws.ReasonCompletedClientHTTP:
		logs.Userf(log, "LWS_CALLBACK_COMPLETED_CLIENT_HTTP: idx %d", pss.idx)
		pss.done = true
		if c.HTTPStatus() != 200 {
			v.failed++
		}
		v.finish(c.Context())

	case lws.ReasonClosedClientHTTP:
		// A transaction that closes without completing failed.
		if !pss.done {
			logs.Errf(log, "idx %d closed before completing", pss.idx)
			pss.done = true
			v.failed++
			v.finish(c.Context())
		}

	case lws.ReasonClientAppendHandshakeHdr:
		if v.posting && !c.IsRedirectedToGet() {
			c.ClientHTTPBodyPending(true)
			c.CallbackOnWritable()
		}

	case lws.ReasonClientHTTPWriteable:
		if !v.posting || c.IsRedirectedToGet() {
			break
		}
		return writeFormPart(c, pss)
	}
	return nil
}

// writeFormPart sends the next part of the --post form, one part per
// writeable callback as in minimal-http-client-post (see its README for
// why the values carry no trailing CRLF).
func writeFormPart(c *lws.Conn, pss *multiPss) error {
	var b []byte
	var err error
	kind := lws.WriteHTTP
	switch pss.bodyPart {
	case 0:
		b, err = c.ClientHTTPMultipart(b, "text", "", "")
		b = append(b, "my text field"...)
	case 1:
		b, err = c.ClientHTTPMultipart(b, "file", "myfile.txt", "text/plain")
		b = append(b, "This is the contents of the uploaded file.\r\n"...)
	case 2:
		b, err = c.ClientHTTPMultipart(b, "", "", "")
		c.ClientHTTPBodyPending(false)
		kind = lws.WriteHTTPFinal
	default:
		return nil
	}
	pss.bodyPart++
	if err != nil {
		return err
	}
	if _, err := c.Write(b, kind); err != nil {
		return err
	}
	if kind != lws.WriteHTTPFinal {
		c.CallbackOnWritable()
	}
	return nil
}

// ProtocolHTTP is the protocol table entry; lws names it "http".
var ProtocolHTTP = &lws.Protocol{Name: "http", Callback: callbackMulti}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "minimal-http-client-multi", Protocols: []*lws.Protocol{ProtocolHTTP}}

func init() { lws.RegisterPlugin(LwsPlugin) }

// The sequencer-aware HTTP client protocol of api-test-lws_sequencer
// (lws's callback_http there): it watches each client transaction and
// tells the sequencer the definitive outcome, once, then detaches. It is
// part of this program's sequencer, not a protocol to load elsewhere, so
// it is not a protocol_*.go plugin file.
package main

import (
	"context"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/seq"
)

// stepUser is the connection's user data (lws's userdata = the myseq):
// the sequencer to tell, until it is detached.
type stepUser struct {
	s  *myseq
	sq *seq.Sequencer
}

// notify queues the outcome for the sequencer and detaches: the
// connection may live on, but the sequencer has moved on
// (lws_set_wsi_user(wsi, NULL)).
func (u *stepUser) notify(ev seq.Event) {
	if u.s == nil {
		return
	}
	if u.s.cur == u {
		u.s.cur = nil
	}
	u.s = nil
	u.sq.QueueEvent(ev, nil, nil)
}

func callbackHTTP(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	u, _ := user.(*stepUser)
	switch reason {
	case lws.ReasonClientConnectionError:
		logs.Noticef(c.Context().Logger(), "CLIENT_CONNECTION_ERROR: %s", in)
		if u != nil {
			u.notify(seqMsgClientFailed)
		}
	case lws.ReasonEstablishedClientHTTP:
		if u != nil && u.s != nil {
			u.s.status = c.HTTPStatus()
			c.Context().Logger().Log(context.Background(), logs.LevelInfo, "connected", "status", u.s.status)
		}
	case lws.ReasonReceiveClientHTTPRead:
		// the body; lws's test discards it
	case lws.ReasonCompletedClientHTTP:
		logs.Noticef(c.Context().Logger(), "COMPLETED_CLIENT_HTTP")
		if u != nil {
			u.notify(seqMsgClientDone)
		}
	case lws.ReasonClosedClientHTTP:
		if u != nil && u.s != nil {
			logs.Userf(c.Context().Logger(), "seq failed at CLOSED_CLIENT_HTTP")
			u.notify(seqMsgClientFailed)
		}
	}
	return nil
}

// protocolHTTP is lws's "seq-test-http".
var protocolHTTP = &lws.Protocol{Name: "seq-test-http", Callback: callbackHTTP}

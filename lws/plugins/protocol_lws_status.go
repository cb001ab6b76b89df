package plugins

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/lws-go/lws-go/lws"
)

type statusPss struct {
	conn *lws.Conn
	peer string
	ua   string
	est  time.Time
}

type statusVhd struct{ live []*statusPss }

// statusReport is the JSON each status client receives, in lws's shape
// (its fields are strings, as lws writes them).
type statusReport struct {
	Version   string       `json:"version"`
	WSSOverH2 string       `json:"wss_over_h2"`
	Hostname  string       `json:"hostname"`
	WSI       string       `json:"wsi"`
	Conns     []statusConn `json:"conns"`
}

type statusConn struct {
	Peer string `json:"peer"`
	Time string `json:"time"`
	UA   string `json:"ua"`
}

// resend asks every status client for a writeable callback, to send the
// new list (lws's trigger_resend).
func (v *statusVhd) resend() {
	for _, s := range v.live {
		s.conn.CallbackOnWritable()
	}
}

func callbackStatus(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*statusPss)
	v, _ := c.ProtocolData().(*statusVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&statusVhd{})

	case lws.ReasonEstablished:
		ua := c.Header("User-Agent") // readable until ESTABLISHED returns
		if ua == "" {
			ua = "unknown"
		}
		*pss = statusPss{conn: c, peer: c.PeerAddr(), ua: ua, est: time.Now()}
		v.live = append(v.live, pss)
		v.resend()

	case lws.ReasonServerWriteable:
		host, _ := os.Hostname()
		r := statusReport{Version: "lws-go", WSSOverH2: "0", Hostname: host, WSI: strconv.Itoa(len(v.live))}
		for _, s := range v.live {
			r.Conns = append(r.Conns, statusConn{Peer: s.peer, Time: strconv.FormatInt(s.est.Unix(), 10), UA: s.ua})
		}
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("lws-status: %w", err)
		}
		if _, err := c.Write(b, lws.WriteText); err != nil {
			return fmt.Errorf("lws-status: write: %w", err)
		}

	case lws.ReasonClosed:
		v.live = slices.DeleteFunc(v.live, func(s *statusPss) bool { return s == pss })
		v.resend()
	}
	return nil
}

// Status is "lws-status": every client receives, as JSON, the list of
// clients connected to it (peer, connection time, user agent), again each
// time one arrives or leaves.
var Status = &lws.Protocol{
	Name:       "lws-status",
	Callback:   callbackStatus,
	NewSession: func() any { return &statusPss{} },
}

func init() {
	lws.RegisterPlugin(lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: Status.Name, Protocols: []*lws.Protocol{Status}})
}

package plugins

import (
	"fmt"
	"strconv"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// dumbPeriod is how often each connection gets the next number.
const dumbPeriod = 50 * time.Millisecond

type dumbIncrementPss struct{ number int }

// dumbIncrementVhd holds the "options" per-vhost option: bit 1 stops the
// periodic sending (lws uses it for tests that only exercise the handshake).
type dumbIncrementVhd struct{ quiet bool }

func callbackDumbIncrement(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*dumbIncrementPss)
	vhd, _ := c.ProtocolData().(*dumbIncrementVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		opts, _ := strconv.Atoi(c.Options()["options"])
		c.SetProtocolData(&dumbIncrementVhd{quiet: opts&1 != 0})

	case lws.ReasonEstablished:
		pss.number = 0
		if !vhd.quiet {
			c.SetTimer(dumbPeriod)
		}

	case lws.ReasonTimer:
		c.CallbackOnWritable()
		c.SetTimer(dumbPeriod)

	case lws.ReasonServerWriteable:
		if _, err := c.Write([]byte(strconv.Itoa(pss.number)), lws.WriteText); err != nil {
			return fmt.Errorf("dumb-increment: write: %w", err)
		}
		pss.number++

	case lws.ReasonReceive:
		switch string(in) {
		case "reset\n":
			pss.number = 0
		case "closeme\n":
			c.Context().Logger().Info("dumb-increment: closing as requested")
			c.CloseReason(1001, "seeya") // LWS_CLOSE_STATUS_GOINGAWAY
			return errClosingAsRequested
		}
	}
	return nil
}

var errClosingAsRequested = fmt.Errorf("dumb-increment: closing as requested")

// DumbIncrement is "dumb-increment-protocol": each connection receives an
// ASCII counter every 50 ms; the text "reset\n" zeroes it and "closeme\n"
// makes the server close with status 1001 "seeya".
var DumbIncrement = &lws.Protocol{
	Name:         "dumb-increment-protocol",
	Callback:     callbackDumbIncrement,
	NewSession:   func() any { return &dumbIncrementPss{} },
	RxBufferSize: 10,
}

func init() {
	lws.RegisterPlugin(lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: DumbIncrement.Name, Protocols: []*lws.Protocol{DumbIncrement}})
}

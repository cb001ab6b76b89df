package plugins

import (
	"fmt"
	"slices"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/ring"
)

// mirrorRingDepth is how many messages an instance keeps for slow members.
const mirrorRingDepth = 256

// mirrorInstance is one named mirror: its members and their shared ring.
type mirrorInstance struct {
	members []*mirrorPss
	ring    *ring.Ring[[]byte]
}

func (mi *mirrorInstance) tails(yield func(ring.Tail) bool) {
	for _, m := range mi.members {
		if !yield(m.tail) {
			return
		}
	}
}

type mirrorVhd struct{ instances map[string]*mirrorInstance }

type mirrorPss struct {
	conn     *lws.Conn
	instance *mirrorInstance
	tail     ring.Tail
	partial  []byte
}

func callbackMirror(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*mirrorPss)
	vhd, _ := c.ProtocolData().(*mirrorVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&mirrorVhd{instances: map[string]*mirrorInstance{}})

	case lws.ReasonEstablished:
		// ?mirror=<name> picks the instance; no name is the default one.
		name := c.URLArg("mirror")
		mi := vhd.instances[name]
		if mi == nil {
			mi = &mirrorInstance{ring: ring.New[[]byte](mirrorRingDepth, nil)}
			vhd.instances[name] = mi
		}
		pss.conn, pss.instance, pss.tail = c, mi, mi.ring.OldestTail()
		mi.members = append(mi.members, pss)

	case lws.ReasonClosed:
		mi := pss.instance
		if mi == nil {
			return nil
		}
		mi.members = slices.DeleteFunc(mi.members, func(m *mirrorPss) bool { return m == pss })
		if len(mi.members) == 0 {
			for name, v := range vhd.instances {
				if v == mi {
					delete(vhd.instances, name)
				}
			}
			return nil
		}
		mi.ring.Leave(pss.tail, mi.tails)

	case lws.ReasonServerWriteable:
		mi := pss.instance
		msg := mi.ring.Get(&pss.tail)
		if msg == nil {
			return nil
		}
		if _, err := c.Write(*msg, lws.WriteText); err != nil {
			return fmt.Errorf("mirror: write: %w", err)
		}
		mi.ring.ConsumeAndUpdateOldest(&pss.tail, 1, mi.tails)
		if mi.ring.Get(&pss.tail) != nil {
			c.CallbackOnWritable()
		}

	case lws.ReasonReceive:
		if c.IsFirstFragment() {
			pss.partial = pss.partial[:0]
		}
		pss.partial = append(pss.partial, in...)
		if !c.IsFinalFragment() {
			return nil
		}
		mi := pss.instance
		if mi.ring.FreeCount() == 0 {
			c.Context().Logger().Warn("mirror: ring full, dropping a message")
			return nil
		}
		mi.ring.Insert(append([]byte(nil), pss.partial...))
		for _, m := range mi.members {
			m.conn.CallbackOnWritable()
		}
	}
	return nil
}

// Mirror is "lws-mirror-protocol": every message a member sends goes to
// every member (the sender too) of the mirror instance named by the
// ?mirror=<name> query argument.
var Mirror = &lws.Protocol{
	Name:       "lws-mirror-protocol",
	Callback:   callbackMirror,
	NewSession: func() any { return &mirrorPss{} },
}

func init() {
	lws.RegisterPlugin(lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: Mirror.Name, Protocols: []*lws.Protocol{Mirror}})
}

package lws

import (
	"errors"
	"sync"
)

// RoleOps is the mirror of struct lws_role_ops: what a connection of one
// role does when its descriptor is readable, when the protocol writes, and
// when it closes, and which callback reasons its protocol hears. The
// core's roles are http, ws (serviced by dedicated code: ws_fast.go,
// ws.go, server.go), and raw-skt and raw-file (raw.go, built on this
// table like any role from outside). A role from outside the core is a
// RoleOps registered with RegisterRole: descriptors adopted with
// Vhost.AdoptDescriptor are offered to it.
type RoleOps struct {
	// Name is the role's name (role_ops->name), for logs.
	Name string
	// The reasons the protocol hears, [0] on a client connection and [1]
	// on a server (accepted or adopted) one, as lws's adoption_cb[],
	// rx_cb[], writeable_cb[] and close_cb[] arrays. RxCB is what
	// DeliverRx uses.
	AdoptionCB, RxCB, WriteableCB, CloseCB [2]Reason

	// AdoptionBind (adoption_bind) reports whether the role takes a
	// descriptor adopted with this type for the named protocol; the first
	// registered role that does gets it.
	AdoptionBind func(typ AdoptType, protocol string) bool
	// HandlePollIn (handle_POLLIN) runs on the loop when the descriptor
	// is readable or hung up (hup tells which): it reads and hands the
	// protocol what arrived (Conn.DeliverRx). An error closes the
	// connection.
	HandlePollIn func(c *Conn, hup bool) error
	// WriteRoleProtocol (write_role_protocol) is what Conn.Write does on
	// a connection of this role, inside its one write per writeable
	// callback. Nil: the bytes are written to the descriptor, and what it
	// does not take at once is kept and sent before the next writeable
	// callback (lws's buflist_out).
	WriteRoleProtocol func(c *Conn, b []byte, wp WriteProtocol) (int, error)
	// CloseRole (close_role) runs when the connection closes, before the
	// protocol hears CloseCB and before the descriptor is closed.
	CloseRole func(c *Conn)
}

// roles are the roles adoption may bind, in the order they are asked:
// those registered from outside first, then raw-skt and raw-file.
var (
	rolesMu sync.Mutex
	roles   []*RoleOps
)

// RegisterRole adds a role that adopted descriptors may be bound to, in
// front of the roles already known, as lws builds its role list at
// compile time (LWS_FOR_EVERY_AVAILABLE_ROLE). It is goroutine-safe;
// register at init or before adopting.
func RegisterRole(r *RoleOps) error {
	if r == nil || r.Name == "" || r.AdoptionBind == nil || r.HandlePollIn == nil {
		return errors.New("lws: a role needs a name, AdoptionBind and HandlePollIn")
	}
	rolesMu.Lock()
	defer rolesMu.Unlock()
	roles = append([]*RoleOps{r}, roles...)
	return nil
}

// bindRole asks each role in turn, as lws_role_call_adoption_bind does.
func bindRole(typ AdoptType, protocol string) *RoleOps {
	rolesMu.Lock()
	list := roles
	rolesMu.Unlock()
	for _, r := range list {
		if r.AdoptionBind(typ, protocol) {
			return r
		}
	}
	return nil
}

// roleByName finds a role adoption may bind by its name.
func roleByName(name string) *RoleOps {
	rolesMu.Lock()
	defer rolesMu.Unlock()
	for _, r := range roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// AdoptType says what is being adopted: the mirror of
// lws_adoption_type, with lws's values.
type AdoptType uint32

// Adoption types and flags.
const (
	AdoptRawFileDesc  AdoptType = 0                          // LWS_ADOPT_RAW_FILE_DESC: a file, pipe, tty, ...
	AdoptHTTP         AdoptType = 1                          // LWS_ADOPT_HTTP: serve HTTP on the socket (absent: raw)
	AdoptSocket       AdoptType = 2                          // LWS_ADOPT_SOCKET: a socket (absent: a file)
	AdoptAllowSSL     AdoptType = 4                          // LWS_ADOPT_ALLOW_SSL
	AdoptFlagUDP      AdoptType = 16                         // LWS_ADOPT_FLAG_UDP: the socket is UDP
	AdoptFlagRawProxy AdoptType = 32                         // LWS_ADOPT_FLAG_RAW_PROXY
	AdoptRawSocketUDP           = AdoptSocket | AdoptFlagUDP // LWS_ADOPT_RAW_SOCKET_UDP
)

// errNoRole: no role takes what is being adopted.
var errNoRole = errors.New("lws: no role takes this adoption type")

// The core's descriptor roles, as lws's role_ops_raw_skt and
// role_ops_raw_file: same names, same reasons.
var (
	roleRawSkt = &RoleOps{
		Name:        "raw-skt",
		AdoptionCB:  [2]Reason{ReasonRawAdopt, ReasonRawAdopt},
		RxCB:        [2]Reason{ReasonRawRx, ReasonRawRx},
		WriteableCB: [2]Reason{ReasonRawWriteable, ReasonRawWriteable},
		CloseCB:     [2]Reason{ReasonRawClose, ReasonRawClose},
		AdoptionBind: func(typ AdoptType, _ string) bool {
			return typ&AdoptSocket != 0 && typ&AdoptHTTP == 0
		},
		HandlePollIn: rawSktPollIn,
	}
	roleRawFile = &RoleOps{
		Name:        "raw-file",
		AdoptionCB:  [2]Reason{ReasonRawAdoptFile, ReasonRawAdoptFile},
		RxCB:        [2]Reason{ReasonRawRxFile, ReasonRawRxFile},
		WriteableCB: [2]Reason{ReasonRawWriteableFile, ReasonRawWriteableFile},
		CloseCB:     [2]Reason{ReasonRawCloseFile, ReasonRawCloseFile},
		AdoptionBind: func(typ AdoptType, _ string) bool {
			return typ&(AdoptSocket|AdoptHTTP) == 0
		},
		HandlePollIn: rawFilePollIn,
	}
)

func init() { roles = []*RoleOps{roleRawSkt, roleRawFile} }

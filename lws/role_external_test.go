//go:build unix

package lws_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// The reasons of the "lines" role, in the range lws leaves to users.
const (
	reasonLinesAdopt     = lws.ReasonUser + 1
	reasonLine           = lws.ReasonUser + 2
	reasonLinesWriteable = lws.ReasonUser + 3
	reasonLinesClose     = lws.ReasonUser + 4
)

// linesRole is a role defined outside the core, as a new lws role
// (mqtt, dbus) would be: it owns how its descriptor is read (text lines,
// each delivered on its own) and which reasons its protocol hears; the
// core's loop watches the descriptor and keeps the writeable discipline.
var linesRole = &lws.RoleOps{
	Name:        "lines",
	AdoptionCB:  [2]lws.Reason{reasonLinesAdopt, reasonLinesAdopt},
	RxCB:        [2]lws.Reason{reasonLine, reasonLine},
	WriteableCB: [2]lws.Reason{reasonLinesWriteable, reasonLinesWriteable},
	CloseCB:     [2]lws.Reason{reasonLinesClose, reasonLinesClose},
	AdoptionBind: func(typ lws.AdoptType, protocol string) bool {
		return typ == lws.AdoptRawFileDesc && protocol == "lines-test"
	},
	HandlePollIn: func(c *lws.Conn, hup bool) error {
		if hup {
			return io.EOF
		}
		st := c.PSS().(*linesSession)
		buf := make([]byte, 512)
		n, err := syscall.Read(c.Descriptor(), buf)
		if err == syscall.EAGAIN {
			return nil
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return io.EOF
		}
		st.partial = append(st.partial, buf[:n]...)
		for {
			i := bytes.IndexByte(st.partial, '\n')
			if i < 0 {
				if len(st.partial) > 256 {
					return errors.New("line longer than 256 bytes")
				}
				return nil
			}
			c.DeliverRx(st.partial[:i])
			st.partial = st.partial[i+1:]
		}
	},
	CloseRole: func(c *lws.Conn) { c.PSS().(*linesSession).closedByRole = true },
}

func init() {
	if err := lws.RegisterRole(linesRole); err != nil {
		panic(err)
	}
}

type linesSession struct {
	partial      []byte
	replies      []string
	closedByRole bool
}

// A role plugged in from outside the package: its own reasons reach the
// protocol, its reader splits lines, writes keep the one-per-writeable
// rule through the core, and the close runs its close_role.
func TestRoleFromOutsideTheCore(t *testing.T) {
	got := make(chan string, 16)
	proto := &lws.Protocol{
		Name:       "lines-test",
		NewSession: func() any { return new(linesSession) },
		Callback: func(c *lws.Conn, reason lws.Reason, pss any, in []byte) error {
			st, _ := pss.(*linesSession) // nil for the vhost-level reasons
			switch reason {
			case reasonLinesAdopt:
				got <- "adopt"
			case reasonLine:
				got <- "line:" + string(in)
				st.replies = append(st.replies, strings.ToUpper(string(in))+"\n")
				c.CallbackOnWritable()
			case reasonLinesWriteable:
				if _, err := c.Write([]byte(st.replies[0]), lws.WriteRaw); err != nil {
					return err
				}
				if _, err := c.Write([]byte("again"), lws.WriteRaw); !errors.Is(err, lws.ErrSecondWrite) {
					got <- "second write allowed"
				}
				st.replies = st.replies[1:]
				if len(st.replies) > 0 {
					c.CallbackOnWritable()
				}
			case reasonLinesClose:
				if st.closedByRole {
					got <- "close after close_role"
				} else {
					got <- "close without close_role"
				}
			}
			return nil
		},
	}
	ctx, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen, Protocols: []*lws.Protocol{proto}}})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctx.Run(runCtx) }()
	defer func() { cancel(); <-done }()

	pair, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	peerFile := os.NewFile(uintptr(pair[1]), "peer")
	peer, err := net.FileConn(peerFile)
	peerFile.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	adopted := make(chan error, 1)
	ctx.Do(func() {
		_, err := ctx.Vhosts()[0].AdoptDescriptor(lws.AdoptRawFileDesc, pair[0], "lines-test", nil)
		adopted <- err
	})
	if err := <-adopted; err != nil {
		t.Fatal(err)
	}
	expect := func(want string) {
		t.Helper()
		select {
		case g := <-got:
			if g != want {
				t.Fatalf("got %q, want %q", g, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %q within 10 s", want)
		}
	}
	expect("adopt")
	if _, err := peer.Write([]byte("one\ntw")); err != nil {
		t.Fatal(err)
	}
	expect("line:one")
	if _, err := peer.Write([]byte("o\n")); err != nil {
		t.Fatal(err)
	}
	expect("line:two")
	r := bufio.NewReader(peer)
	_ = peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	for _, want := range []string{"ONE\n", "TWO\n"} {
		line, err := r.ReadString('\n')
		if err != nil || line != want {
			t.Fatalf("reply %q %v, want %q", line, err, want)
		}
	}
	peer.Close()
	expect("close after close_role")
}

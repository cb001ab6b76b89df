package lws

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

// EventLoop picks the event library a context's loop waits in: the mirror
// of lws's choice between its own poll() loop and the event libraries
// (LWS_SERVER_OPTION_LIBUV, _LIBEVENT, _GLIB, or event_lib_custom), each
// a struct lws_event_loop_ops.
type EventLoop uint8

// The event loops. Protocol code sees no difference between them: the
// callbacks, their order and the writeable discipline are the same; what
// differs is who waits for descriptors and what an idle connection costs.
const (
	// EventLoopDefault is EventLoopEpoll on Linux and EventLoopPortable
	// elsewhere, unless the LWSGO_LOOP environment variable names a loop
	// ("epoll" or "portable"), which is how a test suite is run on both.
	EventLoopDefault EventLoop = iota
	// EventLoopEpoll is lws's own poll loop on Linux's epoll: the loop
	// goroutine waits in epoll_wait and reads and writes plain sockets
	// itself, so an idle connection parks no goroutine.
	EventLoopEpoll
	// EventLoopPortable waits on Go's runtime netpoller instead: each
	// connection reads on a goroutine of its own that hands what it read
	// to the loop. It runs wherever Go does; it is what non-Linux builds
	// use.
	EventLoopPortable
)

// String returns the loop's name as LWSGO_LOOP spells it.
func (e EventLoop) String() string {
	switch e {
	case EventLoopEpoll:
		return "epoll"
	case EventLoopPortable:
		return "portable"
	}
	return "default"
}

// EventLoops lists the event loops this build can run, the default first.
func EventLoops() []EventLoop {
	if runtime.GOOS == "linux" {
		return []EventLoop{EventLoopEpoll, EventLoopPortable}
	}
	return []EventLoop{EventLoopPortable}
}

// resolve turns EventLoopDefault into the loop to run.
func (e EventLoop) resolve() (EventLoop, error) {
	if e != EventLoopDefault {
		return e, nil
	}
	switch env := os.Getenv("LWSGO_LOOP"); env {
	case "":
		return EventLoops()[0], nil
	case "epoll":
		return EventLoopEpoll, nil
	case "portable":
		return EventLoopPortable, nil
	default:
		return 0, fmt.Errorf("LWSGO_LOOP=%q: want epoll or portable", env)
	}
}

// Readiness bits an event loop reports to a pollable: Linux's epoll values
// (lws's LWS_POLLIN / LWS_POLLOUT / LWS_POLLHUP are poll()'s, the same
// idea), used by every loop so roles test one set of bits.
const (
	pollIn    = 0x1
	pollOut   = 0x4
	pollErr   = 0x8
	pollHup   = 0x10
	pollRdHup = 0x2000
	pollOne   = 1 << 30 // EPOLLONESHOT: one event, then arm again
)

// pollable is anything an event loop can watch: a descriptor, and what to
// do when it is ready. It is lws's wsi as struct lws_event_loop_ops sees it
// (wsi->desc, and lws_service_fd handing the revents to the wsi's role).
// pollEvent runs on the loop goroutine with the ready bits.
type pollable interface {
	pollFD() int
	pollEvent(ev uint32)
}

// eventLoopOps is the mirror of struct lws_event_loop_ops: how the
// context's loop sleeps and is woken, and how descriptors are watched.
// The epoll loop (poll_linux.go) and the portable loop (loop_portable.go)
// implement it; a foreign loop (GLib's, for a GTK application) would be a
// third that runs the context's turns from the application's main loop.
type eventLoopOps interface {
	// kind names the loop.
	kind() EventLoop
	// wait sleeps until a watched descriptor is ready, work is posted (the
	// loop's poke), or the next sul is due, and services what is ready.
	wait(l *loop, busy bool, sleep time.Duration, hasTimer bool)
	// add starts watching h for events (lws's io(LWS_EV_START)). A loop
	// that cannot watch descriptors (the portable one) calls
	// h.pollEvent(pollIn) once instead: h then reads on a goroutine of its
	// own until it calls arm and is told false.
	add(h pollable, events uint32) error
	// arm asks again for one event of a pollOne watch. It reports false
	// when the loop does not watch descriptors: the caller goes on
	// reading itself.
	arm(h pollable, events uint32) bool
	// modify changes what h is watched for.
	modify(h pollable, events uint32) error
	// remove stops watching h; call it before closing the descriptor,
	// so a reused number is never reported to the old owner.
	remove(h pollable)
	// beginPass and endPass bracket the loop's writeable pass.
	beginPass()
	endPass()
	// close ends the loop at context teardown.
	close()
}

// teardownCloser is a pollable whose descriptor the loop closes if it is
// still watched at context teardown (a socket finishing its close
// handshake).
type teardownCloser interface {
	closeAtTeardown()
}

// newEventLoop makes the loop info asks for.
func newEventLoop(c *Context, want EventLoop) error {
	kind, err := want.resolve()
	if err != nil {
		return err
	}
	switch kind {
	case EventLoopEpoll:
		ep, err := newEpollLoop(c)
		if err != nil {
			return err
		}
		c.poll, c.ep = ep, ep
	case EventLoopPortable:
		c.poll = newPortableLoop(c)
	default:
		return fmt.Errorf("unknown event loop %d", kind)
	}
	return nil
}

// EventLoop returns the event loop the context runs on.
func (c *Context) EventLoop() EventLoop { return c.poll.kind() }

// Event sets a ws connection asks for: a read cycle connection one
// readiness event; a loop connection reads (unless paused) and, while
// bytes wait to leave, writes.
const (
	pollEvents   = pollIn | pollRdHup | pollOne
	pollReadable = pollIn | pollRdHup
)

package lws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
)

// Option is the bitfield of context and vhost options: the mirror of
// LWS_SERVER_OPTION_*. The values are lws's bits.
type Option uint64

// Options the core understands, with lws's bit positions.
const (
	OptionValidateUTF8                      Option = 1 << 8  // LWS_SERVER_OPTION_VALIDATE_UTF8: the core always validates ws text; kept for source compatibility
	OptionDoSSLGlobalInit                   Option = 1 << 12 // LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT: nothing to do in Go; kept for source compatibility
	OptionExplicitVhosts                    Option = 1 << 13 // LWS_SERVER_OPTION_EXPLICIT_VHOSTS: no default vhost; call CreateVhost
	OptionAdoptApplyListenAcceptConfig      Option = 1 << 22 // LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG (LWS_SERVER_OPTION_ONLY_RAW): every accepted socket gets ListenAcceptRole and ListenAcceptProtocol, no HTTP
	OptionFallbackToApplyListenAcceptConfig Option = 1 << 20 // LWS_SERVER_OPTION_FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG (…_FALLBACK_TO_RAW): a connection whose first bytes are not HTTP gets ListenAcceptRole and ListenAcceptProtocol
	OptionFallbackToRaw                     Option = 1 << 20 // LWS_SERVER_OPTION_FALLBACK_TO_RAW: the older name
	OptionOnlyRaw                           Option = 1 << 22 // LWS_SERVER_OPTION_ONLY_RAW: the older name of OptionAdoptApplyListenAcceptConfig
	OptionAllowListenShare                  Option = 1 << 23 // LWS_SERVER_OPTION_ALLOW_LISTEN_SHARE: SO_REUSEPORT, so a new instance can bind beside the old one
	OptionVhostUpgStrictHost                Option = 1 << 27 // LWS_SERVER_OPTION_VHOST_UPG_STRICT_HOST_CHECK: ws upgrades must name this vhost in Host:
	OptionHTTPHeadersSecurity               Option = 1 << 28 // LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE
	OptionFailUponUnableToBind              Option = 1 << 30 // LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND: always the case in Go
	OptionH2PriorKnowledge                  Option = 1 << 34 // LWS_SERVER_OPTION_H2_PRIOR_KNOWLEDGE: accept cleartext HTTP/2 (h2c)
)

// Port values with a meaning of their own, as in lws.
const (
	PortNoListen = -1 // CONTEXT_PORT_NO_LISTEN: the vhost has no listener
)

// ContextInfo is the mirror of struct lws_context_creation_info. Its
// embedded VhostInfo describes the default vhost, which is created from the
// same struct unless Options has OptionExplicitVhosts, exactly as in lws.
type ContextInfo struct {
	VhostInfo
	// Logger receives the core's logs; nil means slog.Default().
	Logger *slog.Logger
	// NoIdleTrim keeps the memory a connection storm grew (see trim.go).
	NoIdleTrim bool
	// Notifiers see every system state transition on the way to
	// OPERATIONAL, which starts when Run does (lws's
	// register_notifier_list).
	Notifiers []SystemNotifier
	// SimultaneousSSLRestriction, if nonzero, is how many client TLS
	// connections may be open at once; a transaction that would need
	// another fails with CLIENT_CONNECTION_ERROR
	// (simultaneous_ssl_restriction).
	SimultaneousSSLRestriction int
	// EventLoop picks the event library the loop waits in (lws's
	// LWS_SERVER_OPTION_LIBUV and friends); the zero value is the
	// platform's default.
	EventLoop EventLoop
}

// Context is the mirror of struct lws_context: it owns the vhosts, their
// listeners and connections, the scheduler and the service loop.
type Context struct {
	info   ContextInfo
	log    *slog.Logger
	loop   loop
	vhosts []*Vhost

	listeners map[string]*listener // by listen address
	poll      eventLoopOps         // the event loop (lws_event_loop_ops)
	ep        *epollLoop           // the same, when it is the epoll loop (ws_fast.go uses it)

	running   atomic.Bool
	destroyed atomic.Bool
	destroyCh chan struct{} // closed by Destroy
	// life is cancelled with destroyCh, for work that takes a
	// context.Context (client dials and requests).
	life    context.Context
	endLife context.CancelFunc
	doneCh  chan struct{} // closed when teardown finished

	conns connSet // live network connections, loop-owned

	newConns int          // connections since the last idle trim (trim.go)
	traffic  atomic.Int64 // bytes received since then (trim.go)
	trim     Sul

	state SystemState // lws_system state, loop-owned (system.go)

	destroyHooks []func()            // OnDestroy, run on the loop at teardown
	stateHooks   []func(SystemState) // OnSystemState

	deprecated     bool   // Deprecate was called (loop-owned)
	deprecatedDone func() // called when the last connection closed

	// HTTP client transports shared by Pipeline transactions, and the
	// count of open client TLS connections (httpclient.go).
	tmu        sync.Mutex
	transports map[string]*http.Transport
	sslConns   atomic.Int32

	gmu     sync.Mutex     // guards wg.Add against teardown's wg.Wait
	gclosed bool           // no new core goroutines once teardown waits
	wg      sync.WaitGroup // core goroutines (readers, writers, handlers)
}

// ErrDestroyed is returned by calls on a context that is being destroyed.
var ErrDestroyed = errors.New("lws: context destroyed")

// NewContext creates a context, its default vhost (unless
// OptionExplicitVhosts) and binds its listeners: the mirror of
// lws_create_context. Connections are accepted from now on and handled once
// Run starts servicing the loop.
func NewContext(info ContextInfo) (*Context, error) {
	c := &Context{
		info:      info,
		log:       info.Logger,
		listeners: map[string]*listener{},
		destroyCh: make(chan struct{}),
		doneCh:    make(chan struct{}),
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.life, c.endLife = context.WithCancel(context.Background())
	c.loop.work = c.hasWork // made once: a method value per turn would allocate
	if err := newEventLoop(c, info.EventLoop); err != nil {
		return nil, fmt.Errorf("lws: create context: %w", err)
	}
	if info.Options&OptionExplicitVhosts == 0 {
		if _, err := c.CreateVhost(info.VhostInfo); err != nil {
			c.teardown()
			return nil, fmt.Errorf("lws: create context: %w", err)
		}
	}
	return c, nil
}

// Logger returns the context's logger.
func (c *Context) Logger() *slog.Logger { return c.log }

// Run services the loop until ctx is done or Destroy is called, then
// destroys the context (closing every connection and delivering
// ReasonProtocolDestroy) and returns: the mirror of calling lws_service in a
// loop followed by lws_context_destroy.
func (c *Context) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return errors.New("lws: Run called twice")
	}
	if c.destroyed.Load() {
		return ErrDestroyed
	}
	c.state = StateContextCreated
	c.Do(c.stepSystemState) // towards OPERATIONAL, on the loop
	// The caller's ctx ending is a Stop: a watcher turns it into a wake-up
	// of the loop, which checks for teardown every turn.
	watchEnd := make(chan struct{})
	defer close(watchEnd)
	go func() {
		select {
		case <-ctx.Done():
			c.Stop()
		case <-watchEnd:
		}
	}()
	for {
		sleep, hasTimer := c.serviceOnce()
		if c.destroyed.Load() {
			c.teardown()
			return nil
		}
		busy := !c.loop.idle() || (hasTimer && sleep <= 0)
		c.poll.wait(&c.loop, busy, sleep, hasTimer)
	}
}

// hasWork reports whether the loop must not sleep: events are queued, a
// cancel-service is pending or the context is being destroyed.
func (c *Context) hasWork() bool { return !c.loop.idle() || c.destroyed.Load() }

// CancelService wakes the loop and delivers ReasonEventWaitCancelled to
// every protocol on every vhost: the mirror of lws_cancel_service. It is
// the one call other goroutines may make; use it after handing data over
// through something goroutine-safe (a mutex-guarded ring, a channel).
func (c *Context) CancelService() {
	c.loop.cancelled.Store(true)
	c.loop.kick()
}

// Do runs fn on the loop goroutine, after the events already queued. It is
// goroutine-safe and does not wait; it reports false if the context is being
// destroyed and fn will never run.
func (c *Context) Do(fn func()) bool { return c.loop.post(fn) }

// Stop asks Run to tear the context down and return, without waiting: the
// mirror of an lws example setting `interrupted` and calling
// lws_cancel_service. It is goroutine-safe and may be called from a
// callback.
func (c *Context) Stop() {
	if c.destroyed.CompareAndSwap(false, true) {
		close(c.destroyCh)
		c.endLife()
		c.loop.kick()
	}
}

// OnDestroy adds fn to what runs when the context is destroyed, on the
// loop, before its connections close; hooks run in reverse order of
// addition. Subsystems built on the context use it to tear down their own
// objects as lws_context_destroy does (Secure Streams destroy their
// streams here). Call it on the loop or before Run.
func (c *Context) OnDestroy(fn func()) { c.destroyHooks = append(c.destroyHooks, fn) }

// Destroy stops the context and waits until it is torn down: the mirror of
// lws_context_destroy. It is goroutine-safe but must not be called from a
// callback (use Stop there); if Run was never called it tears down at once.
func (c *Context) Destroy() {
	c.Stop()
	if c.running.Load() {
		<-c.doneCh
		return
	}
	c.teardown()
}

// Done is closed once the context is fully destroyed.
func (c *Context) Done() <-chan struct{} { return c.doneCh }

// teardown is lws_context_destroy: listeners stop, connections close with
// their close callbacks, vhosts deliver ReasonProtocolDestroy, and every core
// goroutine has ended before it returns.
func (c *Context) teardown() {
	select {
	case <-c.doneCh:
		return
	default:
	}
	c.destroyed.Store(true)
	for _, ln := range c.listeners {
		ln.close()
	}
	// Run what was already queued (so no event is lost), then refuse more.
	for !c.loop.idleQueue() {
		q := c.loop.takeQueue()
		for _, fn := range q {
			fn()
		}
		c.loop.giveBackQueue(q)
	}
	for i := len(c.destroyHooks) - 1; i >= 0; i-- {
		c.destroyHooks[i]()
	}
	for _, conn := range c.conns.snapshot() {
		conn.closeNow(closeReasonContextDestroy)
	}
	c.CancelSul(&c.trim)
	c.loop.mu.Lock()
	c.loop.stopped = true
	c.loop.queue = nil
	c.loop.mu.Unlock()
	for i := len(c.vhosts) - 1; i >= 0; i-- {
		c.vhosts[i].destroyProtocols()
	}
	if c.poll != nil {
		c.poll.close()
	}
	c.gmu.Lock()
	c.gclosed = true
	c.gmu.Unlock()
	c.wg.Wait()
	c.closeTransports()
	close(c.doneCh)
}

func (l *loop) idleQueue() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue) == 0
}

// broadcastVhostReason calls every protocol of every vhost with reason, as
// lws does for EVENT_WAIT_CANCELLED.
func (c *Context) broadcastVhostReason(reason Reason) {
	for _, vh := range c.vhosts {
		for _, pc := range vh.protoConns {
			pc.call(reason, nil)
		}
	}
}

// goroutine starts fn as a core goroutine that teardown waits for. It
// reports false, and does not start fn, once teardown is waiting.
func (c *Context) goroutine(fn func()) bool {
	c.gmu.Lock()
	defer c.gmu.Unlock()
	if c.gclosed {
		return false
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		fn()
	}()
	return true
}

// Package asyncdns is lws's async DNS (lws_async_dns_query) on Go's
// resolver: a name is looked up off the loop by net.Resolver, pointed at
// the context's DNS servers, and the result is handed to the callback on
// the loop, like every other lws event. What it adds to net.Resolver is
// the loop delivery, lws's result classes (found, NXDOMAIN, timeout,
// failed), a bound on queries in flight, and lws's result cache.
//
// net.Resolver does not expose record TTLs, so cached results live for
// Options.CacheTTL rather than the records' own TTL.
package asyncdns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// QType is the record type asked for (lws's LWS_ADNS_RECORD_*).
type QType uint16

// Record types, with DNS's (and lws's) numbers.
const (
	A    QType = 1  // LWS_ADNS_RECORD_A
	AAAA QType = 28 // LWS_ADNS_RECORD_AAAA
)

func (q QType) String() string {
	if q == AAAA {
		return "AAAA"
	}
	return "A"
}

// The ways a query fails (lws's LADNS_RET_* and the reasons behind a
// NULL result).
var (
	ErrNXDomain = errors.New("asyncdns: no such name")       // NXDOMAIN, or no records of the type
	ErrTimeout  = errors.New("asyncdns: timed out")          // no usable answer in time
	ErrFailed   = errors.New("asyncdns: lookup failed")      // refused, unreachable, malformed
	ErrBusy     = errors.New("asyncdns: too many in flight") // Options.MaxInFlight reached
)

// Options configure a Resolver.
type Options struct {
	// Servers are the DNS servers, "host:port" (lws's
	// info.async_dns_servers); empty means the system's.
	Servers []string
	// Timeout bounds one query, retries included (default 5 s).
	Timeout time.Duration
	// CacheTTL is how long a result is kept (default 60 s); negative
	// disables the cache.
	CacheTTL time.Duration
	// MaxInFlight bounds concurrent lookups (default 64); more are
	// refused with ErrBusy.
	MaxInFlight int
	// MaxCache bounds the cached results (default 256); when full,
	// expired ones go first, then any.
	MaxCache int
}

// Func gets a query's result on the loop: the addresses, or an error
// that wraps one of the Err* values.
type Func func(name string, addrs []netip.Addr, err error)

type key struct {
	name string
	qt   QType
}

type entry struct {
	addrs   []netip.Addr
	err     error
	expires time.Time
}

// Resolver is a context's async DNS.
type Resolver struct {
	c    *lws.Context
	opts Options

	mu       sync.Mutex
	cache    map[key]entry
	inFlight int
	next     int // the server to dial next
	// Queries and Hits count lookups sent and answered from the cache.
	queries, hits uint64
}

// New makes a resolver for the context.
func New(c *lws.Context, o Options) *Resolver {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = time.Minute
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 64
	}
	if o.MaxCache <= 0 {
		o.MaxCache = 256
	}
	return &Resolver{c: c, opts: o, cache: map[key]entry{}}
}

// resolver is the net.Resolver for one query: aimed at the configured
// servers, with every connection it dials closed when the query ends, so
// that no lookup goroutine of Go's resolver outlives the query (they
// otherwise wait out resolv.conf's own timeouts).
func (r *Resolver) resolver(query context.Context) *net.Resolver {
	if len(r.opts.Servers) == 0 {
		return net.DefaultResolver
	}
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			r.mu.Lock()
			s := r.opts.Servers[r.next%len(r.opts.Servers)]
			r.next++
			r.mu.Unlock()
			var d net.Dialer
			conn, err := d.DialContext(ctx, network, s)
			if err == nil {
				context.AfterFunc(query, func() { conn.Close() })
			}
			return conn, err
		},
	}
}

// Stats reports the lookups sent and the cache hits so far.
func (r *Resolver) Stats() (queries, hits uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.queries, r.hits
}

// Query looks name up and calls cb with the result on the loop, never
// from inside Query (lws_async_dns_query). It may be called from any
// goroutine.
func (r *Resolver) Query(name string, qt QType, cb Func) {
	k := key{name, qt}
	now := time.Now()
	r.mu.Lock()
	if e, ok := r.cache[k]; ok && now.Before(e.expires) {
		r.hits++
		r.mu.Unlock()
		r.c.Do(func() { cb(name, e.addrs, e.err) })
		return
	}
	if r.inFlight >= r.opts.MaxInFlight {
		r.mu.Unlock()
		r.c.Do(func() { cb(name, nil, fmt.Errorf("%w (%d)", ErrBusy, r.opts.MaxInFlight)) })
		return
	}
	r.inFlight++
	r.queries++
	r.mu.Unlock()

	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), r.opts.Timeout)
		defer cancel()
		network := "ip4"
		if qt == AAAA {
			network = "ip6"
		}
		addrs, err := r.resolver(ctx).LookupNetIP(ctx, network, name)
		for i, a := range addrs {
			addrs[i] = a.Unmap()
		}
		err = classify(name, qt, err)
		r.mu.Lock()
		r.inFlight--
		if r.opts.CacheTTL > 0 && (err == nil || errors.Is(err, ErrNXDomain)) {
			r.makeRoom()
			r.cache[k] = entry{addrs, err, time.Now().Add(r.opts.CacheTTL)}
		}
		r.mu.Unlock()
		r.c.Do(func() { cb(name, addrs, err) })
	}()
}

// classify maps net.Resolver's error onto lws's result classes.
func classify(name string, qt QType, err error) error {
	if err == nil {
		return nil
	}
	var de *net.DNSError
	switch {
	case errors.As(err, &de) && de.IsNotFound:
		return fmt.Errorf("%w: %s %s", ErrNXDomain, qt, name)
	case errors.As(err, &de) && de.IsTimeout, errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %s %s: %v", ErrTimeout, qt, name, err)
	}
	return fmt.Errorf("%w: %s %s: %v", ErrFailed, qt, name, err)
}

// makeRoom keeps the cache under MaxCache entries. Call with mu held.
func (r *Resolver) makeRoom() {
	if len(r.cache) < r.opts.MaxCache {
		return
	}
	now := time.Now()
	for k, e := range r.cache {
		if !now.Before(e.expires) {
			delete(r.cache, k)
		}
	}
	for k := range r.cache {
		if len(r.cache) < r.opts.MaxCache {
			break
		}
		delete(r.cache, k)
	}
}

// CacheLen is how many results are cached.
func (r *Resolver) CacheLen() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.cache)
}

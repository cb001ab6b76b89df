package ss

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// defaultStore is the name of the instance for streamtypes without a trust
// store (platform roots), lws's "_ss_default" vhost.
const defaultStore = "_ss_default"

// trustInstance is a trust store made usable: its certs parsed into a pool,
// the TLS configuration trusting exactly them, and the HTTP transport
// dialling with it. It is the Go form of the client-only vhost lws creates
// per trust store.
type trustInstance struct {
	name        string
	pool        *x509.CertPool // every cert of the stack; nil = platform roots
	tlsConfig   *tls.Config
	transport   *http.Transport // h2 by ALPN, else HTTP/1.1
	transportH1 *http.Transport // HTTP/1.1 only, for "h1" streamtypes
	refs        int
	fromPolicy  bool // false only for _ss_default, which is never released
}

// TrustEvent is what a TrustHook hears.
type TrustEvent int

// Trust store instance events.
const (
	TrustBuilt     TrustEvent = iota // an instance was built (certs parsed)
	TrustDestroyed                   // the last reference went and it was dropped
)

func (e TrustEvent) String() string {
	if e == TrustBuilt {
		return "built"
	}
	return "destroyed"
}

// trustStats counts builds per store name, for the probe.
type trustStats struct {
	builds int
}

// buildInstance parses every cert of the store (all of them: lws's static
// policies loaded only the first) and builds its TLS configuration and
// transport. Nothing is registered here: a store that fails to build leaves
// no trace.
func buildInstance(ts *TrustStore) (*trustInstance, error) {
	in := &trustInstance{name: defaultStore}
	if ts != nil {
		in.name, in.fromPolicy = ts.Name, true
		in.pool = x509.NewCertPool()
		for _, c := range ts.Certs {
			cert, err := x509.ParseCertificate(c.DER)
			if err != nil {
				return nil, fmt.Errorf("trust store %q: cert %q: %w", ts.Name, c.Name, err)
			}
			in.pool.AddCert(cert)
		}
	}
	in.tlsConfig = &tls.Config{RootCAs: in.pool, MinVersion: tls.VersionTLS12}
	in.transport = newTransport(in.tlsConfig, true)
	in.transportH1 = newTransport(in.tlsConfig, false)
	return in, nil
}

// newTransport is a client transport dialling with cfg, h2 allowed or not.
func newTransport(cfg *tls.Config, h2 bool) *http.Transport {
	cfg = cfg.Clone()
	tr := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		TLSClientConfig:       cfg,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ForceAttemptHTTP2:     h2,
		DisableCompression:    true,
		MaxIdleConnsPerHost:   -1,
	}
	if !h2 {
		cfg.NextProtos = []string{"http/1.1"}
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return tr
}

// storeName is the instance a streamtype uses: its trust store's, or
// _ss_default for the platform roots.
func storeName(st *Streamtype) string {
	if st.TrustStore != nil {
		return st.TrustStore.Name
	}
	return defaultStore
}

// acquire returns the instance for a streamtype's store, building and
// registering it if needed, and counts a reference if doRef
// (lws_ss_policy_ref_trust_store). The instance is published only once
// fully built.
func (s *Streams) acquire(st *Streamtype, doRef bool) (*trustInstance, error) {
	name := storeName(st)
	in := s.trust[name]
	if in == nil {
		var err error
		in, err = buildInstance(st.TrustStore)
		if err != nil {
			return nil, err
		}
		s.trust[name] = in
		s.stats(name).builds++
		s.log.Debug("ss: trust store built", "store", name)
		if s.opts.TrustHook != nil {
			s.opts.TrustHook(name, TrustBuilt)
		}
	}
	// _ss_default is never released, so it is not counted either (lws
	// counts it up and never down).
	if doRef && in.fromPolicy {
		in.refs++
	}
	return in, nil
}

// release drops a reference counted by acquire and destroys the instance
// with the last one (lws_ss_policy_unref_trust_store). _ss_default is
// never released.
func (s *Streams) release(st *Streamtype) {
	name := storeName(st)
	in := s.trust[name]
	if in == nil || !in.fromPolicy {
		return
	}
	if in.refs <= 0 {
		panic("ss: trust store " + name + " released more often than acquired")
	}
	in.refs--
	if in.refs == 0 {
		s.dropInstance(in)
	}
}

// dropInstance unregisters an instance; connections already dialled keep
// their own configuration.
func (s *Streams) dropInstance(in *trustInstance) {
	delete(s.trust, in.name)
	in.transport.CloseIdleConnections()
	in.transportH1.CloseIdleConnections()
	s.log.Debug("ss: trust store destroyed", "store", in.name)
	if s.opts.TrustHook != nil {
		s.opts.TrustHook(in.name, TrustDestroyed)
	}
}

func (s *Streams) stats(name string) *trustStats {
	st := s.trustStats[name]
	if st == nil {
		st = &trustStats{}
		s.trustStats[name] = st
	}
	return st
}

// TrustStoreInfo is a read-only probe of a trust store's instance: how many
// streams hold it, whether it is built now, and how many times it has been
// built. Call it on the loop.
func (s *Streams) TrustStoreInfo(name string) (refs int, live bool, builds int) {
	if st := s.trustStats[name]; st != nil {
		builds = st.builds
	}
	if in := s.trust[name]; in != nil {
		return in.refs, true, builds
	}
	return 0, false, builds
}

// errNoInstance is the connect-time failure when a store's instance is
// missing (lws: "missing vh for policy").
var errNoInstance = errors.New("ss: no trust store instance for the streamtype")

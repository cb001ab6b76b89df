package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"runtime"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/ss"
)

// ssTrustMain measures the heap that Secure Streams trust stores hold: a
// static policy with -stores trust stores (one RSA-2048 CA each) of which
// one streamtype is used, lazily built and refcounted (static mode) next to
// the same policy built eagerly (dynamic mode); then -cycles create/destroy
// cycles in static mode.
func ssTrustMain(args []string) error {
	fs := newFlags("ss-trust")
	stores := fs.Int("stores", 10, "trust stores in the policy")
	cycles := fs.Int("cycles", 10000, "create/destroy cycles")
	if err := parse(fs, args); err != nil {
		return err
	}

	policy, err := tenStorePolicy(*stores)
	if err != nil {
		return err
	}
	fmt.Printf("policy: %d trust stores (one RSA-2048 CA each), %d streamtypes, streamtype st0 used\n\n", *stores, *stores)
	for _, static := range []bool{true, false} {
		mode := "dynamic (eager)"
		if static {
			mode = "static (lazy, refcounted)"
		}
		r, err := measureTrust(policy, static, *cycles)
		if err != nil {
			return err
		}
		fmt.Printf("%s:\n", mode)
		fmt.Printf("  held by trust stores after context creation: %8d B\n", r.afterCreate)
		fmt.Printf("  after creating one stream:                   %8d B\n", r.afterStream)
		fmt.Printf("  after destroying it:                         %8d B  (%+d B vs. after creation)\n", r.afterDestroy, r.afterDestroy-r.afterCreate)
		if static {
			fmt.Printf("  %d create/destroy cycles: heap growth       %8d B\n", *cycles, r.cycleGrowth)
		}
		fmt.Println()
	}
	return nil
}

type trustFigures struct {
	afterCreate, afterStream, afterDestroy, cycleGrowth int64
}

// heap is the live heap after a full collection.
func heap() int64 {
	var m runtime.MemStats
	for range 3 {
		runtime.GC()
	}
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

type nopUser struct{}

func (nopUser) Rx(*ss.Handle, []byte, ss.Flags) ss.Result { return ss.ResultOK }
func (nopUser) Tx(*ss.Handle, uint32, []byte) (int, ss.Flags, ss.Result) {
	return 0, 0, ss.ResultTxDontSend
}
func (nopUser) State(*ss.Handle, ss.State, uint32) ss.Result { return ss.ResultOK }

func measureTrust(policy *ss.Policy, static bool, cycles int) (trustFigures, error) {
	var f trustFigures
	c, err := lws.NewContext(lws.ContextInfo{
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		VhostInfo: lws.VhostInfo{Port: lws.PortNoListen},
	})
	if err != nil {
		return f, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	defer func() { cancel(); <-done }()
	on := func(fn func()) {
		ok := make(chan struct{})
		c.Do(func() { fn(); close(ok) })
		<-ok
	}
	base := heap()
	var s *ss.Streams
	on(func() { s, err = ss.New(c, ss.Options{Policy: policy, StaticOnly: static}) })
	if err != nil {
		return f, err
	}
	var h *ss.Handle
	if static {
		// Warm up with another store (st1): the first certificate parse
		// and TLS setup in a process initialise package-level state once
		// (crypto tables, sync.Once caches); that is not held by trust
		// stores and would otherwise show up as a store that was not
		// given back.
		on(func() {
			if h, err = s.Create(ss.Info{Streamtype: "st1", User: nopUser{}}); err == nil {
				h.Destroy()
			}
		})
		if err != nil {
			return f, err
		}
	}
	f.afterCreate = heap() - base
	on(func() { h, err = s.Create(ss.Info{Streamtype: "st0", User: nopUser{}}) })
	if err != nil {
		return f, err
	}
	f.afterStream = heap() - base
	on(h.Destroy)
	f.afterDestroy = heap() - base
	if static {
		before := heap()
		start := time.Now()
		for i := 0; i < cycles; i++ {
			on(func() {
				h, err = s.Create(ss.Info{Streamtype: "st0", User: nopUser{}})
				if err == nil {
					h.Destroy()
				}
			})
			if err != nil {
				return f, err
			}
		}
		_ = time.Since(start)
		f.cycleGrowth = heap() - before
	}
	runtime.KeepAlive(s)
	return f, nil
}

// tenStorePolicy is a policy with n trust stores, one CA each, and one
// streamtype per store.
func tenStorePolicy(n int) (*ss.Policy, error) {
	p := &ss.Policy{}
	for i := range n {
		der, err := rsaCA(fmt.Sprintf("bench CA %d", i))
		if err != nil {
			return nil, err
		}
		cert := &ss.Cert{Name: fmt.Sprintf("ca%d", i), DER: der}
		ts := &ss.TrustStore{Name: fmt.Sprintf("ts%d", i), Certs: []*ss.Cert{cert}}
		p.Certs = append(p.Certs, cert)
		p.TrustStores = append(p.TrustStores, ts)
		p.Streamtypes = append(p.Streamtypes, &ss.Streamtype{Name: fmt.Sprintf("st%d", i), Endpoint: "localhost", Port: 443,
			Protocol: ss.ProtocolH1, Flags: ss.FlagTLS | ss.FlagOpportunistic, TrustStore: ts})
	}
	return p, nil
}

func rsaCA(name string) ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	return x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
}

package main

import (
	"crypto/rand"
	"crypto/tls"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The stand-in for httpbin.org that lws's test talks to: /get describes the
// request, /status/<n> answers n, /post describes the request and echoes
// its body. It serves TLS with the workspace's localhost certificate, which
// the policy's trust store holds.
var (
	//go:embed localhost-100y.cert
	certPEM []byte
	//go:embed localhost-100y.key
	keyPEM []byte
)

func httpbin() http.Handler {
	mux := http.NewServeMux()
	describe := func(w http.ResponseWriter, r *http.Request, data string) {
		// httpbin's shape: indented JSON, one value per header.
		// httpbin.org sits behind an AWS load balancer, which adds a
		// trace id to every request it reports.
		trace := make([]byte, 16)
		_, _ = rand.Read(trace)
		headers := map[string]string{"Host": r.Host, "X-Amzn-Trace-Id": fmt.Sprintf("Root=1-%x-%x", trace[:4], trace[4:])}
		for k, v := range r.Header {
			headers[k] = strings.Join(v, ",")
		}
		out := map[string]any{"args": r.URL.Query(), "headers": headers, "origin": r.RemoteAddr,
			"url": "https://" + r.Host + r.URL.String()}
		if r.Method == http.MethodPost {
			out["data"], out["json"], out["files"], out["form"] = data, nil, map[string]string{}, map[string]string{}
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		_ = enc.Encode(out)
	}
	mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) { describe(w, r, "") })
	mux.HandleFunc("POST /post", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		describe(w, r, string(body))
	})
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, err := strconv.Atoi(r.PathValue("code"))
		if err != nil || code < 100 || code > 599 {
			http.Error(w, "bad status", http.StatusBadRequest)
			return
		}
		w.WriteHeader(code)
	})
	return mux
}

// serveHTTPBin starts the stand-in on 127.0.0.1 and returns its port and
// a function that stops it.
func serveHTTPBin() (int, func(), error) {
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return 0, nil, fmt.Errorf("httpbin stand-in: %w", err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
	if err != nil {
		return 0, nil, fmt.Errorf("httpbin stand-in: %w", err)
	}
	srv := &http.Server{Handler: httpbin()}
	go func() { _ = srv.Serve(ln) }()
	_, port, _ := strings.Cut(ln.Addr().String(), ":")
	p, _ := strconv.Atoi(port)
	return p, func() { srv.Close() }, nil
}

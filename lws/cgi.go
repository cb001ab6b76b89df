package lws

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Defaults and bounds of a CGI mount (lws's LWSMPRO_CGI).
const (
	// DefaultCGITimeout is how long a script may run, in seconds, when
	// Mount.CGITimeout is 0; then it is killed.
	DefaultCGITimeout = 60
	// DefaultCGIMaxOutput bounds a script's stdout when
	// Mount.CGIMaxOutput is 0; past it the script is killed and the
	// response cut off.
	DefaultCGIMaxOutput = 64 << 20
	// cgiMaxHeader bounds the header block a script writes.
	cgiMaxHeader = 64 << 10
	// cgiMaxStderr bounds what of a script's stderr reaches the log; the
	// rest is read and dropped, so the script never blocks on it.
	cgiMaxStderr = 64 << 10
	// cgiMaxStderrLine bounds one logged line.
	cgiMaxStderrLine = 1024
	// cgiWaitDelay is how long, once the script is killed or has
	// exited, its pipes may stay open (a grandchild holding them) before
	// they are closed under it.
	cgiWaitDelay = 2 * time.Second
)

// errCGIOutput: the script wrote more than the mount allows.
var errCGIOutput = errors.New("cgi: output over the limit")

// boundedReader reads at most n more bytes from r, then fails with err.
type boundedReader struct {
	r   io.Reader
	n   int64
	err error
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, b.err
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	return n, err
}

// serveCGI runs the mount's script for one request, as lws's CGI mounts
// do (RFC 3875, CGI/1.1): the request's meta-variables in its
// environment, the body on its stdin, its stdout's header block turned
// into the response's status and headers and the rest streamed to the
// client as it comes (each read flushed), its stderr to the log a line
// at a time. A script is bounded three ways: it is killed, with every
// process it started (it runs as a process group), when it runs past the
// timeout, when its stdout passes the output limit, or when the client
// goes away. Killed before its headers, the client gets 504 (timeout) or
// 502; killed after, the response is cut off, never ended as if whole.
func (v *Vhost) serveCGI(w http.ResponseWriter, r *http.Request, m *mountState) {
	timeout := time.Duration(m.CGITimeout) * time.Second
	if timeout <= 0 {
		timeout = DefaultCGITimeout * time.Second
	}
	maxOut := m.CGIMaxOutput
	if maxOut <= 0 {
		maxOut = DefaultCGIMaxOutput
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, m.Origin)
	cmd.Env = v.cgiEnv(r, m)
	cmd.WaitDelay = cgiWaitDelay
	cgiProcessGroup(cmd) // the kill reaches what the script started
	if r.ContentLength != 0 && r.Body != nil {
		cmd.Stdin = r.Body
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		v.refuse(w, r, http.StatusInternalServerError, "cgi: stdout pipe", "err", err)
		return
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		v.refuse(w, r, http.StatusInternalServerError, "cgi: stderr pipe", "err", err)
		return
	}
	if err := cmd.Start(); err != nil {
		v.refuse(w, r, http.StatusInternalServerError, "cgi: script did not start", "script", m.Origin, "err", err)
		return
	}
	log := v.ctx.log.With("script", m.Origin, "pid", cmd.Process.Pid)
	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		cgiLogStderr(log, stderr)
	}()
	status, why := v.cgiRespond(w, r, stdout, maxOut)
	if why != "" {
		cancel() // kill the group now, whatever it is doing
	}
	<-stderrDone
	waitErr := cmd.Wait()
	switch {
	case ctx.Err() == context.DeadlineExceeded && r.Context().Err() == nil:
		why = fmt.Sprintf("ran past its %v timeout", timeout)
	case r.Context().Err() != nil:
		why = "client went away"
	}
	if why != "" {
		log.Warn("cgi: script killed", "why", why, "path", r.URL.Path, "peer", r.RemoteAddr)
		if status == 0 {
			code := http.StatusBadGateway
			if strings.Contains(why, "timeout") {
				code = http.StatusGatewayTimeout
			}
			http.Error(w, strconv.Itoa(code)+" "+http.StatusText(code)+": the script "+why, code)
			return
		}
		// The response is under way: cut it off, so the client cannot
		// take a truncated body for a whole one.
		panic(http.ErrAbortHandler)
	}
	if waitErr != nil {
		log.Info("cgi: script ended", "err", waitErr)
	}
}

// cgiRespond turns the script's stdout into the response. It returns the
// status sent (0 if none was) and, when the script must be killed, why.
func (v *Vhost) cgiRespond(w http.ResponseWriter, r *http.Request, stdout io.Reader, maxOut int64) (int, string) {
	lim := &boundedReader{r: stdout, n: cgiMaxHeader, err: errors.New("cgi: header block over the limit")}
	br := bufio.NewReaderSize(lim, 4096)
	hdr, err := textproto.NewReader(br).ReadMIMEHeader()
	if err != nil {
		if r.Context().Err() != nil || errors.Is(err, os.ErrClosed) {
			return 0, "no headers"
		}
		v.ctx.log.Warn("cgi: bad header block from the script", "err", err, "path", r.URL.Path)
		return 0, "bad header block: " + err.Error()
	}
	status := http.StatusOK
	if s := hdr.Get("Status"); s != "" {
		code, err := strconv.Atoi(strings.Fields(s + " ")[0])
		if err != nil || code < 100 || code > 999 {
			return 0, "bad Status header " + strconv.Quote(s)
		}
		status = code
	} else if hdr.Get("Location") != "" {
		status = http.StatusFound
	}
	if status == http.StatusOK && hdr.Get("Content-Type") == "" {
		return 0, "no Content-Type"
	}
	// The framing is the server's (lws removes a script's own chunking):
	// hop-by-hop fields and a length it cannot vouch for go.
	for _, k := range []string{"Status", "Transfer-Encoding", "Connection", "Keep-Alive", "Content-Length"} {
		delete(hdr, k)
	}
	h := w.Header()
	for k, vv := range hdr {
		h[k] = vv
	}
	w.WriteHeader(status)
	// The body, streamed: each read goes out at once.
	lim.n, lim.err = maxOut, errCGIOutput
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	for {
		n, err := br.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return status, "client went away"
			}
			if ferr := rc.Flush(); ferr != nil {
				return status, "client went away"
			}
		}
		if errors.Is(err, errCGIOutput) {
			v.ctx.log.Warn("cgi: output over the limit", "limit", maxOut, "path", r.URL.Path)
			return status, fmt.Sprintf("wrote more than %d bytes", maxOut)
		}
		if err != nil {
			// EOF, or the pipe closed under a killed script: either
			// way cmd.Wait tells the rest.
			return status, ""
		}
	}
}

// cgiLogStderr logs the script's stderr a line at a time, within bounds.
func cgiLogStderr(log interface{ Info(string, ...any) }, stderr io.Reader) {
	br := bufio.NewReaderSize(stderr, cgiMaxStderrLine)
	logged := 0
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			if logged < cgiMaxStderr {
				logged += len(line)
				log.Info("cgi stderr: " + strings.TrimRight(string(line), "\r\n"))
				if logged >= cgiMaxStderr {
					log.Info("cgi stderr: the rest is not logged", "limit", cgiMaxStderr)
				}
			}
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// cgiEnv builds the script's environment: RFC 3875's meta-variables,
// HTTP_* for the request's fields, PATH, and the mount's CGIEnv.
func (v *Vhost) cgiEnv(r *http.Request, m *mountState) []string {
	host, port, _ := net.SplitHostPort(r.Host)
	if host == "" {
		host = r.Host
	}
	if port == "" {
		port = strconv.Itoa(v.port)
	}
	raddr, rport, _ := net.SplitHostPort(r.RemoteAddr)
	scriptName := strings.TrimSuffix(m.Mountpoint, "/")
	env := map[string]string{
		"GATEWAY_INTERFACE": "CGI/1.1",
		"SERVER_SOFTWARE":   "lws-go",
		"SERVER_NAME":       host,
		"SERVER_PORT":       port,
		"SERVER_PROTOCOL":   r.Proto,
		"REQUEST_METHOD":    r.Method,
		"REQUEST_URI":       r.URL.RequestURI(),
		"SCRIPT_NAME":       scriptName,
		"PATH_INFO":         strings.TrimPrefix(r.URL.Path, scriptName),
		"QUERY_STRING":      r.URL.RawQuery,
		"REMOTE_ADDR":       raddr,
		"REMOTE_HOST":       raddr,
		"REMOTE_PORT":       rport,
		"PATH":              "/usr/local/bin:/usr/bin:/bin",
	}
	if p := os.Getenv("PATH"); p != "" {
		env["PATH"] = p
	}
	if r.TLS != nil {
		env["HTTPS"] = "on"
	}
	if r.ContentLength > 0 {
		env["CONTENT_LENGTH"] = strconv.FormatInt(r.ContentLength, 10)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		env["CONTENT_TYPE"] = ct
	}
	if m.BasicAuthLoginFile != "" {
		// basicAuth left the authenticated user's name in Authorization.
		env["AUTH_TYPE"], env["REMOTE_USER"] = "Basic", r.Header.Get("Authorization")
	}
	for k, vv := range r.Header {
		switch k {
		case "Authorization", "Proxy", "Content-Type", "Content-Length":
			// Credentials stay with the server; "Proxy" would become
			// HTTP_PROXY, which tools in the script take for their
			// proxy setting (the "httpoxy" hole).
			continue
		}
		env["HTTP_"+strings.ToUpper(strings.ReplaceAll(k, "-", "_"))] = strings.Join(vv, ", ")
	}
	for k, val := range m.CGIEnv {
		env[k] = val
	}
	out := make([]string, 0, len(env))
	for k, val := range env {
		out = append(out, k+"="+val)
	}
	return out
}

package lws

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// BasicAuthRealm is the realm a mount's 401 names, as lws's
// lws_unauthorised_basic_auth does.
const BasicAuthRealm = "lwsws"

// Bounds on what a client or the password file can make the server read.
const (
	// maxAuthorization is the longest Authorization header looked at;
	// lws copies it into 160 bytes and refuses a longer one.
	maxAuthorization = 512
	// maxLoginFile is the largest password file read.
	maxLoginFile = 1 << 20
)

// basicAuth applies a mount's Basic authentication (lws_check_basic_auth)
// and reports whether the request may go on. Missing or wrong
// credentials get 401 with WWW-Authenticate naming the realm; a header
// that is not Basic, not base64 or has no ':' gets 403, as in lws. Once
// authenticated, the request's Authorization header holds only the user
// name (lws rewrites WSI_TOKEN_HTTP_AUTHORIZATION the same way), so the
// protocol serving the mount reads it with Conn.Header("Authorization").
//
// The password file is read for every attempt, as lws reads it, so an
// edit takes effect at once; each attempt is served on its own
// connection's goroutine and compares every line in constant time, so a
// run of failures costs only its own requests.
func (v *Vhost) basicAuth(w http.ResponseWriter, r *http.Request, m *mountState) bool {
	if m.BasicAuthLoginFile == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		v.unauthorised(w, r, "basic auth: no credentials")
		return false
	}
	scheme, b64, ok := strings.Cut(h, " ")
	if len(h) > maxAuthorization || !ok || !strings.EqualFold(scheme, "Basic") {
		v.refuse(w, r, http.StatusForbidden, "basic auth: malformed Authorization header")
		return false
	}
	plain, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	user, _, ok := bytes.Cut(plain, []byte(":"))
	if err != nil || !ok {
		v.refuse(w, r, http.StatusForbidden, "basic auth: malformed credentials")
		return false
	}
	found, err := m.findLogin(plain)
	if err != nil {
		v.refuse(w, r, http.StatusInternalServerError, "basic auth: password file unreadable", "err", err)
		return false
	}
	if !found {
		v.unauthorised(w, r, "basic auth: lookup failed", "user", strconv.Quote(string(user)))
		return false
	}
	r.Header["Authorization"] = []string{string(user)}
	return true
}

// unauthorised answers 401 with the realm (lws_unauthorised_basic_auth).
func (v *Vhost) unauthorised(w http.ResponseWriter, r *http.Request, why string, args ...any) {
	v.ctx.log.Info(why, append([]any{"vhost", v.name, "path", r.URL.Path, "peer", r.RemoteAddr, "status", http.StatusUnauthorized}, args...)...)
	w.Header().Set("WWW-Authenticate", `Basic realm="`+BasicAuthRealm+`"`)
	http.Error(w, "401 Unauthorized", http.StatusUnauthorized)
}

// findLogin looks for the line "user:password" in the mount's password
// file (lws_find_string_in_file), comparing every line in constant time.
func (m *mountState) findLogin(plain []byte) (bool, error) {
	var f io.ReadCloser
	var err error
	if m.BasicAuthFS != nil {
		f, err = m.BasicAuthFS.Open(m.BasicAuthLoginFile)
	} else {
		f, err = os.Open(m.BasicAuthLoginFile)
	}
	if err != nil {
		return false, fmt.Errorf("open %s: %w", m.BasicAuthLoginFile, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxLoginFile+1))
	if err != nil {
		return false, fmt.Errorf("read %s: %w", m.BasicAuthLoginFile, err)
	}
	if len(data) > maxLoginFile {
		return false, fmt.Errorf("%s: over %d bytes", m.BasicAuthLoginFile, maxLoginFile)
	}
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxLoginFile)
	for sc.Scan() {
		line := bytes.TrimRight(sc.Bytes(), "\r")
		found |= subtle.ConstantTimeCompare(line, plain)
	}
	return found == 1, nil
}

package main

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// The opening handshake (RFC 6455 4), written and checked by hand so that
// the harness controls every octet that follows it.

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + wsGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// buffered returns what br read beyond the handshake: the first frames.
func buffered(br *bufio.Reader) []byte {
	b, _ := br.Peek(br.Buffered())
	return append([]byte(nil), b...)
}

// clientHandshake opens a ws connection to addr: it sends the upgrade
// request, with the permessage-deflate offers if any, and checks the 101
// (RFC 6455 4.1: status, Upgrade, Connection, Sec-WebSocket-Accept; RFC
// 7692 5: an extension answered that was not offered fails the
// handshake). It returns the socket, the agreed deflate parameters (nil:
// none) and the octets that came with the 101.
func clientHandshake(addr, path string, offers []pmdOffer) (net.Conn, *pmdParams, []byte, error) {
	nc, err := net.DialTimeout("tcp", addr, openHandshakeTimeout)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	fail := func(err error) (net.Conn, *pmdParams, []byte, error) {
		nc.Close()
		return nil, nil, nil, err
	}
	_ = nc.SetDeadline(time.Now().Add(openHandshakeTimeout))
	var k [16]byte
	_, _ = rand.Read(k[:])
	key := base64.StdEncoding.EncodeToString(k[:])
	var req strings.Builder
	fmt.Fprintf(&req, "GET %s HTTP/1.1\r\nUser-Agent: wsconform\r\nHost: %s\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n", path, addr)
	fmt.Fprintf(&req, "Pragma: no-cache\r\nCache-Control: no-cache\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n", key)
	if len(offers) > 0 {
		var os []string
		for _, o := range offers {
			os = append(os, o.String())
		}
		fmt.Fprintf(&req, "Sec-WebSocket-Extensions: %s\r\n", strings.Join(os, ", "))
	}
	req.WriteString("\r\n")
	if _, err := nc.Write([]byte(req.String())); err != nil {
		return fail(fmt.Errorf("send upgrade request: %w", err))
	}
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return fail(fmt.Errorf("read upgrade response: %w", err))
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode != http.StatusSwitchingProtocols:
		return fail(fmt.Errorf("upgrade answered %s", resp.Status))
	case !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket"):
		return fail(errors.New("101 without Upgrade: websocket"))
	case !headerHasToken(resp.Header, "Connection", "upgrade"):
		return fail(errors.New("101 without Connection: upgrade"))
	case resp.Header.Get("Sec-WebSocket-Accept") != acceptKey(key):
		return fail(errors.New("101 with a wrong Sec-WebSocket-Accept"))
	}
	var pp *pmdParams
	if ext := strings.Join(resp.Header.Values("Sec-WebSocket-Extensions"), ", "); strings.TrimSpace(ext) != "" {
		if len(offers) == 0 {
			return fail(fmt.Errorf("server answered extensions %q that were not offered", ext))
		}
		p, err := parseResponse(ext)
		if err != nil {
			return fail(err)
		}
		pp = &p
	}
	_ = nc.SetDeadline(time.Time{})
	return nc, pp, buffered(br), nil
}

// serverHandshake reads an upgrade request and checks it (RFC 6455 4.2.1);
// the caller answers with accept101 or refuse.
func serverHandshake(nc net.Conn) (*http.Request, *bufio.Reader, error) {
	_ = nc.SetDeadline(time.Now().Add(openHandshakeTimeout))
	br := bufio.NewReader(nc)
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, nil, fmt.Errorf("read upgrade request: %w", err)
	}
	switch {
	case req.Method != http.MethodGet:
		err = fmt.Errorf("upgrade request with method %s", req.Method)
	case !headerHasToken(req.Header, "Upgrade", "websocket"):
		err = errors.New("request without Upgrade: websocket")
	case !headerHasToken(req.Header, "Connection", "upgrade"):
		err = errors.New("request without Connection: upgrade")
	case req.Header.Get("Sec-WebSocket-Version") != "13":
		err = fmt.Errorf("Sec-WebSocket-Version %q, not 13", req.Header.Get("Sec-WebSocket-Version"))
	default:
		if k, e := base64.StdEncoding.DecodeString(req.Header.Get("Sec-WebSocket-Key")); e != nil || len(k) != 16 {
			err = errors.New("Sec-WebSocket-Key is not 16 octets in base64")
		}
	}
	if err != nil {
		refuse(nc, err)
		return nil, nil, err
	}
	return req, br, nil
}

// accept101 answers an upgrade request; ext is the Sec-WebSocket-Extensions
// answer ("" for none).
func accept101(nc net.Conn, req *http.Request, ext string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 101 Switching Protocols\r\nServer: wsconform\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n",
		acceptKey(req.Header.Get("Sec-WebSocket-Key")))
	if ext != "" {
		fmt.Fprintf(&b, "Sec-WebSocket-Extensions: %s\r\n", ext)
	}
	b.WriteString("\r\n")
	if _, err := nc.Write([]byte(b.String())); err != nil {
		return fmt.Errorf("send 101: %w", err)
	}
	_ = nc.SetDeadline(time.Time{})
	return nil
}

func refuse(nc net.Conn, why error) {
	msg := why.Error()
	fmt.Fprintf(nc, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(msg), msg)
	nc.Close()
}

// negotiate answers the client's permessage-deflate offers with the
// case's accept function; offers the harness cannot read decline
// permessage-deflate altogether.
func negotiate(req *http.Request, accept pmdAccept) (string, *pmdParams) {
	if accept == nil {
		return "", nil
	}
	var offers []pmdOffer
	for _, e := range parseExtensions(strings.Join(req.Header.Values("Sec-WebSocket-Extensions"), ", ")) {
		if e.name != "permessage-deflate" {
			continue
		}
		o, err := parseOffer(e)
		if err != nil {
			continue
		}
		offers = append(offers, o)
	}
	resp, pp, ok := accept(offers)
	if !ok {
		return "", nil
	}
	return resp, &pp
}

package lws

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// The writeable discipline on an HTTP callback mount: one write per
// callback that may write (ReasonHTTP, HTTP_WRITEABLE), ErrSecondWrite for
// another, ErrNotWriteable outside; the refused writes send nothing.
func TestHTTPOneWritePerWriteable(t *testing.T) {
	noLeaks(t)
	errs := make(chan string, 16)
	check := func(what string, err, want error) {
		if !errors.Is(err, want) {
			errs <- fmt.Sprintf("%s: %v, want %v", what, err, want)
		}
	}
	type pss struct{ writeables int }
	p := &Protocol{Name: "once", NewSession: func() any { return &pss{} }, Callback: func(c *Conn, reason Reason, s any, in []byte) error {
		ps, _ := s.(*pss)
		switch reason {
		case ReasonHTTP:
			if err := c.AddHTTPCommonHeaders(http.StatusOK, "text/plain", LengthUnknown); err != nil {
				return err
			}
			check("headers", c.FinalizeWriteHTTPHeader(), nil)
			check("second FinalizeWriteHTTPHeader in HTTP", c.FinalizeWriteHTTPHeader(), ErrSecondWrite)
			_, err := c.Write([]byte("x"), WriteHTTP)
			check("Write after the headers in HTTP", err, ErrSecondWrite)
			c.SetTimer(time.Millisecond)
		case ReasonTimer:
			_, err := c.Write([]byte("timer"), WriteHTTP)
			check("Write in TIMER", err, ErrNotWriteable)
			check("ReturnHTTPStatus in TIMER", c.ReturnHTTPStatus(http.StatusTeapot, ""), ErrNotWriteable)
			c.CallbackOnWritable()
		case ReasonHTTPWriteable:
			ps.writeables++
			if ps.writeables == 1 {
				_, err := c.Write([]byte("one "), WriteHTTP)
				check("first Write in HTTP_WRITEABLE", err, nil)
				_, err = c.Write([]byte("two "), WriteHTTPFinal)
				check("second Write in HTTP_WRITEABLE", err, ErrSecondWrite)
				check("HTTPRedirect after a Write", c.HTTPRedirect(http.StatusFound, "/elsewhere"), ErrSecondWrite)
				c.CallbackOnWritable()
				return nil
			}
			_, err := c.Write([]byte("end"), WriteHTTPFinal)
			check("Write in the next HTTP_WRITEABLE", err, nil)
		}
		return nil
	}}
	info := fileVhost(0)
	info.Protocols = []*Protocol{{Name: "http", Callback: HTTPDummy}, p}
	info.Mounts = append(info.Mounts, Mount{Mountpoint: "/once", Protocol: "once", OriginProtocol: OriginCallback})
	c := startContext(t, ContextInfo{VhostInfo: info})
	resp, body := httpGet(t, "http://"+c.Vhosts()[0].Addr()+"/once")
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if resp.StatusCode != http.StatusOK || body != "one end" {
		t.Fatalf("got %d %q, want 200 %q", resp.StatusCode, body, "one end")
	}
}

package lws

import (
	"fmt"
	"os"
	"testing"
)

// TestMain runs the whole suite once on every event loop this build has
// (the epoll loop and the portable loop on Linux): protocol code must not
// see which one it runs on. LWSGO_LOOP=epoll or =portable runs one.
func TestMain(m *testing.M) {
	if os.Getenv("LWSGO_LOOP") != "" {
		os.Exit(m.Run())
	}
	code := 0
	for _, l := range EventLoops() {
		os.Setenv("LWSGO_LOOP", l.String())
		fmt.Printf("=== event loop: %s\n", l)
		if c := m.Run(); c != 0 {
			fmt.Printf("--- FAIL on the %s event loop\n", l)
			code = c
		}
	}
	os.Unsetenv("LWSGO_LOOP")
	os.Exit(code)
}

// TestEventLoopOption: the context option picks the loop, and the
// default follows LWSGO_LOOP.
func TestEventLoopOption(t *testing.T) {
	for _, l := range EventLoops() {
		c, err := NewContext(ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen}, EventLoop: l})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.EventLoop(); got != l {
			t.Errorf("EventLoop %s: context runs %s", l, got)
		}
		c.Destroy()
	}
	want, _ := EventLoopDefault.resolve()
	c, err := NewContext(ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Destroy()
	if got := c.EventLoop(); got != want || got.String() != os.Getenv("LWSGO_LOOP") {
		t.Errorf("default loop %s, want %s (LWSGO_LOOP=%q)", got, want, os.Getenv("LWSGO_LOOP"))
	}
	t.Setenv("LWSGO_LOOP", "nonsense")
	if _, err := NewContext(ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen}}); err == nil {
		t.Error("LWSGO_LOOP=nonsense was accepted")
	}
}

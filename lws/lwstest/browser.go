package lwstest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is a headless Debian Chromium driven over the DevTools protocol
// with chromedp, closed when the test ends.
type Browser struct {
	t   testing.TB
	ctx context.Context // the browser's first tab
}

// NewBrowser starts Chromium with the flags this closed network needs
// (without the background-networking ones it keeps dialling Google and
// its connections are refused) and a fresh profile.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	path := RequirePeer(t, "chromium")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("ignore-certificate-errors", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	// Start the browser now, so a failure shows here.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	return &Browser{t: t, ctx: ctx}
}

// Tab is one browser tab.
type Tab struct {
	t   testing.TB
	ctx context.Context
}

// NewTab opens a tab at url and waits for its DOM.
func (b *Browser) NewTab(url string) *Tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	// The first run on a context creates its tab and ties the tab's life to
	// that call's context, so it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open tab: %v", err)
	}
	tab := &Tab{t: b.t, ctx: ctx}
	tab.Do(chromedp.Navigate(url))
	return tab
}

// timeout bounds every browser step, so a broken page fails instead of
// hanging the test.
const timeout = 20 * time.Second

// Do performs chromedp steps with a time limit, failing the test on error.
func (tab *Tab) Do(steps ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tab.t.Fatalf("chromium: %v", err)
	}
}

// get runs one chromedp action that returns a string.
func (tab *Tab) get(a chromedp.Action[string]) string {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tab.t.Fatalf("chromium: %v", err)
	}
	return v
}

// The helpers below act through JavaScript in the page (Runtime.evaluate),
// which behaves the same on every Chromium build; chromedp's DOM queries
// wait on DOM events that current headless builds do not always send.

// js runs a script that returns a string.
func (tab *Tab) js(script string) string {
	tab.t.Helper()
	return tab.Eval(script)
}

// untilOK runs script until it returns "ok", for elements that appear or
// become enabled after the page's own script has run.
func (tab *Tab) untilOK(what, script string) {
	tab.t.Helper()
	tab.WaitFor(what, func() string { return tab.js(script) }, "ok", timeout)
}

// Type puts text into the input matching the CSS selector sel, once it is
// enabled, as if typed (an input event follows).
func (tab *Tab) Type(sel, text string) {
	tab.t.Helper()
	tab.untilOK("type into "+sel, fmt.Sprintf(`(() => { const e = document.querySelector(%q);
		if (!e || e.disabled) return "not ready";
		e.focus(); e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); return "ok"; })()`, sel, text))
}

// Click clicks the element matching sel once it is enabled.
func (tab *Tab) Click(sel string) {
	tab.t.Helper()
	tab.untilOK("click "+sel, fmt.Sprintf(`(() => { const e = document.querySelector(%q);
		if (!e || e.disabled) return "not ready"; e.click(); return "ok"; })()`, sel))
}

// Value returns the value property of the element matching sel ("" if none).
func (tab *Tab) Value(sel string) string {
	tab.t.Helper()
	return tab.js(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? String(e.value) : ""; })()`, sel))
}

// Text returns the text content of the element matching sel ("" if none).
func (tab *Tab) Text(sel string) string {
	tab.t.Helper()
	return tab.js(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent : ""; })()`, sel))
}

// Eval evaluates a JavaScript expression that yields a string.
func (tab *Tab) Eval(expr string) string {
	tab.t.Helper()
	return tab.get(chromedp.Evaluate[string](expr))
}

// WaitFor polls get until it returns a string containing want, failing the
// test after timeout with the last value seen.
func (tab *Tab) WaitFor(what string, get func() string, want string, timeout time.Duration) {
	tab.t.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for time.Now().Before(deadline) {
		if last = get(); strings.Contains(last, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tab.t.Fatalf("%s: waited %v for %q, last saw %q", what, timeout, want, last)
}

// String names the tab for messages.
func (tab *Tab) String() string { return fmt.Sprintf("tab %p", tab.ctx) }

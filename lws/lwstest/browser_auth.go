package lwstest

import (
	"sync"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// NewTabWithLogin opens a tab at url that answers HTTP authentication
// challenges as a user at the browser's login dialog would (headless
// Chromium has no dialog): with user and password the first time a URL
// asks, and by giving up (Cancel) when the same URL asks again because
// they were refused, so the page then shows the server's 401.
func (b *Browser) NewTabWithLogin(url, user, password string) *Tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open tab: %v", err)
	}
	// The Fetch domain pauses every request (continued at once) and
	// reports challenges, until the tab closes.
	var mu sync.Mutex
	asked := map[string]bool{}
	go func() {
		for ev, err := range chromedp.Events(ctx, fetch.RequestPaused) {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
	}()
	go func() {
		for ev, err := range chromedp.Events(ctx, fetch.AuthRequired) {
			if err != nil {
				return
			}
			resp := &fetch.AuthChallengeResponse{Response: fetch.AuthChallengeResponseResponseProvideCredentials, Username: user, Password: password}
			mu.Lock()
			if asked[ev.Request.URL] {
				resp = &fetch.AuthChallengeResponse{Response: fetch.AuthChallengeResponseResponseCancelAuth}
			}
			asked[ev.Request.URL] = true
			mu.Unlock()
			_, _ = chromedp.Call(ctx, fetch.ContinueWithAuth, fetch.ContinueWithAuthParams{RequestID: ev.RequestID, AuthChallengeResponse: resp})
		}
	}()
	yes := true
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{HandleAuthRequests: &yes}); err != nil {
		b.t.Fatalf("enable fetch interception: %v", err)
	}
	tab := &Tab{t: b.t, ctx: ctx}
	tab.Do(chromedp.Navigate(url))
	return tab
}

package lws

// Deprecate stops the context accepting connections while the ones it has
// go on; when the last of them closes, the context stops (Run returns) and
// done, if not nil, is called on the loop: the mirror of
// lws_context_deprecate. lwsws uses it on reload, so a new instance with a
// new configuration takes new connections while the old one drains. It is
// goroutine-safe.
func (c *Context) Deprecate(done func()) {
	c.loop.post(func() {
		if c.deprecated {
			return
		}
		c.deprecated = true
		c.deprecatedDone = done
		for _, l := range c.listeners {
			l.stopAccepting()
		}
		c.log.Info("context deprecated: listeners closed", "connections", c.conns.len())
		c.checkDeprecated()
	})
}

// Deprecated reports whether Deprecate was called (lws_context_is_deprecated).
// Call it on the loop.
func (c *Context) Deprecated() bool { return c.deprecated }

// checkDeprecated stops a deprecated context once it has no connections.
func (c *Context) checkDeprecated() {
	if !c.deprecated || c.conns.len() > 0 || c.destroyed.Load() {
		return
	}
	c.log.Info("deprecated context has no connections left: stopping")
	if done := c.deprecatedDone; done != nil {
		c.deprecatedDone = nil
		done()
	}
	c.Stop()
}

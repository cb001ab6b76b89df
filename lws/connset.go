package lws

import "slices"

// connSet is the context's live network connections, the role of lws's
// per-thread fd table: a slice in which each Conn knows its index, so
// adding and removing cost O(1) and 8 bytes per connection (a map costs
// several times that). Loop-owned.
type connSet struct{ list []*Conn }

func (s *connSet) add(c *Conn) {
	c.setIdx = int32(len(s.list))
	s.list = append(s.list, c)
}

func (s *connSet) remove(c *Conn) {
	i := int(c.setIdx)
	if i >= len(s.list) || s.list[i] != c {
		return
	}
	last := len(s.list) - 1
	s.list[i] = s.list[last]
	s.list[i].setIdx = int32(i)
	s.list[last] = nil
	s.list = s.list[:last]
}

func (s *connSet) len() int { return len(s.list) }

// snapshot is for loops that close connections as they go.
func (s *connSet) snapshot() []*Conn { return slices.Clone(s.list) }

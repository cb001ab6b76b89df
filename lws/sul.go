package lws

import (
	"container/heap"
	"time"
)

// Sul is a scheduled callback on the service loop: the mirror of lws's
// lws_sorted_usec_list_t. Embed one in the struct that owns the timer (a
// pss, a vhd); scheduling never allocates a new node and an idle Sul costs
// nothing. Schedule, Cancel and the callback all run on the loop.
type Sul struct {
	due   int64 // monoNow() when it fires
	cb    func(*Sul)
	index int // position in the loop's heap, -1 when idle
	armed bool
}

// Scheduled reports whether s is waiting to fire.
func (s *Sul) Scheduled() bool { return s.armed }

// Schedule arms s to call cb on the loop after d, moving it if it was already
// armed: the mirror of lws_sul_schedule. It must be called on the loop (from
// a callback, or inside Context.Do).
func (c *Context) Schedule(s *Sul, d time.Duration, cb func(*Sul)) {
	if d < 0 {
		d = 0
	}
	s.cb = cb
	s.due = monoNow() + int64(d)
	if s.armed {
		heap.Fix(&c.loop.suls, s.index)
		return
	}
	s.armed = true
	heap.Push(&c.loop.suls, s)
}

// CancelSul disarms s; cancelling an idle Sul is a no-op, as with
// lws_sul_cancel.
func (c *Context) CancelSul(s *Sul) {
	if !s.armed {
		return
	}
	heap.Remove(&c.loop.suls, s.index)
}

// sulHeap orders armed suls by due time (lws keeps a sorted list).
type sulHeap []*Sul

func (h sulHeap) Len() int           { return len(h) }
func (h sulHeap) Less(i, j int) bool { return h[i].due < h[j].due }
func (h sulHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *sulHeap) Push(x any) {
	s := x.(*Sul)
	s.index = len(*h)
	*h = append(*h, s)
}
func (h *sulHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	s.index = -1
	s.armed = false
	return s
}

// runDue fires every sul that is due.
func (h *sulHeap) runDue(now int64) {
	for h.Len() > 0 {
		s := (*h)[0]
		if s.due > now {
			return
		}
		heap.Pop(h)
		s.cb(s)
		now = monoNow()
	}
}

// untilNext says how long until the earliest sul is due (0 or less: due
// now), and whether there is one.
func (h sulHeap) untilNext(now int64) (time.Duration, bool) {
	if h.Len() == 0 {
		return 0, false
	}
	return time.Duration(h[0].due - now), true
}

// clockBase anchors the loop's clock: suls and connection validity keep
// monotonic nanoseconds since it, 8 bytes where a time.Time takes 24.
var clockBase = time.Now()

func monoNow() int64 { return int64(time.Since(clockBase)) }

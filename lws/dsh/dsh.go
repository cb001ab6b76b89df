// Package dsh is lws's lws_dsh, the "disordered shared heap": one
// fixed-size buffer shared by several kinds of object, each kind a FIFO.
// Secure Streams' proxy uses one per connection for data going each way:
// whichever direction is busy gets the room, the total never grows past
// the buffer, and a full buffer is a refused allocation the caller can see
// (backpressure), not a bigger heap.
//
// Allocation is best fit from a free list kept in buffer order; freeing
// merges a hole with the holes on either side, so the buffer does not
// fragment away. With EnableCoalesce, bytes added to a kind whose last
// object is followed by a hole extend that object instead of starting a
// new one. Each object costs HeaderSize bytes of the buffer, as lws's
// lws_dsh_obj_t does on a 64-bit machine, so what fits is what fits in lws.
package dsh

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// HeaderSize is the room each object's header takes in the buffer
// (sizeof(lws_dsh_obj_t) on 64-bit).
const HeaderSize = 64

// align is lws_dsh_align: sizes round up to the pointer size.
func align(n int) int { return (n + 7) &^ 7 }

// Flags are lws's LWS_DSHFLAG_*.
type Flags uint32

// EnableCoalesce lets data added to a kind extend its last object when a
// hole follows it (LWS_DSHFLAG_ENABLE_COALESCE).
const EnableCoalesce Flags = 1 << 24

// ErrNoRoom is returned when no hole can take the allocation.
var ErrNoRoom = errors.New("dsh: no room")

// Obj is one object in the heap (what lws_dsh_get_head hands out).
type Obj struct {
	dsh   *DSH
	off   int // start of the header in the buffer
	asize int // bytes of buffer it occupies, header included
	size  int // payload bytes
	kind  int // 0 is the free list; kinds are 1-based inside
}

// Bytes is the object's payload; nil once it is freed.
func (o *Obj) Bytes() []byte {
	if o.dsh == nil {
		return nil
	}
	p := o.off + HeaderSize
	return o.dsh.buf[p : p+o.size : p+o.size]
}

// DSH is one shared heap (struct lws_dsh).
type DSH struct {
	buf   []byte
	flags Flags
	kinds [][]*Obj // kinds[0] is the free list, sorted by offset
	total []int    // bytes in use per kind, headers included
	free  int      // lws's locally_free
	inUse int      // lws's locally_in_use
}

// New makes a heap of bufLen bytes for kinds kinds of object
// (lws_dsh_create). As lws does, it adds 64 bytes to the buffer.
func New(bufLen, kinds int, flags Flags) *DSH {
	d := &DSH{buf: make([]byte, bufLen+64), flags: flags}
	d.kinds = make([][]*Obj, kinds+1)
	d.total = make([]int, kinds+1)
	d.Empty()
	return d
}

// Empty forgets every object: the whole buffer is one hole
// (lws_dsh_empty).
func (d *DSH) Empty() {
	for k := range d.kinds {
		for _, o := range d.kinds[k] {
			o.dsh = nil
		}
		d.kinds[k] = d.kinds[k][:0]
		d.total[k] = 0
	}
	whole := &Obj{off: 0, asize: len(d.buf)}
	d.kinds[0] = append(d.kinds[0], whole)
	d.free, d.inUse = whole.asize, 0
}

func (d *DSH) checkKind(kind int) int {
	if kind < 0 || kind+1 >= len(d.kinds) {
		panic(fmt.Sprintf("dsh: kind %d of %d", kind, len(d.kinds)-1))
	}
	return kind + 1
}

// Size is how much of the buffer a kind uses, headers included
// (lws_dsh_get_size).
func (d *DSH) Size(kind int) int { return d.total[d.checkKind(kind)] }

// Free and InUse are the buffer bytes in holes and in objects.
func (d *DSH) Free() int  { return d.free }
func (d *DSH) InUse() int { return d.inUse }

// AllocTail copies src1 then src2 into a new object at the tail of kind's
// FIFO (lws_dsh_alloc_tail); ErrNoRoom when no hole is big enough.
func (d *DSH) AllocTail(kind int, src1, src2 []byte) error {
	k := d.checkKind(kind)
	n := len(src1) + len(src2)
	asize := HeaderSize + align(n)

	// best fit: the smallest hole that takes it, unless the hole right
	// after the kind's last object can take the bytes onto that object
	var best *Obj
	var tail *Obj
	naturalRequired := 0
	if l := d.kinds[k]; len(l) > 0 {
		tail = l[len(l)-1]
		naturalRequired = align(tail.size+n) - tail.asize + HeaderSize
	}
	coalesce := false
	for _, h := range d.kinds[0] {
		if d.flags&EnableCoalesce != 0 && tail != nil && h.off == tail.off+tail.asize && h.asize >= naturalRequired {
			best, coalesce = h, true
			break
		}
		if h.asize >= asize && (best == nil || h.asize < best.asize) {
			best = h
		}
	}
	if best == nil {
		return fmt.Errorf("%w for %d bytes (kind %d, %d free)", ErrNoRoom, n, kind, d.free)
	}

	if coalesce {
		d.removeHole(best)
		end := best.off + best.asize
		d.free -= best.asize
		d.total[k] -= tail.asize
		d.inUse -= tail.asize
		p := tail.off + HeaderSize + tail.size
		p += copy(d.buf[p:], src1)
		copy(d.buf[p:], src2)
		tail.size += n
		tail.asize = HeaderSize + align(tail.size)
		if le := end - (tail.off + tail.asize); le < 64 {
			tail.asize += le // too small to track: the object keeps it
		} else {
			d.addHole(&Obj{off: tail.off + tail.asize, asize: le})
			d.free += le
		}
		d.total[k] += tail.asize
		d.inUse += tail.asize
		return nil
	}

	d.removeHole(best)
	o := best
	if best.asize >= asize+2*HeaderSize {
		// split: the object takes the front, the rest stays a hole
		d.addHole(&Obj{off: best.off + asize, asize: best.asize - asize})
		d.free -= asize
		o = &Obj{off: best.off, asize: asize}
	} else {
		d.free -= best.asize // close enough: the object takes it all
	}
	o.dsh, o.kind, o.size = d, k, n
	p := o.off + HeaderSize
	p += copy(d.buf[p:], src1)
	copy(d.buf[p:], src2)
	d.kinds[k] = append(d.kinds[k], o)
	d.total[k] += o.asize
	d.inUse += o.asize
	return nil
}

// Head is the oldest object of kind, or nil (lws_dsh_get_head).
func (d *DSH) Head(kind int) *Obj {
	if l := d.kinds[d.checkKind(kind)]; len(l) > 0 {
		return l[0]
	}
	return nil
}

// Release returns an object's room to the heap, merging it with the holes
// either side (lws_dsh_free). Its Bytes are gone.
func (o *Obj) Release() {
	d := o.dsh
	if d == nil {
		return
	}
	l := d.kinds[o.kind]
	if i := slices.Index(l, o); i >= 0 {
		d.kinds[o.kind] = slices.Delete(l, i, i+1)
	}
	d.free += o.asize
	d.inUse -= o.asize
	d.total[o.kind] -= o.asize
	h := &Obj{off: o.off, asize: o.asize}
	o.dsh, o.size = nil, 0
	i := d.addHole(h)
	holes := d.kinds[0]
	if i+1 < len(holes) && h.off+h.asize == holes[i+1].off {
		h.asize += holes[i+1].asize // [ h ][ next hole ] -> [ h ]
		d.kinds[0] = slices.Delete(holes, i+1, i+2)
		holes = d.kinds[0]
	}
	if i > 0 && holes[i-1].off+holes[i-1].asize == h.off {
		holes[i-1].asize += h.asize // [ prev hole ][ h ] -> [ prev hole ]
		d.kinds[0] = slices.Delete(holes, i, i+1)
	}
}

// Consume releases the head of kind when n is all of it (lws_dsh_consume,
// which only supports that).
func (d *DSH) Consume(kind, n int) error {
	h := d.Head(kind)
	if h == nil || n != h.size {
		return fmt.Errorf("dsh: consume %d of kind %d: only a whole head can go", n, kind)
	}
	h.Release()
	return nil
}

// addHole inserts a hole in buffer order and returns its index.
func (d *DSH) addHole(h *Obj) int {
	i, _ := slices.BinarySearchFunc(d.kinds[0], h.off, func(o *Obj, off int) int { return o.off - off })
	d.kinds[0] = slices.Insert(d.kinds[0], i, h)
	return i
}

func (d *DSH) removeHole(h *Obj) {
	if i := slices.Index(d.kinds[0], h); i >= 0 {
		d.kinds[0] = slices.Delete(d.kinds[0], i, i+1)
	}
}

// Describe lists the heap's objects and holes (lws_dsh_describe).
func (d *DSH) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dsh: size %d, kinds %d, free %d, in use %d\n", len(d.buf), len(d.kinds)-1, d.free, d.inUse)
	for k, l := range d.kinds {
		for _, o := range l {
			fmt.Fprintf(&b, "  kind %d: [%d, %d) size %d\n", k, o.off, o.off+o.asize, o.size)
		}
	}
	return b.String()
}

// Check verifies the heap's bookkeeping: holes and objects tile the
// buffer exactly and the counters agree. Tests call it after every step.
func (d *DSH) Check() error {
	var all []*Obj
	free, use := 0, 0
	for k, l := range d.kinds {
		sum := 0
		for _, o := range l {
			all = append(all, o)
			sum += o.asize
		}
		if k == 0 {
			free = sum
		} else {
			use += sum
			if sum != d.total[k] {
				return fmt.Errorf("kind %d: objects total %d, counted %d", k-1, sum, d.total[k])
			}
		}
	}
	if free != d.free || use != d.inUse {
		return fmt.Errorf("free %d (counted %d), in use %d (counted %d)", free, d.free, use, d.inUse)
	}
	slices.SortFunc(all, func(a, b *Obj) int { return a.off - b.off })
	at := 0
	for _, o := range all {
		if o.off != at {
			return fmt.Errorf("gap or overlap at %d: next object at %d", at, o.off)
		}
		at += o.asize
	}
	if at != len(d.buf) {
		return fmt.Errorf("objects end at %d of %d", at, len(d.buf))
	}
	return nil
}

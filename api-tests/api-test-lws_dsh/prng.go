package main

// xos is lws's lws_xos, the xoshiro256** generator its test 5 draws from,
// seeded as lws's is so the run follows the same sequence.
type xos struct{ s [4]uint64 }

func rol64(x uint64, k uint) uint64 { return x<<k | x>>(64-k) }

func newXos(seed uint64) *xos {
	x := &xos{}
	for n := range x.s {
		// splitmix64 (lws_xos_init)
		r := seed
		seed += 0x9E3779B97F4A7C15
		r = (r ^ r>>30) * 0xBF58476D1CE4E5B9
		r = (r ^ r>>27) * 0x94D049BB133111EB
		x.s[n] = r ^ r>>31
	}
	return x
}

func (x *xos) next() uint64 {
	s := &x.s
	result := rol64(s[1]*5, 7) * 9
	c := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= c
	s[3] = rol64(s[3], 45)
	return result
}

// percent is lws_xos_percent: true percent% of the time.
func (x *xos) percent(p int) bool { return int(x.next()%100) < p }

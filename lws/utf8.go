package lws

import "unicode/utf8"

// utf8Check validates a text message piece by piece, carrying a rune split
// across pieces, as lws's VALIDATE_UTF8 does across fragments.
type utf8Check struct {
	carry [utf8.UTFMax]byte
	n     uint8
}

// runeLen is the length a UTF-8 lead byte announces; 0 for invalid leads.
func runeLen(b byte) int {
	switch {
	case b >= 0xC2 && b <= 0xDF:
		return 2
	case b >= 0xE0 && b <= 0xEF:
		return 3
	case b >= 0xF0 && b <= 0xF4:
		return 4
	}
	return 0
}

// feed checks p; final says no more of the message follows.
func (u *utf8Check) feed(p []byte, final bool) bool {
	if u.n > 0 {
		need := runeLen(u.carry[0])
		for int(u.n) < need && len(p) > 0 {
			u.carry[u.n] = p[0]
			u.n++
			p = p[1:]
		}
		if int(u.n) < need {
			return !final && validPrefix(u.carry[:u.n])
		}
		if !utf8.Valid(u.carry[:u.n]) {
			return false
		}
		u.n = 0
	}
	cut := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-3; i-- {
		if p[i] < 0x80 {
			break
		}
		if p[i] >= 0xC0 {
			if need := runeLen(p[i]); need > 0 && len(p)-i < need {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(p[:cut]) {
		return false
	}
	tail := p[cut:]
	if len(tail) > 0 && (final || !validPrefix(tail)) {
		return false
	}
	u.n = uint8(copy(u.carry[:], tail))
	return true
}

// validPrefix reports whether b, a lead octet and fewer continuation
// octets than it announces, can still become a valid code point. A text
// message fails as soon as it cannot (RFC 6455 8.1, and Autobahn's
// fail-fast cases 6.4.x): the second octet's range excludes overlongs
// (E0, F0), surrogates (ED) and code points above U+10FFFF (F4)
// (RFC 3629 4), later ones are 80-BF.
func validPrefix(b []byte) bool {
	for i, c := range b[1:] {
		lo, hi := byte(0x80), byte(0xbf)
		if i == 0 {
			switch b[0] {
			case 0xe0:
				lo = 0xa0
			case 0xed:
				hi = 0x9f
			case 0xf0:
				lo = 0x90
			case 0xf4:
				hi = 0x8f
			}
		}
		if c < lo || c > hi {
			return false
		}
	}
	return true
}

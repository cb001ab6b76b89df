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
			// Incomplete: fine only while it can still become a rune
			// (utf8.FullRune is true for a prefix that cannot). RFC 6455
			// 8.1 fails the connection once the bytes are not UTF-8, so
			// how the message was cut must not delay it.
			return !final && !utf8.FullRune(u.carry[:u.n])
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
	if len(tail) > 0 && (final || utf8.FullRune(tail)) {
		return false // cut off, or already not the start of a rune
	}
	u.n = uint8(copy(u.carry[:], tail))
	return true
}

package lws

import "net/netip"

// regNameByte marks the bytes of an RFC 3986 reg-name other than
// percent-encoding: unreserved and sub-delims.
var regNameByte = func() (t [256]bool) {
	for _, c := range []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=") {
		t[c] = true
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validHost reports whether h is a Host: value RFC 9112 3.2 allows,
// uri-host [ ":" port ] (RFC 3986 3.2.2, 3.2.3): a reg-name (which an IPv4
// address also is) or an IP literal in brackets, then decimal digits
// naming a port up to 65535. An empty value is allowed (a request target
// with no authority). net/http checks only the bytes, not the shape.
func validHost[T ~string | ~[]byte](h T) bool {
	n, i := len(h), 0
	if n > 0 && h[0] == '[' {
		end := 1
		for end < n && h[end] != ']' {
			end++
		}
		if end == n || !validIPLiteral(string(h[1:end])) {
			return false
		}
		i = end + 1
	} else {
		for i < n && h[i] != ':' {
			switch c := h[i]; {
			case regNameByte[c]:
				i++
			case c == '%' && i+2 < n && isHex(h[i+1]) && isHex(h[i+2]):
				i += 3
			default:
				return false
			}
		}
	}
	if i == n {
		return true
	}
	if h[i] != ':' || n-i-1 > 5 {
		return false
	}
	port := 0
	for i++; i < n; i++ {
		c := h[i]
		if c < '0' || c > '9' {
			return false
		}
		port = port*10 + int(c-'0')
	}
	return port <= 65535
}

// validIPLiteral accepts what RFC 3986 allows between the brackets of an
// IP-literal: an IPv6 address (without a zone) or an IPvFuture.
func validIPLiteral(s string) bool {
	if len(s) > 0 && (s[0] == 'v' || s[0] == 'V') {
		i := 1
		for i < len(s) && isHex(s[i]) {
			i++
		}
		if i == 1 || i+1 >= len(s) || s[i] != '.' {
			return false
		}
		for _, c := range []byte(s[i+1:]) {
			if !regNameByte[c] && c != ':' {
				return false
			}
		}
		return true
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6() && a.Zone() == ""
}

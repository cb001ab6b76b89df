// Package tokenize is lws's lws_tokenize: a small, allocation-free
// tokenizer for header values, config lines and command words. It breaks
// its input into tokens, delimiters, integers, floats, quoted strings and
// "name=" / "name:" forms, under flags that say which punctuation is part
// of a token (a '-' in "fr-CH", a '.' in "1.myserver.com") and whether the
// input is a comma-separated list that must be well formed. Tokens are
// collected in a fixed 256-byte buffer, so a peer cannot make it grow.
//
// The package also carries lws's small string helpers that live beside it:
// lws_strexp (${name} expansion into a bounded output, in chunks),
// lws_strcmp_wildcard, lws_nstrstr and lws_json_simple_find.
package tokenize

// Elem is what one call of Next found: the mirror of lws_tokenize_elem,
// with lws's values (errors are negative, ENDED is 0).
type Elem int8

// The elements, with lws's names and numbers.
const (
	TooLong           Elem = -7 // LWS_TOKZE_TOO_LONG: a token over the 255-byte buffer
	WantRead          Elem = -6 // LWS_TOKZE_WANT_READ: more input needed (FlagExpectMore)
	ErrBrokenUTF8     Elem = -5 // LWS_TOKZE_ERR_BROKEN_UTF8: malformed or partial UTF-8
	ErrUntermString   Elem = -4 // LWS_TOKZE_ERR_UNTERM_STRING: ended inside ""
	ErrMalformedFloat Elem = -3 // LWS_TOKZE_ERR_MALFORMED_FLOAT: like 0.1.1
	ErrNumOnLHS       Elem = -2 // LWS_TOKZE_ERR_NUM_ON_LHS: like 123=
	ErrCommaList      Elem = -1 // LWS_TOKZE_ERR_COMMA_LIST: like ",tok" or "tok,,"
	Ended             Elem = 0  // LWS_TOKZE_ENDED: no more content

	Delimiter         Elem = 1 // LWS_TOKZE_DELIMITER
	Token             Elem = 2 // LWS_TOKZE_TOKEN
	Integer           Elem = 3 // LWS_TOKZE_INTEGER
	Float             Elem = 4 // LWS_TOKZE_FLOAT
	TokenNameEquals   Elem = 5 // LWS_TOKZE_TOKEN_NAME_EQUALS: token [whitespace] =
	TokenNameColon    Elem = 6 // LWS_TOKZE_TOKEN_NAME_COLON: token [whitespace] : (FlagAggColon)
	QuotedString      Elem = 7 // LWS_TOKZE_QUOTED_STRING
	TokenChunk        Elem = 8 // LWS_TOKZE_TOKEN_CHUNK: part of a long token (FlagChunk)
	QuotedStringChunk Elem = 9 // LWS_TOKZE_QUOTED_STRING_CHUNK: part of a long quoted string (FlagChunk)
)

var elemNames = [...]string{
	"LWS_TOKZE_TOO_LONG", "LWS_TOKZE_WANT_READ", "LWS_TOKZE_ERR_BROKEN_UTF8",
	"LWS_TOKZE_ERR_UNTERM_STRING", "LWS_TOKZE_ERR_MALFORMED_FLOAT",
	"LWS_TOKZE_ERR_NUM_ON_LHS", "LWS_TOKZE_ERR_COMMA_LIST", "LWS_TOKZE_ENDED",
	"LWS_TOKZE_DELIMITER", "LWS_TOKZE_TOKEN", "LWS_TOKZE_INTEGER", "LWS_TOKZE_FLOAT",
	"LWS_TOKZE_TOKEN_NAME_EQUALS", "LWS_TOKZE_TOKEN_NAME_COLON",
	"LWS_TOKZE_QUOTED_STRING", "LWS_TOKZE_TOKEN_CHUNK", "LWS_TOKZE_QUOTED_STRING_CHUNK",
}

// String is lws's name for the element.
func (e Elem) String() string {
	if i := int(e) + 7; i >= 0 && i < len(elemNames) {
		return elemNames[i]
	}
	return "LWS_TOKZE_?"
}

// Flags are lws's LWS_TOKENIZE_F_* options.
type Flags uint16

// The flags, with lws's bits.
const (
	FlagMinusNonterm    Flags = 1 << 0  // LWS_TOKENIZE_F_MINUS_NONTERM: '-' is part of a token
	FlagAggColon        Flags = 1 << 1  // LWS_TOKENIZE_F_AGG_COLON: "name:" is TokenNameColon
	FlagCommaSepList    Flags = 1 << 2  // LWS_TOKENIZE_F_COMMA_SEP_LIST: enforce "a, b, c"
	FlagRFC7230Delims   Flags = 1 << 3  // LWS_TOKENIZE_F_RFC7230_DELIMS: only RFC 7230's delimiters delimit
	FlagDotNonterm      Flags = 1 << 4  // LWS_TOKENIZE_F_DOT_NONTERM: '.' is part of a token
	FlagNoFloats        Flags = 1 << 5  // LWS_TOKENIZE_F_NO_FLOATS
	FlagNoIntegers      Flags = 1 << 6  // LWS_TOKENIZE_F_NO_INTEGERS: integers are plain tokens
	FlagHashComment     Flags = 1 << 7  // LWS_TOKENIZE_F_HASH_COMMENT: '#' to end of line is ignored
	FlagSlashNonterm    Flags = 1 << 8  // LWS_TOKENIZE_F_SLASH_NONTERM
	FlagAsteriskNonterm Flags = 1 << 9  // LWS_TOKENIZE_F_ASTERISK_NONTERM
	FlagEqualsNonterm   Flags = 1 << 10 // LWS_TOKENIZE_F_EQUALS_NONTERM
	FlagColonNonterm    Flags = 1 << 11 // LWS_TOKENIZE_F_COLON_NONTERM
	FlagExpectMore      Flags = 1 << 12 // LWS_TOKENIZE_F_EXPECT_MORE: end of input is WantRead
	FlagPlusNonterm     Flags = 1 << 13 // LWS_TOKENIZE_F_PLUS_NONTERM
	FlagChunk           Flags = 1 << 14 // LWS_TOKENIZE_F_CHUNK: long tokens come in chunks
)

type state uint8

const (
	leadingWhitespace state = iota // LWS_TOKZS_LEADING_WHITESPACE
	quotedString                   // LWS_TOKZS_QUOTED_STRING
	inToken                        // LWS_TOKZS_TOKEN
	tokenPostTerminal              // LWS_TOKZS_TOKEN_POST_TERMINAL
)

// Delimiter tracking for FlagCommaSepList (lws_tokenize_delimiter_tracking).
const (
	needFirstContent = iota // LWSTZ_DT_NEED_FIRST_CONTENT
	needDelim               // LWSTZ_DT_NEED_DELIM
	needNextContent         // LWSTZ_DT_NEED_NEXT_CONTENT
)

// CollectSize is the token buffer (lws's collect[256]): the longest token
// is one byte less.
const CollectSize = 256

// Tokenizer is lws's struct lws_tokenize. Set it up with New (or fill In
// and Flags), then call Next until it returns Ended or an error; after
// each call Token holds the token or delimiter found.
type Tokenizer struct {
	In    []byte // what is left to tokenize (lws's start and len)
	Flags Flags
	Token []byte // the token, delimiter or quoted string last found (token, token_len)
	Line  int    // lines seen so far (line)

	collect    [CollectSize]byte
	n          int // bytes in collect (token_len while collecting)
	st         state
	delim      uint8
	resetToken bool
	crlf       bool
}

// New starts tokenizing in (lws_tokenize_init).
func New(in []byte, flags Flags) *Tokenizer {
	return &Tokenizer{In: in, Flags: flags}
}

// rfc7230Delims are the characters that delimit under FlagRFC7230Delims.
const rfc7230Delims = "(),/:;<=>?@[\\]{}"

func isRFC7230Delim(c byte) bool {
	for i := 0; i < len(rfc7230Delims); i++ {
		if rfc7230Delims[i] == c {
			return true
		}
	}
	return false
}

// Next finds the next element (lws_tokenize).
func (ts *Tokenizer) Next() Elem {
	var flo bool
	var dMinus, dDot, dStar, dEq, dPlus byte = '-', '.', '*', '=', '+'
	var sMinus, sDot, sStar, sEq, sPlus byte
	skipping := false
	num := int8(-1) // -1 unknown, 0 not a number, 1 all digits so far
	if ts.Flags&FlagNoIntegers != 0 {
		num = 0
	}
	utf8 := 0

	// The flags' effect, worked out once outside the loop as lws does.
	if ts.Flags&FlagMinusNonterm != 0 {
		dMinus, sMinus = 0, '-'
	}
	if ts.Flags&FlagDotNonterm != 0 {
		dDot, sDot = 0, '.'
	}
	if ts.Flags&FlagAsteriskNonterm != 0 {
		dStar, sStar = 0, '*'
	}
	if ts.Flags&FlagEqualsNonterm != 0 {
		dEq, sEq = 0, '='
	}
	if ts.Flags&FlagPlusNonterm != 0 {
		dPlus, sPlus = 0, '+'
	}

	if ts.resetToken {
		ts.st = leadingWhitespace
		ts.n = 0
		ts.resetToken = false
	} else if ts.n == CollectSize-1 {
		ts.n = 0 // the previous call returned a full chunk
	}
	ts.Token = ts.collect[:ts.n]

	for len(ts.In) > 0 {
		c := ts.In[0]
		rest := ts.In
		ts.In = ts.In[1:]

		utf8 = checkByteUTF8(utf8, c)
		if utf8 < 0 {
			return ErrBrokenUTF8
		}
		if c == 0 {
			// a NUL ends the input: read nothing past it
			ts.In = nil
			break
		}
		if skipping {
			if c != '\r' && c != '\n' {
				continue
			}
			skipping = false
		}
		// comment
		if ts.Flags&FlagHashComment != 0 && ts.st != quotedString && c == '#' {
			skipping = true
			continue
		}

		// whitespace
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
			if c == '\r' && !ts.crlf {
				ts.Line++
			}
			if c == '\n' {
				ts.Line++
				ts.crlf = true
			}
			switch ts.st {
			case leadingWhitespace, tokenPostTerminal:
				continue
			case quotedString:
				if e, done := ts.aggregate(c); done {
					return e
				}
				continue
			case inToken:
				// scan forward for a '=' that makes this a name
				ts.st = tokenPostTerminal
				continue
			}
		} else {
			ts.crlf = false
		}

		// quoted string
		if c == '"' {
			if ts.st == tokenPostTerminal {
				ts.In = rest // report the pending token first
				return ts.tokenOrNumeric(num, flo)
			}
			if ts.st == quotedString {
				ts.resetToken = true
				ts.Token = ts.collect[:ts.n]
				return QuotedString
			}
			if ts.Flags&FlagCommaSepList != 0 {
				if ts.delim == needDelim {
					return ErrCommaList
				}
				ts.delim = needDelim
			}
			ts.st = quotedString
			ts.n = 0
			ts.Token = ts.collect[:0]
			continue
		}

		// token= aggregation
		if ts.Flags&FlagEqualsNonterm == 0 && c == '=' && (ts.st == tokenPostTerminal || ts.st == inToken) {
			ts.resetToken = true
			if num == 1 {
				return ErrNumOnLHS
			}
			ts.Token = ts.collect[:ts.n]
			return TokenNameEquals // the '=' is swallowed
		}

		// optional token: aggregation
		if ts.Flags&FlagAggColon != 0 && c == ':' && (ts.st == tokenPostTerminal || ts.st == inToken) {
			ts.resetToken = true
			ts.Token = ts.collect[:ts.n]
			return TokenNameColon
		}

		// a '.' in a number makes it a float
		if c == '.' && ts.Flags&FlagNoFloats == 0 && ts.st == inToken && num == 1 {
			if flo {
				return ErrMalformedFloat
			}
			flo = true
			if e, done := ts.aggregate(c); done {
				return e
			}
			continue
		}

		// A delimiter: by default anything not [A-Za-z0-9_] nor made part
		// of a token by a flag, nor inside a UTF-8 sequence; under
		// FlagRFC7230Delims only RFC 7230's delimiters.
		isDelim := utf8 == 0 &&
			((ts.Flags&FlagRFC7230Delims != 0 && isRFC7230Delim(c) && c > 32) ||
				(ts.Flags&FlagRFC7230Delims == 0 &&
					(c < '0' || c > '9') && (c < 'A' || c > 'Z') &&
					(c < 'a' || c > 'z') && c != '_' &&
					c != sMinus && c != sDot && c != sStar && c != sEq && c != sPlus) ||
				c == dMinus || c == dDot || c == dStar || c == dEq || c == dPlus) &&
			!(ts.Flags&FlagColonNonterm != 0 && c == ':') &&
			!(ts.Flags&FlagSlashNonterm != 0 && c == '/')
		if isDelim {
			switch ts.st {
			case leadingWhitespace:
				if ts.Flags&FlagCommaSepList != 0 {
					if c != ',' || ts.delim != needDelim {
						ts.Token = rest[:1]
						return ErrCommaList
					}
					ts.delim = needNextContent
				}
				ts.Token = rest[:1]
				ts.resetToken = true
				return Delimiter
			case quotedString:
				if e, done := ts.aggregate(c); done {
					return e
				}
				continue
			case tokenPostTerminal, inToken:
				ts.In = rest // report the delimiter next time
				return ts.tokenOrNumeric(num, flo)
			}
		}

		// anything else is payload
		switch ts.st {
		case leadingWhitespace:
			if ts.Flags&FlagCommaSepList != 0 {
				if ts.delim == needDelim {
					ts.resetToken = true
					ts.Token = nil
					return ErrCommaList
				}
				ts.delim = needDelim
			}
			ts.st = inToken
			ts.resetToken = true
			ts.collect[0] = c
			ts.n = 1
			ts.Token = ts.collect[:1]
		case quotedString, inToken:
			if e, done := ts.aggregate(c); done {
				return e
			}
		case tokenPostTerminal:
			ts.In = rest // report the new token next time
			return ts.tokenOrNumeric(num, flo)
		}
		if ts.Flags&FlagNoIntegers == 0 {
			if c < '0' || c > '9' {
				num = 0
			} else if num < 0 {
				num = 1
			}
		}
	}

	// out of input
	if ts.Flags&FlagExpectMore != 0 {
		ts.resetToken = false
		return WantRead
	}
	if utf8 != 0 {
		return ErrBrokenUTF8 // ended inside a multibyte character
	}
	if ts.st == quotedString {
		return ErrUntermString
	}
	if ts.st != tokenPostTerminal && ts.st != inToken {
		if ts.Flags&FlagCommaSepList != 0 && ts.delim == needNextContent {
			return ErrCommaList
		}
		ts.Token = nil
		return Ended
	}
	return ts.tokenOrNumeric(num, flo)
}

// aggregate adds c to the token being collected; done says the buffer
// filled, and e is then a chunk (FlagChunk) or TooLong.
func (ts *Tokenizer) aggregate(c byte) (e Elem, done bool) {
	ts.collect[ts.n] = c
	ts.n++
	ts.Token = ts.collect[:ts.n]
	if ts.n < CollectSize-1 {
		return 0, false
	}
	if ts.Flags&FlagChunk != 0 {
		if ts.st == quotedString {
			return QuotedStringChunk, true
		}
		return TokenChunk, true
	}
	return TooLong, true
}

func (ts *Tokenizer) tokenOrNumeric(num int8, flo bool) Elem {
	ts.resetToken = true
	ts.Token = ts.collect[:ts.n]
	switch {
	case num != 1:
		return Token
	case flo:
		return Float
	}
	return Integer
}

// e0f4 is lws's UTF-8 continuation table for lead bytes 0xe0..0xf4 and
// the states after them (lws_check_byte_utf8).
var e0f4 = [...]byte{
	0xa0 | (2-1)<<2 | 1, // e0
	0x80 | (4-1)<<2 | 1, // e1
	0x80 | (4-1)<<2 | 1, // e2
	0x80 | (4-1)<<2 | 1, // e3
	0x80 | (4-1)<<2 | 1, // e4
	0x80 | (4-1)<<2 | 1, // e5
	0x80 | (4-1)<<2 | 1, // e6
	0x80 | (4-1)<<2 | 1, // e7
	0x80 | (4-1)<<2 | 1, // e8
	0x80 | (4-1)<<2 | 1, // e9
	0x80 | (4-1)<<2 | 1, // ea
	0x80 | (4-1)<<2 | 1, // eb
	0x80 | (4-1)<<2 | 1, // ec
	0x80 | (2-1)<<2 | 1, // ed
	0x80 | (4-1)<<2 | 1, // ee
	0x80 | (4-1)<<2 | 1, // ef
	0x90 | (3-1)<<2 | 2, // f0
	0x80 | (4-1)<<2 | 2, // f1
	0x80 | (4-1)<<2 | 2, // f2
	0x80 | (4-1)<<2 | 2, // f3
	0x80 | 0<<2 | 2,     // f4
	0,                   // s0
	0x80 | (4-1)<<2,     // s2
	0x80 | (4-1)<<2 | 1, // s3
}

// checkByteUTF8 advances the UTF-8 state by one byte: 0 between
// characters, -1 for a byte that cannot come here (lws_check_byte_utf8).
func checkByteUTF8(s int, c byte) int {
	if s == 0 {
		if c < 0x80 {
			return 0
		}
		if c < 0xc2 || c > 0xf4 {
			return -1
		}
		if c < 0xe0 {
			return 0x80 | (4-1)<<2
		}
		return int(e0f4[c-0xe0])
	}
	lo := s & 0xf0
	if int(c) < lo || int(c) >= lo+0x10+((s<<2)&0x30) {
		return -1
	}
	return int(e0f4[21+(s&3)])
}

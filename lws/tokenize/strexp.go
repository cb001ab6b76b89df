package tokenize

import (
	"bytes"
	"math"
)

// StrexpResult is what Expand reports (lws's LSTRX_* values).
type StrexpResult int

// Expand's results, with lws's names and numbers.
const (
	StrexpDone             StrexpResult = 0  // LSTRX_DONE: all the input is used
	StrexpFilledOut        StrexpResult = 1  // LSTRX_FILLED_OUT: the output is full; ResetOut and go on
	StrexpFatalNameTooLong StrexpResult = -1 // LSTRX_FATAL_NAME_TOO_LONG: a ${name} over 31 bytes
	StrexpFatalNameUnknown StrexpResult = -2 // LSTRX_FATAL_NAME_UNKNOWN: the lookup does not know it
)

type strexpState uint8

const (
	expLiteral     strexpState = iota // LWS_EXPS_LITERAL
	expOpenOrLit                      // LWS_EXPS_OPEN_OR_LIT
	expNameOrClose                    // LWS_EXPS_NAME_OR_CLOSE
	expDrain                          // LWS_EXPS_DRAIN
)

// Strexp is lws's lws_strexp_t: it copies input to a bounded output,
// replacing each ${name} with what Lookup gives. Input may come in any
// number of pieces and the output be drained any number of times, with
// boundaries anywhere, including inside an expansion longer than the
// output buffer itself.
//
// lws's expansion callback writes its value piece by piece itself; here
// Lookup only returns the value and Strexp does that piecing (what every
// lws callback does with its exp_ofs).
type Strexp struct {
	// Lookup returns the value of a name, false for a name it does not know.
	Lookup func(name string) (string, bool)

	name    [32]byte
	namePos int
	out     []byte
	olen    int
	pos     int
	expOfs  int
	st      strexpState
}

// NewStrexp prepares an expansion into out (lws_strexp_init). With out
// nil nothing is written and Expand only counts the output's length.
func NewStrexp(lookup func(string) (string, bool), out []byte) *Strexp {
	e := &Strexp{Lookup: lookup}
	e.ResetOut(out)
	return e
}

// ResetOut gives the expansion a fresh output buffer, written from its
// start (lws_strexp_reset_out).
func (e *Strexp) ResetOut(out []byte) {
	e.out, e.olen, e.pos = out, len(out), 0
	if out == nil {
		e.olen = math.MaxInt
	}
}

// Output is what has been written to the current output buffer.
func (e *Strexp) Output() []byte { return e.out[:min(e.pos, len(e.out))] }

// Expand copies and expands in (lws_strexp_expand). usedIn says how much
// of in was consumed and usedOut how much of the output buffer is filled;
// on StrexpFilledOut, drain the output, ResetOut, and call again with the
// rest of the input.
func (e *Strexp) Expand(in []byte) (r StrexpResult, usedIn, usedOut int) {
	used := 0
	for used < len(in) {
		c := in[used]
		switch e.st {
		case expLiteral:
			if c == '$' {
				e.st = expOpenOrLit
				break
			}
			if e.out != nil {
				e.out[e.pos] = c
			}
			e.pos++
			if e.olen-e.pos < 1 {
				return StrexpFilledOut, used + 1, e.pos
			}
		case expOpenOrLit:
			if c == '{' {
				e.st, e.namePos, e.expOfs = expNameOrClose, 0, 0
				break
			}
			// a '$' not followed by '{' is literal
			if e.olen-e.pos < 3 {
				return StrexpFatalNameTooLong, used, e.pos
			}
			if e.out != nil {
				e.out[e.pos], e.out[e.pos+1] = '$', c
			}
			e.pos += 2
			if c != '$' {
				e.st = expLiteral
			}
		case expNameOrClose:
			if c == '}' {
				e.st = expDrain
				if r := e.drain(); r != StrexpDone {
					return r, used, e.pos
				}
				break
			}
			if e.namePos >= len(e.name)-1 {
				return StrexpFatalNameTooLong, used, e.pos
			}
			e.name[e.namePos] = c
			e.namePos++
		case expDrain:
			if r := e.drain(); r != StrexpDone {
				return r, used, e.pos
			}
		}
		used++
	}
	return StrexpDone, used, e.pos
}

// drain writes as much of the current expansion as fits.
func (e *Strexp) drain() StrexpResult {
	val, ok := e.Lookup(string(e.name[:e.namePos]))
	if !ok {
		return StrexpFatalNameUnknown
	}
	total := len(val) - e.expOfs
	budget := min(e.olen-e.pos, total)
	if e.out != nil {
		copy(e.out[e.pos:], val[e.expOfs:e.expOfs+budget])
	}
	e.expOfs += budget
	e.pos += budget
	if budget != total {
		return StrexpFilledOut
	}
	e.st = expLiteral
	return StrexpDone
}

// StrcmpWildcard compares check with a pattern that may hold up to three
// '*', each standing for any run of bytes; true when it matches. (lws's
// lws_strcmp_wildcard returns 0 for a match.)
func StrcmpWildcard(wildcard, check string) bool {
	var match, wc [3]int // where to resume after each '*'
	sp, w, c := 0, 0, 0
	for {
		switch {
		case w == len(wildcard):
			// the pattern ended before check: rewind to the last '*'
			if sp == 0 {
				return false
			}
			sp--
			w, c = wc[sp], match[sp]
		case wildcard[w] == '*':
			w++
			if w == len(wildcard) {
				return true // a trailing '*' matches the rest
			}
			if sp == len(match) {
				return false // more than three '*'
			}
			wc[sp], match[sp] = w, c+1
			sp++
		case c >= len(check):
			return false
		default:
			ch := check[c]
			c++
			if ch == wildcard[w] {
				w++
			} else if sp == 0 {
				return false // literals that differ
			}
		}
		if c >= len(check) {
			return w == len(wildcard)
		}
	}
}

// JSONSimpleFind finds the value after name (such as `"myname":`) in a
// JSON text without parsing it: a quoted string's contents (escapes left
// as they are), or up to the next ',', '}' or ']'. It returns the value
// and its offset in buf, or ok false (lws_json_simple_find). Use a real
// parser (lejp, encoding/json) for anything more complex.
func JSONSimpleFind(buf []byte, name string) (value []byte, offset int, ok bool) {
	i := bytes.Index(buf, []byte(name))
	if i < 0 {
		return nil, 0, false
	}
	np := i + len(name)
	for np < len(buf) && (buf[np] == ' ' || buf[np] == '\t') {
		np++
	}
	if np >= len(buf) {
		return nil, 0, false
	}
	quoted := buf[np] == '"'
	if quoted {
		np++
	}
	as := np
	for np < len(buf) {
		ch := buf[np]
		if quoted && ch == '"' || !quoted && (ch == '}' || ch == ']' || ch == ',') {
			break
		}
		if quoted && ch == '\\' {
			np++ // an escaped character, a quote maybe
		}
		np++
	}
	np = min(np, len(buf))
	return buf[as:np], as, true
}

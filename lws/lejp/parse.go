package lejp

// action is what one character leads to: lws's lejp_parse jumps to these
// labels at the bottom of its loop.
type action uint8

const (
	actNext       action = iota // continue with the next character
	actEmitString               // emit_string_char: c joins the string or the member name
	actAddStack                 // add_stack_level: push state c
	actAppendNpos               // append_npos: c joins the number
	actRedo                     // redo_character: see c again in the new state
	actCompleted                // completed_l: the document ended (with callback n)
	actReject                   // reject: fail with ret
)

var (
	escChar = []byte("\"\\/bfnrt")
	escTran = []byte("\"\\/\b\f\n\r\t")
)

const tokens = "rue alse ull "

// Parse feeds the next piece of the document (lejp_parse). It returns
// Continue when it wants more, a Reject* value when the document is
// refused (the callback has seen Failed), or, once the document is
// complete, how many bytes of json followed it.
func (ctx *Ctx) Parse(json []byte) int {
	if ctx.sp == 0 && *ctx.ppos() == 0 {
		ctx.cb(Start)
	}
	p := &parse{ctx: ctx}
	for pos := 0; pos < len(json); pos++ {
		c := json[pos]
		act, n := p.char(c)
		switch act {
		case actRedo:
			pos--
		case actCompleted:
			ctx.pathMatch = 0
			if (n != 0 && ctx.cb(Reason(n)) != 0) || ctx.cb(Complete) != 0 {
				return p.reject(RejectCallback)
			}
			return len(json) - pos - 1
		case actReject:
			return p.reject(p.ret)
		}
	}
	return Continue
}

// parse is one call of Parse: the character loop's locals.
type parse struct {
	ctx      *Ctx
	ret      int
	deferPop bool
}

func (p *parse) reject(ret int) int {
	p.ctx.cb(Failed)
	return ret
}

func (p *parse) fail(ret int) (action, int) {
	p.ret = ret
	return actReject, 0
}

// shrinkPathMatch forgets a match the path has shrunk below.
func (ctx *Ctx) shrinkPathMatch() {
	if ctx.pathMatch != 0 && *ctx.ppos() <= ctx.pmLen {
		ctx.pathMatch = 0
	}
}

// pushIndex opens an index level.
func (p *parse) pushIndex() bool {
	ctx := p.ctx
	if ctx.ipos >= len(ctx.i) {
		return false
	}
	ctx.i[ctx.ipos] = 0
	ctx.ipos++
	return true
}

// appendPath adds bytes to the path, keeping it NUL terminated.
func (ctx *Ctx) appendPath(b ...byte) bool {
	pp := ctx.ppos()
	if *pp+len(b)+1 >= MaxPath {
		return false
	}
	for _, c := range b {
		ctx.path[*pp] = c
		*pp++
	}
	ctx.path[*pp] = 0
	return true
}

func (ctx *Ctx) termPath() { ctx.path[*ctx.ppos()] = 0 }

// char runs the state machine on one character.
func (p *parse) char(c byte) (action, int) {
	ctx := p.ctx
	s := ctx.st[ctx.sp].s

	// whitespace and '#' comments, unless this state keeps them
	if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#' {
		if c == '\n' {
			ctx.Line++
			ctx.st[ctx.sp].s &^= wsCommentLine
		}
		if s&wsKeep == 0 {
			if c == '#' {
				ctx.st[ctx.sp].s |= wsCommentLine
			}
			return actNext, 0
		}
	}
	if ctx.st[ctx.sp].s&wsCommentLine != 0 {
		return actNext, 0
	}

	switch s {
	case sIdle:
		if ctx.sp == 0 && c == '[' {
			// a document that is an array
			ctx.outerArray = true
			ctx.st[ctx.sp].s = sMPArrayEnd
			if !ctx.appendPath('[', ']') {
				return p.fail(RejectUnknown)
			}
			if ctx.Flags&FlagLeadingWC != 0 {
				ctx.CheckPathMatch()
			}
			if ctx.cb(ArrayStart) != 0 {
				return p.fail(RejectCallback)
			}
			if !p.pushIndex() {
				return p.fail(RejectMPDelimIStack)
			}
			if ctx.Flags&FlagLeadingWC != 0 {
				ctx.CheckPathMatch()
			}
			return p.addStackLevel(sMPValue)
		}
		if c != '{' {
			return p.fail(RejectIdleNoBrace)
		}
		if ctx.Flags&FlagObjectIndexes != 0 {
			// members of {} are separated by ',' too: count them
			if !p.pushIndex() {
				return p.fail(RejectMPDelimIStack)
			}
		}
		if ctx.cb(ObjectStart) != 0 {
			return p.fail(RejectCallback)
		}
		ctx.st[ctx.sp].s = sMembers

	case sMembers:
		if c == '}' {
			return p.popLevel()
		}
		ctx.st[ctx.sp].s = sMP
		return actRedo, 0

	case sMP:
		if c != '"' {
			return p.fail(RejectMPNoOpenQuote)
		}
		ctx.st[ctx.sp].s = sMPDelim
		return p.addStackLevel(sMPString)

	case sMPString:
		if c == '"' {
			if ctx.sp == 0 { // JSON cannot end on a quote
				return p.fail(RejectMPStringUnderrun)
			}
			if ctx.st[ctx.sp-1].s != sMPDelim {
				ctx.buf[ctx.npos] = 0
				if ctx.cb(ValStrEnd) < 0 {
					return p.fail(RejectCallback)
				}
			}
			ctx.sp--
			return actNext, 0
		}
		if c == '\\' {
			ctx.st[ctx.sp].s = sMPStringEsc
			return actNext, 0
		}
		if c < ' ' { // control characters are not allowed
			return p.fail(RejectMPIllegalCtrl)
		}
		return p.emitStringChar(c)

	case sMPStringEsc:
		if c == 'u' {
			ctx.st[ctx.sp].s = sMPStringEscU1
			ctx.uni = 0
			return actNext, 0
		}
		for n, e := range escChar {
			if c == e {
				ctx.st[ctx.sp].s = sMPString
				return p.emitStringChar(escTran[n])
			}
		}
		return p.fail(RejectMPStringEscIllegal)

	case sMPStringEscU1, sMPStringEscU2, sMPStringEscU3, sMPStringEscU4:
		// \uXXXX, emitted as UTF-8 as the digits arrive
		ctx.uni <<= 4
		switch {
		case c >= '0' && c <= '9':
			ctx.uni |= uint16(c - '0')
		case c >= 'a' && c <= 'f':
			ctx.uni |= uint16(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			ctx.uni |= uint16(c - 'A' + 10)
		default:
			return p.fail(RejectIllegalHex)
		}
		ctx.st[ctx.sp].s++
		switch s {
		case sMPStringEscU2:
			if ctx.uni < 0x08 {
				break
			}
			return p.emitStringChar(byte(0xe0 | (ctx.uni>>4)&0xf)) // lead of 3
		case sMPStringEscU3:
			if ctx.uni >= 0x080 {
				return p.emitStringChar(byte(0x80 | (ctx.uni>>2)&0x3f)) // middle of 3
			}
			if ctx.uni < 0x008 {
				break
			}
			return p.emitStringChar(byte(0xc0 | ctx.uni>>2)) // lead of 2
		case sMPStringEscU4:
			ctx.st[ctx.sp].s = sMPString
			if ctx.uni >= 0x0080 {
				return p.emitStringChar(byte(0x80 | ctx.uni&0x3f)) // end of 2 or 3
			}
			return p.emitStringChar(byte(ctx.uni)) // ASCII
		}

	case sMPDelim:
		if c != ':' {
			return p.fail(RejectMPDelimMissingColon)
		}
		ctx.st[ctx.sp].s = sMPValue
		ctx.termPath()
		ctx.CheckPathMatch()
		if ctx.cb(PairName) != 0 {
			return p.fail(RejectCallback)
		}

	case sMPValue:
		return p.value(c)

	case sMPValueNumInt:
		if ctx.npos == 0 && c == '-' {
			ctx.f |= seenMinus
			return p.appendNpos(c)
		}
		if ctx.dcount < 20 && c >= '0' && c <= '9' {
			if ctx.f&seenPoint != 0 {
				ctx.f |= seenPostPoint
			}
			ctx.dcount++
			return p.appendNpos(c)
		}
		if c == '.' {
			if ctx.dcount == 0 || ctx.f&seenPoint != 0 {
				return p.fail(RejectMPValNumFormat)
			}
			ctx.f |= seenPoint
			return p.appendNpos(c)
		}
		// a '.' needs a digit after it before an exponent
		if ctx.f&(seenPoint|seenPostPoint) == seenPoint {
			return p.fail(RejectMPValNumIntNoFrac)
		}
		if c == 'e' || c == 'E' {
			if ctx.f&seenExp != 0 {
				return p.fail(RejectMPValNumFormat)
			}
			ctx.f |= seenExp
			ctx.st[ctx.sp].s = sMPValueNumExp
			return p.appendNpos(c)
		}
		if ctx.dcount == 0 {
			return p.fail(RejectMPValNumFormat)
		}
		ctx.buf[ctx.npos] = 0
		r := ValNumInt
		if ctx.f&(seenPoint|seenExp) != 0 {
			r = ValNumFloat // 0.001 and 1E-3 are floats, and so is 1E3
		}
		if ctx.cb(r) != 0 {
			return p.fail(RejectCallback)
		}
		// c is the character after the number: see it again
		ctx.st[ctx.sp].s = sMPCommaOrEnd
		return actRedo, 0

	case sMPValueNumExp:
		ctx.st[ctx.sp].s = sMPValueNumInt
		if c >= '0' && c <= '9' {
			return actRedo, 0
		}
		if c == '+' || c == '-' {
			return p.appendNpos(c)
		}
		return p.fail(RejectMPValNumExpBadExp)

	case sMPValueTok: // true, false, null
		if c != tokens[ctx.uni] {
			return p.fail(RejectMPValTokUnknown)
		}
		ctx.uni++
		if tokens[ctx.uni] != ' ' {
			return actNext, 0
		}
		var r Reason
		switch ctx.uni {
		case 3:
			ctx.buf[0], ctx.buf[1] = '1', 0
			r = ValTrue
		case 8:
			ctx.buf[0], ctx.buf[1] = '0', 0
			r = ValFalse
		case 12:
			ctx.buf[0] = 0
			r = ValNull
		}
		if ctx.cb(r) != 0 {
			return p.fail(RejectCallback)
		}
		ctx.st[ctx.sp].s = sMPCommaOrEnd

	case sMPCommaOrEnd:
		return p.commaOrEnd(c)

	case sMPArrayEnd:
		return p.arrayEnd(c)
	}
	return actNext, 0
}

// value is a value's first character (LEJP_MP_VALUE).
func (p *parse) value(c byte) (action, int) {
	ctx := p.ctx
	if c == '-' || (c >= '0' && c <= '9') {
		ctx.npos, ctx.dcount, ctx.f = 0, 0, 0
		ctx.st[ctx.sp].s = sMPValueNumInt
		return actRedo, 0
	}
	switch c {
	case '"':
		ctx.st[ctx.sp].s = sMPCommaOrEnd
		ctx.npos = 0
		ctx.buf[0] = 0
		if ctx.cb(ValStrStart) != 0 {
			return p.fail(RejectCallback)
		}
		return p.addStackLevel(sMPString)

	case '{':
		ctx.st[ctx.sp].s = sMPCommaOrEnd
		ctx.CheckPathMatch()
		if ctx.Flags&FlagObjectIndexes != 0 {
			if !p.pushIndex() {
				return p.fail(RejectMPDelimIStack)
			}
		}
		if ctx.cb(ObjectStart) != 0 {
			return p.fail(RejectCallback)
		}
		ctx.pathMatch = 0
		return p.addStackLevel(sMembers)

	case '[':
		ctx.st[ctx.sp].s = sMPArrayEnd
		if *ctx.ppos()+3 >= MaxPath {
			return p.fail(RejectUnknown)
		}
		ctx.appendPath('[', ']')
		if ctx.Flags&FlagLeadingWC != 0 {
			ctx.CheckPathMatch()
		}
		if ctx.cb(ArrayStart) != 0 {
			return p.fail(RejectCallback)
		}
		if ctx.Flags&FlagLeadingWC != 0 {
			ctx.CheckPathMatch()
		}
		if !p.pushIndex() {
			return p.fail(RejectMPDelimIStack)
		}
		return p.addStackLevel(sMPValue)

	case ']':
		// an empty array, or one ending after a ','
		if ctx.sp == 0 { // JSON cannot end on ]
			return p.fail(RejectMPCOrEUnderflow)
		}
		ctx.sp--
		if ctx.st[ctx.sp].s != sMPArrayEnd {
			return p.fail(RejectMPCOrENotArray)
		}
		p.dropArrayPath()
		if ctx.pstSP != 0 && ctx.sp == 0 {
			_ = ctx.ParserPop()
		}
		if ctx.Flags&FlagLeadingWC != 0 {
			ctx.CheckPathMatch()
		}
		if ctx.outerArray && ctx.sp == 0 {
			return actCompleted, int(ArrayEnd)
		}
		return p.arrayEnd(c)

	case 't':
		ctx.uni = 0
	case 'f':
		ctx.uni = 4
	case 'n':
		ctx.uni = 4 + 5
	default:
		return p.fail(RejectMPDelimBadValue)
	}
	ctx.st[ctx.sp].s = sMPValueTok
	return actNext, 0
}

// dropArrayPath takes the "[]" of a closed array off the path.
func (p *parse) dropArrayPath() {
	ctx := p.ctx
	if ctx.sp != 0 {
		*ctx.ppos() = int(ctx.st[ctx.sp-1].p)
		ctx.ipos = int(ctx.st[ctx.sp-1].i)
	} else if ctx.Flags&FlagObjectIndexes != 0 {
		ctx.ipos--
	}
	ctx.termPath()
	ctx.shrinkPathMatch()
}

// commaOrEnd follows a value (LEJP_MP_COMMA_OR_END).
func (p *parse) commaOrEnd(c byte) (action, int) {
	ctx := p.ctx
	ctx.termPath()
	switch c {
	case ',':
		ctx.st[ctx.sp].s = sMP
		if ctx.Flags&FlagObjectIndexes != 0 && ctx.ipos != 0 {
			ctx.i[ctx.ipos-1]++
		}
		if ctx.sp == 0 {
			// back at the root: no path can match any more
			*ctx.ppos() = 0
			ctx.pathMatch = 0
			return actNext, 0
		}
		*ctx.ppos() = int(ctx.st[ctx.sp-1].p)
		ctx.termPath()
		ctx.shrinkPathMatch()
		ctx.CheckPathMatch()
		if ctx.st[ctx.sp-1].s != sMPArrayEnd {
			return actNext, 0
		}
		// the level above is an array: the next entry
		if ctx.Flags&FlagObjectIndexes == 0 && ctx.ipos != 0 {
			ctx.i[ctx.ipos-1]++
		}
		ctx.st[ctx.sp].s = sMPValue
		return actNext, 0

	case ']':
		if ctx.sp == 0 {
			return p.fail(RejectMPCOrEUnderflow)
		}
		ctx.sp--
		if ctx.st[ctx.sp].s != sMPArrayEnd {
			return p.fail(RejectMPCOrENotArray)
		}
		p.dropArrayPath()
		if ctx.outerArray && ctx.sp == 0 {
			return actCompleted, int(ArrayEnd)
		}
		if ctx.pstSP != 0 && ctx.sp == 0 {
			p.deferPop = true
		}
		return actRedo, 0 // the array's end, in LEJP_MP_ARRAY_END

	case '}':
		if ctx.sp == 0 {
			return actCompleted, int(ObjectEnd)
		}
		return p.popLevel()
	}
	return p.fail(RejectMPCOrENeither)
}

// popLevel closes an object (pop_level_l).
func (p *parse) popLevel() (action, int) {
	ctx := p.ctx
	comp := ctx.sp == 0
	if !comp {
		ctx.sp--
		if ctx.sp != 0 {
			*ctx.ppos() = int(ctx.st[ctx.sp].p)
			ctx.ipos = int(ctx.st[ctx.sp].i)
		} else if ctx.Flags&FlagObjectIndexes != 0 {
			ctx.ipos--
		}
		ctx.termPath()
		ctx.shrinkPathMatch()
	}
	ctx.CheckPathMatch()
	if ctx.cb(ObjectEnd) != 0 {
		return p.fail(RejectCallback)
	}
	if comp {
		return actCompleted, 0
	}
	if ctx.pstSP > 1 && ctx.sp == 0 {
		_ = ctx.ParserPop()
	}
	return actNext, 0
}

// arrayEnd is inside an array, after an entry (LEJP_MP_ARRAY_END).
func (p *parse) arrayEnd(c byte) (action, int) {
	ctx := p.ctx
	ctx.termPath()
	if c == ',' {
		if ctx.ipos != 0 {
			ctx.i[ctx.ipos-1]++
		}
		ctx.st[ctx.sp].s = sMPValue
		if ctx.sp != 0 {
			*ctx.ppos() = int(ctx.st[ctx.sp-1].p)
		}
		ctx.termPath()
		ctx.CheckPathMatch()
		return actNext, 0
	}
	if c != ']' {
		return p.fail(RejectMPArrayEndMissing)
	}
	ctx.CheckPathMatch()
	ctx.st[ctx.sp].s = sMPCommaOrEnd
	ctx.cb(ArrayEnd)
	if p.deferPop {
		_ = ctx.ParserPop()
		p.deferPop = false
	}
	return actNext, 0
}

// emitStringChar adds c to the string value, calling back with a chunk
// when the buffer fills, or to the member name being read.
func (p *parse) emitStringChar(c byte) (action, int) {
	ctx := p.ctx
	if ctx.sp == 0 || ctx.st[ctx.sp-1].s != sMPDelim {
		ctx.buf[ctx.npos] = c
		ctx.npos++
		if ctx.npos == len(ctx.buf)-1 {
			ctx.buf[ctx.npos] = 0
			if ctx.cb(ValStrChunk) != 0 {
				return p.fail(RejectCallback)
			}
			ctx.npos = 0
		}
		return actNext, 0
	}
	// the name of a name:value pair
	if *ctx.ppos()+1 >= MaxPath {
		return p.fail(RejectUnknown)
	}
	ctx.path[*ctx.ppos()] = c
	*ctx.ppos()++
	return actNext, 0
}

// addStackLevel pushes state s (add_stack_level).
func (p *parse) addStackLevel(s byte) (action, int) {
	ctx := p.ctx
	if *ctx.ppos() != 0 && ctx.st[ctx.sp].s != sMPCommaOrEnd && ctx.st[ctx.sp].s != sMPArrayEnd {
		if *ctx.ppos()+1 >= MaxPath {
			return p.fail(RejectUnknown)
		}
		ctx.path[*ctx.ppos()] = '.'
		*ctx.ppos()++
	}
	ctx.st[ctx.sp].p = byte(*ctx.ppos())
	ctx.st[ctx.sp].i = byte(ctx.ipos)
	ctx.sp++
	if ctx.sp == len(ctx.st) {
		ctx.sp--
		return p.fail(RejectStackOverflow)
	}
	ctx.termPath()
	ctx.st[ctx.sp].s = s
	return actNext, 0
}

// appendNpos adds c to the number being read.
func (p *parse) appendNpos(c byte) (action, int) {
	ctx := p.ctx
	if ctx.npos >= len(ctx.buf)-1 {
		return p.fail(RejectNumTooLong)
	}
	ctx.buf[ctx.npos] = c
	ctx.npos++
	return actNext, 0
}

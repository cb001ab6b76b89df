// Package lejp is lws's LEJP ("lightweight embedded JSON parser"): a
// push parser that takes JSON in pieces of any size, as they arrive from a
// connection, and calls back for each thing it meets with the dotted path
// to it ("targets[].name"), the array indexes on the way, and which of the
// caller's path patterns ("platforms.*.build[]") matches. Strings come in
// chunks of at most 254 bytes, so nothing a peer sends makes the parser's
// memory grow: its state is one fixed-size struct, with lws's limits on
// nesting (64 levels), array indexes (64) and path length (192).
//
// It mirrors lws's lejp_construct, lejp_parse, lejp_destruct,
// lejp_parser_push / _pop, lejp_get_wildcard and lejp_error_to_string.
// Where a whole document is at hand and it maps onto Go types,
// encoding/json is the tool; lejp is for streams, paths and bounded state.
package lejp

// Reason is why the parser calls back (lws's enum lejp_callbacks).
type Reason int8

// The callback reasons, with lws's numbers. Value reasons have bit 64
// (LEJP_FLAG_CB_IS_VALUE).
const (
	Constructed  Reason = 0            // LEJPCB_CONSTRUCTED
	Destructed   Reason = 1            // LEJPCB_DESTRUCTED
	Start        Reason = 2            // LEJPCB_START: parsing begins
	Complete     Reason = 3            // LEJPCB_COMPLETE: the document ended well
	Failed       Reason = 4            // LEJPCB_FAILED: the document is rejected
	PairName     Reason = 5            // LEJPCB_PAIR_NAME: Path names a member
	ValTrue      Reason = IsValue | 6  // LEJPCB_VAL_TRUE
	ValFalse     Reason = IsValue | 7  // LEJPCB_VAL_FALSE
	ValNull      Reason = IsValue | 8  // LEJPCB_VAL_NULL
	ValNumInt    Reason = IsValue | 9  // LEJPCB_VAL_NUM_INT: Buf holds the digits
	ValNumFloat  Reason = IsValue | 10 // LEJPCB_VAL_NUM_FLOAT
	ValStrStart  Reason = 11           // LEJPCB_VAL_STR_START
	ValStrChunk  Reason = IsValue | 12 // LEJPCB_VAL_STR_CHUNK: Buf holds 254 bytes more of the string
	ValStrEnd    Reason = IsValue | 13 // LEJPCB_VAL_STR_END: Buf holds the string's last piece
	ArrayStart   Reason = 14           // LEJPCB_ARRAY_START
	ArrayEnd     Reason = 15           // LEJPCB_ARRAY_END
	ObjectStart  Reason = 16           // LEJPCB_OBJECT_START
	ObjectEnd    Reason = 17           // LEJPCB_OBJECT_END
	IsValue      Reason = 64           // LEJP_FLAG_CB_IS_VALUE
	UserStart    Reason = 32           // LEJPCB_USER_START: reasons of the caller's own
	reasonsLimit Reason = 127
)

// Parse's results (lws's enum lejp_reasons): Continue wants more input;
// the rest reject the document. A result >= 0 means the document is
// complete, and is how many bytes of the last piece were left over.
const (
	Continue                  = -1  // LEJP_CONTINUE
	RejectIdleNoBrace         = -2  // LEJP_REJECT_IDLE_NO_BRACE
	RejectMembersNoClose      = -3  // LEJP_REJECT_MEMBERS_NO_CLOSE
	RejectMPNoOpenQuote       = -4  // LEJP_REJECT_MP_NO_OPEN_QUOTE
	RejectMPStringUnderrun    = -5  // LEJP_REJECT_MP_STRING_UNDERRUN
	RejectMPIllegalCtrl       = -6  // LEJP_REJECT_MP_ILLEGAL_CTRL
	RejectMPStringEscIllegal  = -7  // LEJP_REJECT_MP_STRING_ESC_ILLEGAL_ESC
	RejectIllegalHex          = -8  // LEJP_REJECT_ILLEGAL_HEX
	RejectMPDelimMissingColon = -9  // LEJP_REJECT_MP_DELIM_MISSING_COLON
	RejectMPDelimBadValue     = -10 // LEJP_REJECT_MP_DELIM_BAD_VALUE_START
	RejectMPValNumIntNoFrac   = -11 // LEJP_REJECT_MP_VAL_NUM_INT_NO_FRAC
	RejectMPValNumFormat      = -12 // LEJP_REJECT_MP_VAL_NUM_FORMAT
	RejectMPValNumExpBadExp   = -13 // LEJP_REJECT_MP_VAL_NUM_EXP_BAD_EXP
	RejectMPValTokUnknown     = -14 // LEJP_REJECT_MP_VAL_TOK_UNKNOWN
	RejectMPCOrEUnderflow     = -15 // LEJP_REJECT_MP_C_OR_E_UNDERF
	RejectMPCOrENotArray      = -16 // LEJP_REJECT_MP_C_OR_E_NOTARRAY
	RejectMPArrayEndMissing   = -17 // LEJP_REJECT_MP_ARRAY_END_MISSING
	RejectStackOverflow       = -18 // LEJP_REJECT_STACK_OVERFLOW: nested deeper than MaxDepth
	RejectMPDelimIStack       = -19 // LEJP_REJECT_MP_DELIM_ISTACK: more than MaxIndexDepth indexes
	RejectNumTooLong          = -20 // LEJP_REJECT_NUM_TOO_LONG
	RejectMPCOrENeither       = -21 // LEJP_REJECT_MP_C_OR_E_NEITHER
	RejectUnknown             = -22 // LEJP_REJECT_UNKNOWN
	RejectCallback            = -23 // LEJP_REJECT_CALLBACK: a callback refused
)

var parserErrs = [...]string{
	"", "", "No opening '{'", "Expected closing '}'", "Expected '\"'",
	"String underrun", "Illegal unescaped control char", "Illegal escape format",
	"Illegal hex number", "Expected ':'", "Illegal value start",
	"Digit required after decimal point", "Bad number format", "Bad exponent format",
	"Unknown token", "Too many ']'", "Mismatched ']'", "Expected ']'",
	"JSON nesting limit exceeded", "Nesting tracking used up", "Number too long",
	"Comma or block end expected", "Unknown", "Parser callback errored (see earlier error)",
}

// ErrorToString describes a Parse result (lejp_error_to_string).
func ErrorToString(e int) string {
	if e > 0 {
		e = 0
	}
	e = -e
	if e >= len(parserErrs) {
		return "Unknown error"
	}
	return parserErrs[e]
}

// lws's limits (LEJP_MAX_*, LEJP_STRING_CHUNK).
const (
	MaxParsingStackDepth = 10  // LEJP_MAX_PARSING_STACK_DEPTH: ParserPush levels
	MaxDepth             = 64  // LEJP_MAX_DEPTH: nesting of objects, arrays and strings
	MaxIndexDepth        = 64  // LEJP_MAX_INDEX_DEPTH: array indexes tracked
	MaxPath              = 192 // LEJP_MAX_PATH: the dotted path, NUL included
	StringChunk          = 254 // LEJP_STRING_CHUNK: string bytes per callback
)

// Flags select lws's optional features (ctx->flags).
const (
	FlagObjectIndexes = 1 << 0 // LEJP_FLAG_FEAT_OBJECT_INDEXES: members of objects are counted like array entries
	FlagLeadingWC     = 1 << 1 // LEJP_FLAG_FEAT_LEADING_WC: paths are matched at array starts and ends too, for "*[]" patterns
)

// Callback is called for each thing the parser meets (lejp_callback). A
// nonzero return rejects the document with RejectCallback (for
// ValStrEnd, a negative one).
type Callback func(ctx *Ctx, reason Reason) int

// parser states (enum lejp_states); wsKeep marks the states in which
// whitespace is content.
const (
	wsKeep        = 64 // LEJP_FLAG_WS_KEEP
	wsCommentLine = 32 // LEJP_FLAG_WS_COMMENTLINE

	sIdle          = 0
	sMembers       = 1
	sMP            = 2
	sMPString      = wsKeep | 3
	sMPStringEsc   = wsKeep | 4
	sMPStringEscU1 = wsKeep | 5
	sMPStringEscU2 = wsKeep | 6
	sMPStringEscU3 = wsKeep | 7
	sMPStringEscU4 = wsKeep | 8
	sMPDelim       = 9
	sMPValue       = 10
	sMPValueNumInt = wsKeep | 11
	sMPValueNumExp = wsKeep | 12
	sMPValueTok    = wsKeep | 13
	sMPCommaOrEnd  = 14
	sMPArrayEnd    = 15
)

// number flags (enum num_flags)
const (
	seenMinus     = 1 << 0
	seenPoint     = 1 << 1
	seenPostPoint = 1 << 2
	seenExp       = 1 << 3
)

type stackLevel struct {
	s byte // state
	p byte // path length
	i byte // index depth
}

type parsingLevel struct {
	user      any
	cb        Callback
	paths     []string
	ppos      int
	pathMatch int
}

// Ctx is one parse (struct lejp_ctx): fixed-size, reusable after
// Construct.
type Ctx struct {
	// User is the caller's (ctx->user).
	User any
	// Flags are Flag* features; set them after Construct.
	Flags int
	// Line counts the lines seen, from 1.
	Line int

	pst        [MaxParsingStackDepth]parsingLevel
	st         [MaxDepth]stackLevel
	i          [MaxIndexDepth]uint16
	wild       [MaxIndexDepth]uint16
	path       [MaxPath]byte
	buf        [StringChunk + 1]byte
	uni        uint16
	npos       int
	dcount     int
	f          int
	sp         int
	ipos       int
	pathMatch  int
	pmLen      int
	wildcount  int
	pstSP      int
	outerArray bool
}

// Construct prepares ctx to parse one document, calling cb with
// Constructed; paths are the patterns whose matches PathMatch reports,
// '*' standing for one path element (lejp_construct). As in lws, Buf
// keeps the last value of a previous parse until a new value replaces it.
func (ctx *Ctx) Construct(cb Callback, user any, paths []string) {
	ctx.st[0] = stackLevel{}
	ctx.sp, ctx.ipos, ctx.outerArray, ctx.pathMatch = 0, 0, false, 0
	ctx.path[0] = 0
	ctx.User, ctx.Line, ctx.Flags = user, 1, 0
	ctx.pstSP = 0
	ctx.pst[0] = parsingLevel{cb: cb, paths: paths}
	cb(ctx, Constructed)
}

// Destruct tells the callback the parse is over (lejp_destruct).
func (ctx *Ctx) Destruct() {
	if ctx.pst[0].cb != nil {
		ctx.pst[0].cb(ctx, Destructed)
	}
}

// ChangeCallback hands the parse to another callback, which sees
// Constructed and Start (lejp_change_callback).
func (ctx *Ctx) ChangeCallback(cb Callback) {
	ctx.pst[0].cb(ctx, Destructed)
	ctx.pst[0].cb = cb
	cb(ctx, Constructed)
	cb(ctx, Start)
}

func cstr(b []byte) string {
	for n, c := range b {
		if c == 0 {
			return string(b[:n])
		}
	}
	return string(b)
}

// Path is the dotted path to where the parser is ("targets[].name").
func (ctx *Ctx) Path() string { return cstr(ctx.path[:]) }

// Buf is the value just parsed: a string's piece, a number's text, "1"
// for true, "0" for false (lws leaves it holding the last value until the
// next one).
func (ctx *Ctx) Buf() string { return cstr(ctx.buf[:]) }

// Indexes are the indexes of the arrays (and, under FlagObjectIndexes,
// objects) the parser is inside, outermost first (ctx->i[0..ipos)).
func (ctx *Ctx) Indexes() []uint16 { return ctx.i[:ctx.ipos] }

// PathMatch is 1 + the index of the pattern matching Path, or 0.
func (ctx *Ctx) PathMatch() int { return ctx.pathMatch }

// ParserUser is the user pointer of the current ParserPush level.
func (ctx *Ctx) ParserUser() any { return ctx.pst[ctx.pstSP].user }

func (ctx *Ctx) cb(r Reason) int { return ctx.pst[ctx.pstSP].cb(ctx, r) }

// ppos is the current path length.
func (ctx *Ctx) ppos() *int { return &ctx.pst[ctx.pstSP].ppos }

// CheckPathMatch matches Path against the current patterns
// (lejp_check_path_match).
func (ctx *Ctx) CheckPathMatch() {
	paths := ctx.pst[ctx.pstSP].paths
	path := ctx.Path()
	for n, q := range paths {
		ctx.wildcount = 0
		p, k := 0, 0
		for p < len(path) && k < len(q) {
			if q[k] != '*' {
				if path[p] != q[k] {
					break
				}
				p++
				k++
				continue
			}
			if ctx.wildcount < len(ctx.wild) {
				ctx.wild[ctx.wildcount] = uint16(p)
				ctx.wildcount++
			}
			k++
			// a '*' followed by more eats up to the next '.' or '[';
			// a trailing '*' eats everything
			for p < len(path) && ((path[p] != '.' && path[p] != '[') || k == len(q)) {
				p++
			}
		}
		if p < len(path) || k < len(q) {
			continue
		}
		ctx.pathMatch = n + 1
		ctx.pmLen = *ctx.ppos()
		return
	}
	if ctx.pathMatch == 0 {
		ctx.wildcount = 0
	}
}

// Wildcard is what the n-th '*' of the matching pattern stood for
// (lejp_get_wildcard).
func (ctx *Ctx) Wildcard(n int) string {
	if n >= ctx.wildcount {
		return ""
	}
	start := int(ctx.wild[n])
	end := start
	for end < *ctx.ppos() && (end == start || ctx.path[end] != '.') {
		end++
	}
	return string(ctx.path[start:end])
}

// ParserPush hands the members below the current path to another
// callback with its own patterns, until the enclosing object or array
// ends (lejp_parser_push).
func (ctx *Ctx) ParserPush(user any, paths []string, cb Callback) error {
	if ctx.pstSP+1 == MaxParsingStackDepth {
		return errPushDepth
	}
	ctx.CheckPathMatch()
	ctx.pst[ctx.pstSP].pathMatch = ctx.pathMatch
	ctx.pstSP++
	ctx.pst[ctx.pstSP] = parsingLevel{user: user, cb: cb, paths: paths}
	ctx.pathMatch = 0
	ctx.CheckPathMatch()
	return nil
}

// ParserPop returns to the previous callback (lejp_parser_pop).
func (ctx *Ctx) ParserPop() error {
	if ctx.pstSP == 0 {
		return errPopEmpty
	}
	ctx.pstSP--
	ctx.pathMatch = 0
	ctx.CheckPathMatch()
	return nil
}

type lejpError string

func (e lejpError) Error() string { return string(e) }

const (
	errPushDepth = lejpError("lejp: parser stack full")
	errPopEmpty  = lejpError("lejp: parser stack empty")
)

// Package logs is lws's logging on log/slog: the -d bitmask of the examples
// chooses which lws log levels print, and lines look like lwsl_* output:
//
//	[2026/11/25 02:10:11:1234] U: LWS minimal ws server | visit http://localhost:7681
//
// lws levels are independent bits, not an order, so each has its own
// slog.Level value and the handler asks the mask, not a threshold.
package logs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The lws log level bits (LLL_*), as given to -d.
const (
	Err     = 1 << iota // LLL_ERR
	Warn                // LLL_WARN
	Notice              // LLL_NOTICE
	Info                // LLL_INFO
	Debug               // LLL_DEBUG
	Parser              // LLL_PARSER
	Header              // LLL_HEADER
	Ext                 // LLL_EXT
	Client              // LLL_CLIENT
	Latency             // LLL_LATENCY
	User                // LLL_USER
	Thread              // LLL_THREAD
)

// slog levels for the lws bits. Third-party slog calls map by value:
// Error is ERR, Warn is WARN, Info is NOTICE, Debug is DEBUG.
const (
	LevelErr     = slog.LevelError
	LevelWarn    = slog.LevelWarn
	LevelUser    = slog.Level(2)
	LevelNotice  = slog.LevelInfo
	LevelInfo    = slog.Level(-2)
	LevelDebug   = slog.LevelDebug
	LevelParser  = slog.Level(-5)
	LevelHeader  = slog.Level(-6)
	LevelExt     = slog.Level(-7)
	LevelClient  = slog.Level(-8)
	LevelLatency = slog.Level(-9)
	LevelThread  = slog.Level(-10)
)

// bitOf maps an slog level to the lws bit that enables it, and its letter.
func bitOf(l slog.Level) (int, byte) {
	switch {
	case l >= LevelErr:
		return Err, 'E'
	case l >= LevelWarn:
		return Warn, 'W'
	case l >= LevelUser:
		return User, 'U'
	case l >= LevelNotice:
		return Notice, 'N'
	case l >= LevelInfo:
		return Info, 'I'
	case l >= LevelDebug:
		return Debug, 'D'
	case l == LevelParser:
		return Parser, 'P'
	case l == LevelHeader:
		return Header, 'H'
	case l == LevelExt:
		return Ext, 'X'
	case l == LevelClient:
		return Client, 'C'
	case l == LevelLatency:
		return Latency, 'L'
	default:
		return Thread, 'T'
	}
}

// Handler prints lws-style lines for the levels whose bit is in the mask.
type Handler struct {
	out    *output
	mask   int
	prefix string // preformatted attrs from WithAttrs
	group  string // dotted group prefix from WithGroup
}

type output struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time // tests pin the clock; nil means the record's time
}

// NewHandler returns a handler writing to w for the levels in mask.
func NewHandler(w io.Writer, mask int) *Handler {
	return &Handler{out: &output{w: w}, mask: mask}
}

// New returns a logger for the -d mask: the mirror of lws_set_log_level.
func New(w io.Writer, mask int) *slog.Logger { return slog.New(NewHandler(w, mask)) }

// SetDefault installs a stderr logger for mask as slog's default.
func SetDefault(mask int) *slog.Logger {
	l := New(os.Stderr, mask)
	slog.SetDefault(l)
	return l
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	bit, _ := bitOf(l)
	return h.mask&bit != 0
}

// Handle implements slog.Handler.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	_, letter := bitOf(r.Level)
	t := r.Time
	if h.out.now != nil {
		t = h.out.now()
	} else if t.IsZero() {
		t = time.Now()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s:%04d] %c: %s", t.Format("2006/01/02 15:04:05"), t.Nanosecond()/100000, letter, r.Message)
	b.WriteString(h.prefix)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, h.group, a)
		return true
	})
	b.WriteByte('\n')
	h.out.mu.Lock()
	defer h.out.mu.Unlock()
	_, err := io.WriteString(h.out.w, b.String())
	return err
}

func writeAttr(b *strings.Builder, group string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		g := group + a.Key + "."
		if a.Key == "" {
			g = group
		}
		for _, ga := range a.Value.Group() {
			writeAttr(b, g, ga)
		}
		return
	}
	v := a.Value.String()
	if v == "" || strings.ContainsAny(v, " \t\n\"=") {
		v = strconv.Quote(v)
	}
	b.WriteString(" " + group + a.Key + "=" + v)
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	for _, a := range attrs {
		writeAttr(&b, h.group, a)
	}
	h2 := *h
	h2.prefix += b.String()
	return &h2
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group += name + "."
	return &h2
}

// Userf logs at LLL_USER, the level examples use for what a user should see
// (lwsl_user).
func Userf(l *slog.Logger, format string, args ...any) {
	l.Log(context.Background(), LevelUser, fmt.Sprintf(format, args...))
}

// Noticef logs at LLL_NOTICE (lwsl_notice).
func Noticef(l *slog.Logger, format string, args ...any) {
	l.Log(context.Background(), LevelNotice, fmt.Sprintf(format, args...))
}

// Infof logs at LLL_INFO (lwsl_info).
func Infof(l *slog.Logger, format string, args ...any) {
	l.Log(context.Background(), LevelInfo, fmt.Sprintf(format, args...))
}

// Warnf logs at LLL_WARN (lwsl_warn).
func Warnf(l *slog.Logger, format string, args ...any) {
	l.Log(context.Background(), LevelWarn, fmt.Sprintf(format, args...))
}

// Errf logs at LLL_ERR (lwsl_err).
func Errf(l *slog.Logger, format string, args ...any) {
	l.Log(context.Background(), LevelErr, fmt.Sprintf(format, args...))
}

// Hexdump logs data as lws's lwsl_hexdump_* do: 16 bytes a line, offset,
// hex, then the printable characters.
func Hexdump(l *slog.Logger, level slog.Level, data []byte) {
	if !l.Enabled(context.Background(), level) {
		return
	}
	for off := 0; off < len(data); off += 16 {
		line := data[off:min(off+16, len(data))]
		var b strings.Builder
		fmt.Fprintf(&b, "%04X: ", off)
		for i := 0; i < 16; i++ {
			if i < len(line) {
				fmt.Fprintf(&b, "%02X ", line[i])
			} else {
				b.WriteString("   ")
			}
		}
		b.WriteString("   ")
		for _, c := range line {
			if c < 0x20 || c >= 0x7f {
				c = '.'
			}
			b.WriteByte(c)
		}
		l.Log(context.Background(), level, b.String())
	}
}

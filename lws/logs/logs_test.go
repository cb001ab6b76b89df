package logs

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

func fixed(h *Handler) *Handler {
	h.out.now = func() time.Time { return time.Date(2026, 11, 25, 2, 10, 11, 123400000, time.UTC) }
	return h
}

func TestMaskFilters(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(fixed(NewHandler(&buf, Err|User)))
	Userf(l, "user %d", 1)
	Noticef(l, "notice")
	l.Info("info is NOTICE, filtered")
	l.Error("boom", "code", 7)
	l.Warn("filtered")
	got := buf.String()
	want := "[2026/11/25 02:10:11:1234] U: user 1\n[2026/11/25 02:10:11:1234] E: boom code=7\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestLetters(t *testing.T) {
	for _, tt := range []struct {
		level  slog.Level
		bit    int
		letter byte
	}{
		{LevelErr, Err, 'E'}, {LevelWarn, Warn, 'W'}, {LevelUser, User, 'U'}, {LevelNotice, Notice, 'N'},
		{LevelInfo, Info, 'I'}, {LevelDebug, Debug, 'D'}, {LevelParser, Parser, 'P'}, {LevelHeader, Header, 'H'},
		{LevelExt, Ext, 'X'}, {LevelClient, Client, 'C'}, {LevelLatency, Latency, 'L'}, {LevelThread, Thread, 'T'},
	} {
		bit, letter := bitOf(tt.level)
		if bit != tt.bit || letter != tt.letter {
			t.Errorf("level %d: got bit %d %c, want %d %c", tt.level, bit, letter, tt.bit, tt.letter)
		}
	}
}

func TestAttrsAndGroups(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(fixed(NewHandler(&buf, 1031))).With("vhost", "localhost").WithGroup("conn")
	l.Warn("closing", "peer", "127.0.0.1:5", slog.Group("why", "text", "two words"))
	want := `[2026/11/25 02:10:11:1234] W: closing vhost=localhost conn.peer=127.0.0.1:5 conn.why.text="two words"` + "\n"
	if buf.String() != want {
		t.Fatalf("got  %q\nwant %q", buf.String(), want)
	}
}

func TestConcurrentLinesStayWhole(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, User)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				Userf(l, "line from goroutine %d", g)
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	for _, line := range lines {
		if !strings.Contains(line, "] U: line from goroutine ") {
			t.Fatalf("mangled line %q", line)
		}
	}
}

func TestHexdump(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(fixed(NewHandler(&buf, Notice)))
	Hexdump(l, LevelNotice, []byte("0123456789abcdef\x00xyz"))
	want := "[2026/11/25 02:10:11:1234] N: 0000: 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66    0123456789abcdef\n" +
		"[2026/11/25 02:10:11:1234] N: 0010: 00 78 79 7A                                        .xyz\n"
	if buf.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", buf.String(), want)
	}
	buf.Reset()
	Hexdump(l, LevelInfo, []byte("filtered"))
	if buf.Len() != 0 {
		t.Fatal("hexdump ignored the mask")
	}
}

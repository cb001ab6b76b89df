package examples

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws/lwstest"
)

// A README's "## Sample output" is a transcript: "$ " lines are commands
// ("> " lines continue one), the lines under a command are what it
// prints. TestReadmeSamples runs every transcript again, from the
// repository's root, and compares. The rules, so that a transcript stays
// honest and checkable:
//
//   - "go run ./<example or tool>" runs the binary built for the test;
//   - a command ending in "&" runs in the background, its output unchecked
//     (a peer, such as the test server, that the next commands talk to);
//   - a command runs until it exits, or until the lines above its first
//     "..." line have been printed (a server serving, a client that goes
//     on): then the next command starts; "..." stands for any lines, and
//     "..." inside a line for any text;
//   - when the transcript ends, what still runs gets Ctrl-C (lines after
//     it start with "^C");
//   - time stamps ("[2026/11/25 03:01:24:9470] ", or "[...] ") are not
//     compared; "echo $?" waits for the command before it to end and
//     prints its exit status.
//
// The samples use the examples' default ports (7681, 7682, 9001) and the SS
// proxy's socket; a transcript is skipped when one of the ports is taken,
// except under CI=true.
//
// To refresh a sample, LWSGO_README_PRINT=<dir> writes each transcript as
// it ran (time stamps included) to <dir>, ready to paste:
//
//	LWSGO_README_PRINT=/tmp/samples go test ./examples -run 'TestReadmeSamples/ws-server/minimal-ws-server/'
func TestReadmeSamples(t *testing.T) {
	for _, ex := range examples {
		data, err := os.ReadFile(filepath.Join(root, ex, "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		for i, block := range sampleBlocks(string(data)) {
			t.Run(ex+"/"+strconv.Itoa(i+1), func(t *testing.T) {
				portsFree(t, 7681, 7682, 9001)
				runTranscript(t, block, strings.ReplaceAll(ex, "/", "_")+"-"+strconv.Itoa(i+1)+".txt")
			})
		}
	}
}

// command is one "$ " line of a transcript and the lines under it.
type command struct {
	line       string
	background bool
	want       []string
}

// sampleBlocks finds the transcripts of the "## Sample output" sections:
// the code blocks there that start with a command.
func sampleBlocks(readme string) [][]command {
	var blocks [][]command
	inSection, inCode := false, false
	var cur []command
	for _, l := range strings.Split(readme, "\n") {
		switch {
		case strings.HasPrefix(l, "## "):
			inSection = strings.HasPrefix(l, "## Sample output")
		case inSection && strings.HasPrefix(l, "```"):
			if inCode && len(cur) > 0 {
				blocks = append(blocks, cur)
			}
			inCode, cur = !inCode, nil
		case !inCode:
		case strings.HasPrefix(l, "$ "):
			c := command{line: strings.TrimPrefix(l, "$ ")}
			c.background = strings.HasSuffix(strings.TrimSpace(c.line), "&")
			cur = append(cur, c)
		case len(cur) == 0:
			inCode = false // a code block that is not a transcript
		case strings.HasPrefix(l, "> ") && len(cur[len(cur)-1].want) == 0:
			cur[len(cur)-1].line += "\n" + strings.TrimPrefix(l, "> ")
		default:
			cur[len(cur)-1].want = append(cur[len(cur)-1].want, l)
		}
	}
	for i := range blocks {
		for j := range blocks[i] {
			w := blocks[i][j].want
			for len(w) > 0 && strings.TrimSpace(w[len(w)-1]) == "" {
				w = w[:len(w)-1]
			}
			blocks[i][j].want = w
		}
	}
	return blocks
}

// portsFree skips (fails under CI) when a port the samples use is taken.
func portsFree(t *testing.T, ports ...int) {
	t.Helper()
	for _, p := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			if lwstest.InCI() {
				t.Fatalf("port %d is taken: %v", p, err)
			}
			t.Skipf("port %d is taken, the sample cannot run: %v", p, err)
		}
		ln.Close()
	}
}

// goRun is a "go run ./<dir>" the test has a binary for.
var goRun = regexp.MustCompile(`go run \./([A-Za-z0-9_./-]+)`)

// running is a transcript's command while it runs.
type running struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
	code int
	// How many lines it had printed when the next command started while
	// it ran on, and when it got Ctrl-C (-1: it did not): what
	// LWSGO_README_PRINT marks with "..." and "^C".
	advancedAt, interruptedAt int
}

func (r *running) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.Write(p)
}

func (r *running) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return outputLines(r.out.String())
}

func (r *running) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// interrupt is Ctrl-C: SIGINT to the command's process group.
func (r *running) interrupt() {
	r.interruptedAt = len(r.lines())
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGINT)
}

func runTranscript(t *testing.T, block []command, name string) {
	var started []*running
	if dir := os.Getenv("LWSGO_README_PRINT"); dir != "" {
		defer func() {
			var b strings.Builder
			for i, r := range started {
				c := block[i]
				b.WriteString("$ " + strings.ReplaceAll(c.line, "\n", "\n> ") + "\n")
				if !c.background {
					b.WriteString(r.transcript())
				}
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
				t.Error(err)
			}
		}()
	}
	defer func() {
		for _, r := range started {
			if !r.exited() {
				_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
				<-r.done
			}
		}
	}()
	last := 0
	for i, c := range block {
		line := goRun.ReplaceAllStringFunc(c.line, func(m string) string {
			return bin(t, goRun.FindStringSubmatch(m)[1])
		})
		if strings.Contains(line, "$?") {
			// The status of the command before: it has to end first.
			for j := len(started) - 1; j >= 0; j-- {
				if !block[j].background {
					select {
					case <-started[j].done:
						last = started[j].code
					case <-time.After(60 * time.Second):
						t.Fatalf("$ %s: still running after 60 s", block[j].line)
					}
					break
				}
			}
			line = strings.ReplaceAll(line, "$?", strconv.Itoa(last))
		}
		line = strings.TrimSuffix(strings.TrimSpace(line), "&")
		if strings.Contains(line, "curl ") {
			lwstest.RequirePeer(t, "curl")
		}
		if strings.Contains(line, "nc ") {
			lwstest.RequirePeer(t, "nc")
		}
		r := &running{done: make(chan struct{}), advancedAt: -1, interruptedAt: -1}
		r.cmd = exec.Command("sh", "-c", line)
		r.cmd.Dir = root
		r.cmd.Stdout, r.cmd.Stderr = r, r
		r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			_ = r.cmd.Wait()
			r.code = r.cmd.ProcessState.ExitCode()
			close(r.done)
		}()
		started = append(started, r)
		if i == len(block)-1 {
			break
		}
		if err := r.advance(c); err != nil {
			t.Fatalf("$ %s\n%v\ngot:\n%s", c.line, err, strings.Join(r.lines(), "\n"))
		}
		if !r.exited() {
			r.advancedAt = len(r.lines())
		}
	}
	// The end of the transcript, last command first: a background peer
	// gets Ctrl-C; a command shown running until Ctrl-C gets it once it
	// has printed what the transcript shows before it, and a second more;
	// the rest must end by themselves.
	for i := len(started) - 1; i >= 0; i-- {
		r, c := started[i], block[i]
		switch {
		case r.exited():
			continue
		case c.background:
		case c.untilCtrlC():
			if !r.waitFor(append(c.beforeCtrlC(), "...")) {
				t.Errorf("$ %s: did not print what the transcript shows before Ctrl-C within 60 s", c.line)
			}
			select {
			case <-r.done:
				continue
			case <-time.After(time.Second):
			}
		default:
			select {
			case <-r.done:
				continue
			case <-time.After(60 * time.Second):
				t.Errorf("$ %s: still running after 60 s", c.line)
			}
		}
		r.interrupt()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Errorf("$ %s: still running 10 s after Ctrl-C", c.line)
		}
	}
	for i, c := range block {
		if c.background {
			continue
		}
		want := normalise(c.want)
		if got := normalise(started[i].lines()); !matchLines(want, got) {
			t.Errorf("$ %s\nthe README shows:\n%s\nthe command printed:\n%s", c.line, strings.Join(want, "\n"), strings.Join(got, "\n"))
		}
	}
}

// transcript is what the command printed, as a README shows it: "..."
// where the next command started while this one ran on, "^C" where it got
// Ctrl-C.
func (r *running) transcript() string {
	var b strings.Builder
	for i, l := range r.lines() {
		if i == r.advancedAt {
			b.WriteString("...\n")
		}
		if i == r.interruptedAt {
			l = "^C" + l
		}
		b.WriteString(l + "\n")
	}
	n := len(r.lines())
	if r.advancedAt == n {
		b.WriteString("...\n")
	}
	if r.interruptedAt == n {
		b.WriteString("^C\n")
	}
	return b.String()
}

// untilCtrlC reports whether the transcript shows c running until Ctrl-C.
func (c command) untilCtrlC() bool {
	if c.background || len(c.want) > 0 && strings.TrimSpace(c.want[len(c.want)-1]) == "..." {
		return true
	}
	for _, w := range c.want {
		if strings.HasPrefix(w, "^C") {
			return true
		}
	}
	return false
}

// beforeCtrlC is what the transcript shows c printing before Ctrl-C (all
// of it when it shows no "^C").
func (c command) beforeCtrlC() []string {
	var pre []string
	for _, w := range c.want {
		if strings.HasPrefix(w, "^C") {
			break
		}
		pre = append(pre, w)
	}
	return normalise(pre)
}

// waitFor waits up to 60 s until the output matches want or the command
// has exited, and reports whether it matched.
func (r *running) waitFor(want []string) bool {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if matchLines(want, normalise(r.lines())) {
			return true
		}
		if r.exited() {
			return matchLines(want, normalise(r.lines()))
		}
	}
	return false
}

// advance waits until the next command may start: this one has exited, or
// printed what the transcript shows above its first "...", or (a
// background command, or one whose transcript starts with "...") printed
// something and paused.
func (r *running) advance(c command) error {
	var head []string
	for _, w := range normalise(c.want) {
		if w == "..." {
			break
		}
		head = append(head, w)
	}
	partial := len(head) < len(normalise(c.want))
	settle := c.background || len(head) == 0 && partial
	deadline := time.Now().Add(60 * time.Second)
	quiet, seen := time.Now(), 0
	for !r.exited() {
		got := normalise(r.lines())
		switch {
		case settle && len(got) > 0 && time.Since(quiet) > 300*time.Millisecond:
			return nil
		case !settle && partial && matchLines(append(head, "..."), got):
			return nil
		case time.Now().After(deadline):
			return errTimeout
		}
		if len(got) != seen {
			seen, quiet = len(got), time.Now()
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

var errTimeout = &timeoutError{}

type timeoutError struct{}

func (*timeoutError) Error() string {
	return "did not exit, nor print the lines above its first \"...\", within 60 s"
}

// outputLines splits output into lines, dropping trailing empty ones.
func outputLines(s string) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	return lines
}

// stamp is an lws log time stamp, or the transcripts' "[...]" for one.
var stamp = regexp.MustCompile(`\[(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d:\d{4}|\.\.\.)\] `)

// normalise drops time stamps, "^C" marks, trailing blanks and trailing
// empty lines.
func normalise(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if l == "^C" {
			continue
		}
		l = strings.TrimPrefix(l, "^C")
		l = stamp.ReplaceAllString(l, "")
		out = append(out, strings.TrimRight(l, " \t\r"))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// matchLines matches got against want, where a "..." line stands for any
// lines and "..." inside a line for any text.
func matchLines(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "..." {
		for i := 0; i <= len(got); i++ {
			if matchLines(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && matchLine(want[0], got[0]) && matchLines(want[1:], got[1:])
}

func matchLine(want, got string) bool {
	if !strings.Contains(want, "...") {
		return want == got
	}
	parts := strings.Split(want, "...")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(got)
}

// Package cmdline is the examples' command line. Each example declares its
// switches once, in a table (lws's struct lws_switches): the spelling help
// shows, lws's other spellings, what kind of value it takes, its default
// and one line of help. Parse reads the arguments against that table:
//
//   - lws's spellings work: "-d 1151", "-d1151" and "-d=1151"; "-p 7681",
//     "--port 7681", "--port=7681"; the last occurrence of a switch wins;
//   - anything else is refused, naming it: an unknown option (no prefix
//     matching: "-help" is not "-h", "-port" is not "-p"), a missing value,
//     a value that is not a number or out of range, an argument nobody
//     asked for;
//   - "--help" (and "-help", and "-h" where the example does not use -h
//     itself) asks for the help;
//   - the builtins of lws_cmdline_option_handle_builtin are in every table:
//     "-d <mask>", the log bitmask, and "--ignore-sigterm".
//
// An example's main hands the table and its run function to Main, which
// parses os.Args (printing the help and exiting 0, or printing the
// one-line usage error and exiting 2), runs it with a context that Ctrl-C
// cancels, and exits 0, or 1 with the error run returned:
//
//	var switches = cmdline.Switches{
//		cmdline.Port(7681, "-p"),
//		{Name: "-o", Help: "exit after the first connection closes"},
//	}
//
//	func main() { cmdline.Main(switches, run) }
//
//	func run(ctx context.Context, o *cmdline.Values) error {
//		port, once := o.Int("--port"), o.Has("-o")
//		...
//
// Tests call run with switches.MustParse(args).
package cmdline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Kind is what a switch takes.
type Kind uint8

const (
	Bool   Kind = iota // nothing: present or not ("-s")
	Int                // a number ("-p 7681")
	String             // a word ("-s localhost")
	Args               // the arguments that are not switches (at most one such entry)
)

// Switch is one entry of the table.
type Switch struct {
	Name    string   // the spelling help shows first: "--port", "-s"
	Aliases []string // lws's other spellings: "-p"
	Kind    Kind
	Arg     string // the value's name in help: "port" shows "<port>"; "n" or "value" when empty
	Default string // the value when the switch is absent; help shows it
	Help    string // one line
	// Min and Max bound an Int's value when Max > Min.
	Min, Max int
}

// Switches is an example's table.
type Switches []Switch

// DefaultLogLevel is lws's default -d mask: ERR, WARN, NOTICE and USER.
const DefaultLogLevel = 1 | 2 | 4 | 1024

// builtins are in every table, after the example's own switches.
var builtins = Switches{
	{Name: "-d", Kind: Int, Arg: "mask", Default: strconv.Itoa(DefaultLogLevel),
		Help: "log bitmask: 1 ERR, 2 WARN, 4 NOTICE, 8 INFO, 16 DEBUG, 1024 USER"},
	{Name: "--ignore-sigterm", Help: "ignore SIGTERM (CI runners send it early); Ctrl-C still stops"},
}

// Port is a server's listening port switch: "--port", with lws's own
// spelling (if the example has one) as an alias. 0 picks a free port.
func Port(def int, aliases ...string) Switch {
	return Switch{Name: "--port", Aliases: aliases, Kind: Int, Arg: "port", Default: strconv.Itoa(def),
		Help: "port to listen on (0: any free port)", Min: 0, Max: 65535}
}

// Values is a parsed command line.
type Values struct {
	prog  string
	table Switches
	given map[string]string // by Switch.Name
	args  []string
}

// UsageError is a command line Parse refused, or a request for help.
// Exit prints it and exits 2 (0 for help).
type UsageError struct {
	Prog string
	Msg  string // one line naming the culprit; empty for a help request
	Help string // the help text
}

func (e *UsageError) Error() string {
	if e.Msg == "" {
		return e.Prog + ": help requested"
	}
	return e.Prog + ": " + e.Msg + " (see " + e.Prog + " --help)"
}

// HelpRequested reports whether err is a request for help.
func HelpRequested(err error) bool {
	var u *UsageError
	return errors.As(err, &u) && u.Msg == ""
}

// lookup finds the switch one spelling names.
func (t Switches) lookup(spelling string) *Switch {
	for i := range t {
		s := &t[i]
		if s.Kind == Args {
			continue
		}
		if s.Name == spelling {
			return s
		}
		for _, a := range s.Aliases {
			if a == spelling {
				return s
			}
		}
	}
	return nil
}

// Parse reads args (program name first, as os.Args) against the table.
// The error is a *UsageError for anything Parse refuses and for --help.
func (sw Switches) Parse(args []string) (*Values, error) {
	prog := "program"
	if len(args) > 0 {
		prog = filepath.Base(args[0])
	}
	table := append(append(Switches{}, sw...), builtins...)
	v := &Values{prog: prog, table: table, given: map[string]string{}}
	fail := func(format string, a ...any) (*Values, error) {
		return nil, &UsageError{Prog: prog, Msg: fmt.Sprintf(format, a...), Help: table.help(prog)}
	}
	var positional *Switch
	for i := range table {
		if table[i].Kind == Args {
			positional = &table[i]
		}
	}
	// Help first, whatever else the line holds.
	for _, a := range args[min(1, len(args)):] {
		if a == "--" {
			break
		}
		if a == "--help" || a == "-help" || (a == "-h" && table.lookup("-h") == nil) {
			return nil, &UsageError{Prog: prog, Help: table.help(prog)}
		}
	}
	onlyArgs := false
	for i := 1; i < len(args); i++ {
		a := args[i]
		if onlyArgs || a == "-" || !strings.HasPrefix(a, "-") {
			if positional == nil {
				return fail("unexpected argument %q", a)
			}
			v.args = append(v.args, a)
			continue
		}
		if a == "--" {
			onlyArgs = true
			continue
		}
		spelling, value, hasValue := a, "", false
		if k := strings.IndexByte(a, '='); k > 0 {
			spelling, value, hasValue = a[:k], a[k+1:], true
		}
		s := table.lookup(spelling)
		if s == nil && len(a) > 2 && a[1] != '-' {
			// lws's glued form, for one-letter numeric switches: -d1151.
			if g := table.lookup(a[:2]); g != nil && g.Kind == Int && isNumber(a[2:]) {
				s, spelling, value, hasValue = g, a[:2], a[2:], true
			}
		}
		if s == nil {
			return fail("unknown option %s", spelling)
		}
		if s.Kind == Bool {
			if hasValue {
				return fail("%s takes no value (got %q)", spelling, value)
			}
			v.given[s.Name] = ""
			continue
		}
		if !hasValue {
			if i+1 == len(args) || (s.Kind == String && strings.HasPrefix(args[i+1], "-") && len(args[i+1]) > 1) {
				return fail("%s needs a value: %s", spelling, s.arg())
			}
			i++
			value = args[i]
		}
		if s.Kind == Int {
			n, err := strconv.Atoi(value)
			if err != nil {
				return fail("%s %s: not a number", spelling, value)
			}
			if s.Max > s.Min && (n < s.Min || n > s.Max) {
				return fail("%s %d: out of range %d..%d", spelling, n, s.Min, s.Max)
			}
		}
		v.given[s.Name] = value
	}
	return v, nil
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// arg is the value's placeholder in help.
func (s *Switch) arg() string {
	switch {
	case s.Arg != "":
		return "<" + s.Arg + ">"
	case s.Kind == Int:
		return "<n>"
	default:
		return "<value>"
	}
}

// help is the text --help prints: lws_switches_print_help's list.
func (t Switches) help(prog string) string {
	var b strings.Builder
	usage := "Usage: " + prog + " [switches]"
	for i := range t {
		if t[i].Kind == Args {
			usage += " " + t[i].Name
		}
	}
	b.WriteString(usage + "\n")
	type line struct{ names, help string }
	var lines []line
	width := 0
	for i := range t {
		s := &t[i]
		names := strings.Join(append([]string{s.Name}, s.Aliases...), ", ")
		if s.Kind == Int || s.Kind == String {
			names += " " + s.arg()
		}
		h := s.Help
		if s.Default != "" {
			h += " (default " + s.Default + ")"
		}
		lines = append(lines, line{names, h})
		width = max(width, len(names))
	}
	helpNames := "--help"
	if t.lookup("-h") == nil {
		helpNames = "--help, -h"
	}
	lines = append(lines, line{helpNames, "print this help and exit"})
	width = max(width, len(helpNames))
	for _, l := range lines {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, l.names, l.help)
	}
	return b.String()
}

// must returns the switch a name declares; asking for an undeclared one is
// a bug in the example.
func (v *Values) must(name string) *Switch {
	for i := range v.table {
		if v.table[i].Name == name {
			return &v.table[i]
		}
	}
	panic("cmdline: switch " + name + " is not declared")
}

// Has reports whether the switch was given, under any of its spellings.
func (v *Values) Has(name string) bool {
	v.must(name)
	_, ok := v.given[name]
	return ok
}

// String is the switch's value, or its default.
func (v *Values) String(name string) string {
	s := v.must(name)
	if val, ok := v.given[name]; ok {
		return val
	}
	return s.Default
}

// Int is the switch's value as a number, or its default (0 if it has
// none).
func (v *Values) Int(name string) int {
	n, _ := strconv.Atoi(v.String(name))
	return n
}

// Args are the arguments that are not switches (with an Args entry in the
// table).
func (v *Values) Args() []string { return v.args }

// LogLevel is -d's mask.
func (v *Values) LogLevel() int { return v.Int("-d") }

// Help is the help text.
func (v *Values) Help() string { return v.table.help(v.prog) }

// Errorf is a usage error found after Parse (a value the table cannot
// check, such as a host:port), for Exit to report with status 2.
func (v *Values) Errorf(format string, a ...any) error {
	return &UsageError{Prog: v.prog, Msg: fmt.Sprintf(format, a...), Help: v.Help()}
}

// Main parses os.Args against the table and runs run with the values and
// a context that Ctrl-C (SIGINT) or SIGTERM (unless --ignore-sigterm) cancels, then ends the program
// with what it returned (Exit). A help request or a usage error ends it
// before run starts.
func Main(sw Switches, run func(ctx context.Context, o *Values) error) {
	o, err := sw.Parse(os.Args)
	if err != nil {
		Exit(err)
	}
	stopOn := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if o.Has("--ignore-sigterm") {
		// lws's builtin: a no-op SIGTERM handler, for CI runners.
		signal.Ignore(syscall.SIGTERM)
		stopOn = stopOn[:1]
	}
	ctx, stop := signal.NotifyContext(context.Background(), stopOn...)
	err = run(ctx, o)
	stop()
	Exit(err)
}

// MustParse is Parse for arguments known to be right, such as a test's:
// it panics on a usage error.
func (sw Switches) MustParse(args []string) *Values {
	o, err := sw.Parse(args)
	if err != nil {
		panic(err)
	}
	return o
}

// Exit ends the program with what its run returned: nil exits 0; a help
// request prints the help on stdout and exits 0; a usage error prints one
// line on stderr and exits 2; any other error is printed on stderr and
// exits 1.
func Exit(err error) {
	os.Exit(Report(err, os.Stdout, os.Stderr))
}

// Report prints what Exit prints and returns the exit status.
func Report(err error, stdout, stderr io.Writer) int {
	var u *UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u) && u.Msg == "":
		fmt.Fprint(stdout, u.Help)
		return 0
	case errors.As(err, &u):
		fmt.Fprintln(stderr, u.Error())
		return 2
	default:
		fmt.Fprintln(stderr, err)
		return 1
	}
}

// Package cmdline applies lws's command-line rules (lws_cmdline_option), so
// an lws user's muscle memory works on the Go examples:
//
//   - argv is scanned from the end, so the last occurrence of a switch wins;
//   - an argument matches when it starts with the switch text, so "-d1151"
//     matches "-d" (and "-port" matches "-p"), while "--ssl" does not match
//     "-s";
//   - the value is the next argument if the matching one is exactly the
//     switch and not the last; else the text after "="; else the rest of the
//     argument glued on; a bare switch at the end is present with value "";
//   - unknown switches are ignored.
package cmdline

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Option finds switch sw in args (os.Args, program name first) and returns
// its value and whether it was given: the mirror of lws_cmdline_option.
func Option(args []string, sw string) (value string, present bool) {
	for n := len(args) - 1; n >= 1; n-- {
		a := args[n]
		if !strings.HasPrefix(a, sw) {
			continue
		}
		rest := a[len(sw):]
		switch {
		case rest == "" && n+1 < len(args):
			return args[n+1], true
		case rest == "":
			return "", true
		case rest[0] == '=':
			return rest[1:], true
		default:
			return rest, true
		}
	}
	return "", false
}

// Has reports whether switch sw was given.
func Has(args []string, sw string) bool {
	_, ok := Option(args, sw)
	return ok
}

// Int returns switch sw as a number, or def when it is absent or not a
// number (lws uses atoi, which reads garbage as 0; Go keeps the default).
func Int(args []string, sw string, def int) int {
	v, ok := Option(args, sw)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def
	}
	return n
}

// DefaultLogLevel is lws's default -d mask: ERR, WARN, NOTICE and USER.
const DefaultLogLevel = 1 | 2 | 4 | 1024

// Builtins are the switches every example understands, handled by
// lws_cmdline_option_handle_builtin.
type Builtins struct {
	LogLevel      int  // -d <mask>
	IgnoreSigterm bool // --ignore-sigterm: CI runners send SIGTERM early
}

// Builtin reads the builtin switches: the mirror of
// lws_cmdline_option_handle_builtin.
func Builtin(args []string) Builtins {
	return Builtins{
		LogLevel:      Int(args, "-d", DefaultLogLevel),
		IgnoreSigterm: Has(args, "--ignore-sigterm"),
	}
}

// Switch describes one switch for help output (struct lws_switches).
type Switch struct {
	Sw   string // the switch text, e.g. "-d"
	Help string // what it does
}

// PrintHelp lists switches: the mirror of lws_switches_print_help.
func PrintHelp(w io.Writer, prog string, switches []Switch) {
	fmt.Fprintf(w, "Usage: %s [switches]\n", prog)
	for _, s := range switches {
		fmt.Fprintf(w, "  %-20s %s\n", s.Sw, s.Help)
	}
}

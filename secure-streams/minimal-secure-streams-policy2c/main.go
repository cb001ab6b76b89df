// Command minimal-secure-streams-policy2c is lws's policy2c for Go
// ("policy2go"): it reads a JSON Secure Streams policy on stdin and writes
// Go source on stdout declaring the same policy as data, for a build that
// uses a static policy (ss.Options{StaticOnly: true}) and so needs no JSON
// at run time:
//
//	go run ./secure-streams/minimal-secure-streams-policy2c [--pkg main] [--var StaticPolicy] < policy.json > static-policy.go
//
// The JSON is parsed by the core's parser (ss.ParsePolicy), so a policy
// that would not load does not generate either; the output is gofmt'ed.
// The same generator is in the core as a command that writes its output
// file only once it is complete (github.com/lws-go/lws-go/lws/ss/policy2go,
// what minimal-secure-streams-staticpolicy's go:generate runs).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/ss"
)

// switches are the command line: lws's policy2c takes only the builtins.
var switches = cmdline.Switches{
	{Name: "--pkg", Aliases: []string{"-pkg"}, Kind: cmdline.String, Arg: "name", Default: "main", Help: "package of the generated file"},
	{Name: "--var", Aliases: []string{"-var"}, Kind: cmdline.String, Arg: "name", Default: "StaticPolicy", Help: "name of the *ss.Policy variable"},
}

func main() {
	cmdline.Exit(run(os.Args, os.Stdin, os.Stdout))
}

func run(args []string, in io.Reader, out io.Writer) error {
	o, err := switches.Parse(args)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return fmt.Errorf("policy2go: read policy: %w", err)
	}
	p, err := ss.ParsePolicy(data)
	if err != nil {
		return fmt.Errorf("policy2go: %w", err)
	}
	src, err := p.GoSource(o.String("--pkg"), o.String("--var"), data)
	if err != nil {
		return fmt.Errorf("policy2go: %w", err)
	}
	_, err = out.Write(src)
	return err
}

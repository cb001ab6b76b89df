// Command minimal-secure-streams-policy2c is lws's policy2c for Go
// ("policy2go"): it reads a JSON Secure Streams policy on stdin and writes
// Go source on stdout declaring the same policy as data, for a build that
// uses a static policy (ss.Options{StaticOnly: true}) and so needs no JSON
// at run time:
//
//	go run ./secure-streams/minimal-secure-streams-policy2c [-pkg main] [-var StaticPolicy] < policy.json > static-policy.go
//
// The JSON is parsed by the core's parser (ss.ParsePolicy), so a policy
// that would not load does not generate either; the output is gofmt'ed.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws/ss"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "policy2go:", err)
		os.Exit(1)
	}
}

func run(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("policy2go", flag.ContinueOnError)
	pkg := fs.String("pkg", "main", "package of the generated file")
	name := fs.String("var", "StaticPolicy", "name of the *ss.Policy variable")
	_ = fs.Int("d", 0, "log level (accepted for lws compatibility)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return fmt.Errorf("read policy: %w", err)
	}
	p, err := ss.ParsePolicy(data)
	if err != nil {
		return err
	}
	src, err := p.GoSource(*pkg, *name, data)
	if err != nil {
		return err
	}
	_, err = out.Write(src)
	return err
}

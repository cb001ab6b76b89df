// Command policy2go writes a JSON Secure Streams policy as Go source that
// declares the same policy as data (lws's policy2c), for builds that use a
// static policy (ss.Options{StaticOnly: true}) and carry no JSON. It lives
// in the core so that an example's go:generate line works wherever the
// core does, in this workspace or in a copied-out module:
//
//	//go:generate go run github.com/lws-go/lws-go/lws/ss/policy2go -o static-policy.go policy.json
//
// The policy is parsed by the core's parser, so one that would not load
// generates nothing, and the output file is replaced only once the new
// source is complete: a failed run leaves the previous file as it was.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/ss"
)

var switches = cmdline.Switches{
	{Name: "-o", Kind: cmdline.String, Arg: "file", Help: "write the Go source to this file instead of stdout"},
	{Name: "--pkg", Aliases: []string{"-pkg"}, Kind: cmdline.String, Arg: "name", Default: "main", Help: "package of the generated file"},
	{Name: "--var", Aliases: []string{"-var"}, Kind: cmdline.String, Arg: "name", Default: "StaticPolicy", Help: "name of the *ss.Policy variable"},
	{Name: "[policy.json]", Kind: cmdline.Args, Help: "the JSON policy (stdin when absent)"},
}

func main() {
	err := run(os.Args, os.Stdin, os.Stdout)
	if err != nil && !cmdline.HelpRequested(err) {
		err = fmt.Errorf("policy2go: %w", err)
	}
	cmdline.Exit(err)
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	o, err := switches.Parse(args)
	if err != nil {
		return err
	}
	in, name := stdin, "stdin"
	switch files := o.Args(); len(files) {
	case 0:
	case 1:
		f, err := os.Open(files[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in, name = f, files[0]
	default:
		return o.Errorf("one policy file at most, not %d", len(files))
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	p, err := ss.ParsePolicy(data)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	src, err := p.GoSource(o.String("--pkg"), o.String("--var"), data)
	if err != nil {
		return err
	}
	if !o.Has("-o") {
		_, err = stdout.Write(src)
		return err
	}
	return writeAtomically(o.String("-o"), src)
}

// writeAtomically replaces path with data through a temporary file in the
// same directory, so the file is either the old one or the whole new one.
func writeAtomically(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return nil
}

// Command api-test-lws_struct-json is lws's api-test-lws_struct-json in
// Go. lws_struct maps JSON to C structs and back through tables; in Go the
// tables are struct tags and the codec is encoding/json, with the core's
// lwsstruct adding what lws_struct does beyond that: the "schema" member
// that picks the type, char-array members that keep only what fits, and
// lws's string escaping. The test runs lws's documents through it and
// requires lws's bytes back. It prints "Completed: PASS" and exits 0, or
// "Completed: FAIL" and exits 1.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	ls "github.com/lws-go/lws-go/lws/lwsstruct"
)

// switches are lws's: only the builtins.
var switches = cmdline.Switches{}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stdout, os.Stderr) })
}

var errFail = errors.New("api-test-lws_struct-json: FAIL")

func run(_ context.Context, o *cmdline.Values, stdout, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API selftest: lws_struct JSON")

	e := 0
	for m, rt := range roundTrips {
		logs.Noticef(log, "++++++++++++++++ test %d", m+1)
		out, err := roundTripOne(m, rt, log)
		if out != nil {
			fmt.Fprintf(stdout, "%s\n", out) // lws puts() each serialisation
		}
		if err != nil {
			logs.Errf(log, "test %d: %v", m+1, err)
			e++
		}
	}
	for _, c := range adHoc {
		if err := c.check(stdout); err != nil {
			logs.Errf(log, "%s: %v", c.name, err)
			e++
		}
	}
	if e != 0 {
		logs.Warnf(log, "error: %d", e)
		logs.Userf(log, "Completed: FAIL")
		return errFail
	}
	logs.Userf(log, "Completed: PASS")
	return nil
}

// roundTripOne parses a document by its schema and serialises it back.
func roundTripOne(m int, rt roundTrip, log *slog.Logger) ([]byte, error) {
	r, err := ls.Unmarshal([]byte(rt.in), schemaMap)
	if err != nil {
		return nil, fmt.Errorf("notification JSON decode failed: %w", err)
	}
	wantIndex := 0
	if m+1 == 8 {
		wantIndex = 1 // test 8 is the "other" schema
	}
	if r.Index != wantIndex {
		return nil, fmt.Errorf("wrong top_schema_index %d", r.Index)
	}
	switch v := r.Value.(type) {
	case *builder:
		logs.Noticef(log, "builder.hostname = '%s', timeout = %d, targets (%d)", v.Hostname, v.NspawnTimeout, len(v.Targets))
	case *other:
		logs.Noticef(log, "other.name = '%s'", v.Name)
	}
	out, err := ls.Marshal(schemaMap[r.Index].Name, r.Value, 0)
	if err != nil {
		return nil, fmt.Errorf("unable to serialize: %w", err)
	}
	if string(out) != rt.want {
		return out, fmt.Errorf("expected %s", rt.want)
	}
	return out, nil
}

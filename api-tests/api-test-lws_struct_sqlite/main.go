// Command api-test-lws_struct_sqlite is lws's api-test-lws_struct_sqlite
// in Go: one struct (a char array, a long string, unsigned integers of
// four sizes and a signed one) is written to a SQLite table made from its
// map and read back, and every member must come back as it went in. The
// map is the struct's tags, the table code is the core's lwsstruct/sq3
// (lws_struct_sq3_*), and SQLite is modernc.org/sqlite, a pure Go port,
// so the program needs no C toolchain or system library. It prints
// "Completed: PASS" and exits 0, or "Completed: FAIL" and exits 1.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	ls "github.com/lws-go/lws-go/lws/lwsstruct"
	"github.com/lws-go/lws-go/lws/lwsstruct/sq3"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// switches are lws's: only the builtins.
var switches = cmdline.Switches{}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

// teststruct is lws's teststruct_t; its tags are lsm_teststruct.
type teststruct struct {
	Str1 ls.String  `json:"str1" lws:"carray=32"`
	Str2 *ls.String `json:"str2,omitempty"`
	U8   uint8      `json:"u8"`
	U16  uint16     `json:"u16"`
	U32  uint32     `json:"u32"`
	U64  uint64     `json:"u64"`
	S32  int32      `json:"s32"`
}

// schema is lws's LSM_SCHEMA_DLL2 name, the table's name.
const schema = "apitest"

// testString is lws's: the opening of The War of the Worlds.
const testString = "No one would have believed in the last years of the nineteenth " +
	"century that this world was being watched keenly and closely by " +
	"intelligences greater than man's and yet as mortal as his own; that as " +
	"men busied themselves about their various concerns they were " +
	"scrutinised and studied, perhaps almost as narrowly as a man with a " +
	"microscope might scrutinise the transient creatures that swarm and " +
	"multiply in a drop of water.  With infinite complacency men went to " +
	"and fro over this globe about their little affairs, serene in their " +
	"assurance of their empire over matter. It is possible that the " +
	"infusoria under the microscope do the same.  No one gave a thought to " +
	"the older worlds of space as sources of human danger, or thought of " +
	"them only to dismiss the idea of life upon them as impossible or " +
	"improbable.  It is curious to recall some of the mental habits of " +
	"those departed days.  At most terrestrial men fancied there might be " +
	"other men upon Mars, perhaps inferior to themselves and ready to " +
	"welcome a missionary enterprise. Yet across the gulf of space, minds " +
	"that are to our minds as ours are to those of the beasts that perish, " +
	"intellects vast and cool and unsympathetic, regarded this earth with " +
	"envious eyes, and slowly and surely drew their plans against us.  And " +
	"early in the twentieth century came the great disillusionment. "

// populate is lws's step 1: the values written.
func populate() teststruct {
	s := ls.String(testString)
	return teststruct{Str1: "hello", Str2: &s, U8: 1, U16: 512, U32: 0x55aa1234, U64: 0x34abcdef01, S32: -1}
}

// expected is what must be read back: what was written.
var expected = populate()

var errFail = errors.New("api-test-lws_struct_sqlite: FAIL")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API selftest: lws_struct SQLite")

	// lws uses _lws_apitest.sq3 in the current directory; a temporary
	// directory leaves nothing behind
	dir, err := os.MkdirTemp("", "lws-apitest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", filepath.Join(dir, "_lws_apitest.sq3"))
	if err != nil {
		return fmt.Errorf("failed to open table: %w", err)
	}
	defer db.Close()

	if err := check(ctx, db); err != nil {
		logs.Errf(log, "%v", err)
		logs.Userf(log, "Completed: FAIL")
		return errFail
	}
	logs.Userf(log, "Completed: PASS")
	return nil
}

func check(ctx context.Context, db *sql.DB) error {
	// 1. populate the struct and put it on a list
	list := []teststruct{populate()}
	// 2. gratuitously create the table
	if err := sq3.CreateTable[teststruct](ctx, db, schema); err != nil {
		return fmt.Errorf("create table failed: %w", err)
	}
	// 3. serialize the list
	if err := sq3.Serialize(ctx, db, schema, list); err != nil {
		return fmt.Errorf("serialize failed: %w", err)
	}
	// 4. read it back into a fresh list
	res, err := sq3.Deserialize[teststruct](ctx, db, schema, 0)
	if err != nil {
		return fmt.Errorf("deserialize failed: %w", err)
	}
	if len(res) != 1 {
		return fmt.Errorf("expected 1 result got %d", len(res))
	}
	p := res[0]
	if p.Str1 != expected.Str1 || p.Str2 == nil || *p.Str2 != *expected.Str2 ||
		p.U8 != expected.U8 || p.U16 != expected.U16 || p.U32 != expected.U32 ||
		p.U64 != expected.U64 || p.S32 != expected.S32 {
		return fmt.Errorf("unexpected deser values: %s %d %d %d 0x%x %d", p.Str1, p.U8, p.U16, p.U32, p.U64, p.S32)
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	ls "github.com/lws-go/lws-go/lws/lwsstruct"
	"github.com/lws-go/lws-go/lws/lwsstruct/sq3"
)

func runTest(t *testing.T) (string, error) {
	t.Helper()
	var l bytes.Buffer
	err := run(context.Background(), switches.MustParse([]string{"api-test"}), &l)
	return l.String(), err
}

func TestPass(t *testing.T) {
	log, err := runTest(t)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(log), "Completed: PASS") {
		t.Fatalf("%v\n%s", err, log)
	}
}

// Any member read back differently from what lws expects fails the run.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	for name, brk := range map[string]func(*teststruct){
		"u64":  func(e *teststruct) { e.U64++ },
		"s32":  func(e *teststruct) { e.S32 = 1 },
		"str1": func(e *teststruct) { e.Str1 = "hellO" },
	} {
		t.Run(name, func(t *testing.T) {
			saved := expected
			brk(&expected)
			defer func() { expected = saved }()
			log, err := runTest(t)
			if !errors.Is(err, errFail) || !strings.Contains(log, "unexpected deser values") {
				t.Fatalf("a wrong %s passed: %v\n%s", name, err, log)
			}
		})
	}
}

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "t.sq3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := sq3.CreateTable[teststruct](context.Background(), db, schema); err != nil {
		t.Fatal(err)
	}
	return db
}

// Rows come back in order, a NULL string as nil, a char array cut to
// what fits, a limit honoured.
func TestRows(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	in := []teststruct{{Str1: ls.String(strings.Repeat("x", 40)), U8: 1}, {Str1: "two", U8: 2}, {Str1: "three", U8: 3}}
	if err := sq3.Serialize(ctx, db, schema, in); err != nil {
		t.Fatal(err)
	}
	all, err := sq3.Deserialize[teststruct](ctx, db, schema, 0)
	if err != nil || len(all) != 3 {
		t.Fatalf("%d rows, %v", len(all), err)
	}
	if len(all[0].Str1) != 31 || all[0].Str2 != nil || all[1].Str1 != "two" || all[2].U8 != 3 {
		t.Fatalf("%+v", all)
	}
	two, err := sq3.Deserialize[teststruct](ctx, db, schema, 2)
	if err != nil || len(two) != 2 {
		t.Fatalf("limit 2: %d rows, %v", len(two), err)
	}
}

// Values that do not fit are errors, on the way in and on the way out.
func TestBadValues(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := sq3.Serialize(ctx, db, schema, []teststruct{{U64: math.MaxUint64}}); !errors.Is(err, sq3.ErrRange) {
		t.Fatalf("uint64 over int64: %v", err)
	}
	// rows written by someone else: a u8 of 300, a negative u16, text
	// in a number column
	for _, q := range []string{
		`insert into apitest (str1, u8) values ('a', 300)`,
		`insert into apitest (str1, u16) values ('b', -1)`,
		`insert into apitest (str1, u32) values ('c', 'lots')`,
	} {
		if _, err := db.ExecContext(ctx, `delete from apitest`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
		if rows, err := sq3.Deserialize[teststruct](ctx, db, schema, 0); err == nil {
			t.Errorf("%s: read back as %+v", q, rows)
		}
	}
}

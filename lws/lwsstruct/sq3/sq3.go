// Package sq3 is lws's lws_struct_sqlite: the same struct maps that drive
// lwsstruct's JSON (fields with `json` tags, in order) name the columns of
// a SQLite table, so a list of structs is written to and read back from a
// database with no SQL of the caller's. It uses database/sql, so any
// SQLite driver works; open the database with the driver of your choice
// (the api-test uses modernc.org/sqlite, pure Go).
//
// Columns are the struct's scalar members: strings (TEXT; a *String or
// *string is NULL when nil), integers and booleans (INTEGER). Lists and
// child pointers are not columns, as in lws. Each table also has lws's
// `_lws_idx` integer primary key.
package sq3

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/lws-go/lws-go/lws/lwsstruct"
)

type column struct {
	name  string
	index int
	kind  reflect.Kind // of the field, or of what it points to
	ptr   bool
	max   int // carray size, 0 if none
}

// columns lists T's mapped scalar members.
func columns(t reflect.Type) ([]column, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("sq3: %s is not a struct", t)
	}
	var cols []column
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		ft, ptr := f.Type, false
		if ft.Kind() == reflect.Pointer {
			ft, ptr = ft.Elem(), true
		}
		c := column{name: name, index: i, kind: ft.Kind(), ptr: ptr}
		switch {
		case c.kind == reflect.String:
			if n, ok := carray(f.Tag); ok {
				c.max = n
			}
		case c.kind == reflect.Bool, c.kind >= reflect.Int && c.kind <= reflect.Uint64:
			if ptr {
				continue // lws maps no pointers to numbers
			}
		default:
			continue // lists, child objects: not columns
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("sq3: %s has no mapped scalar members", t)
	}
	return cols, nil
}

func carray(tag reflect.StructTag) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(tag.Get("lws"), "carray=%d", &n); err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

func quote(id string) string { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }

func sqlType(c column) string {
	if c.kind == reflect.String {
		if c.max > 0 {
			return fmt.Sprintf("varchar(%d)", c.max)
		}
		return "text"
	}
	return "integer"
}

// CreateTable creates the schema's table for T if it does not exist
// (lws_struct_sq3_create_table).
func CreateTable[T any](ctx context.Context, db *sql.DB, schema string) error {
	cols, err := columns(reflect.TypeFor[T]())
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "create table if not exists %s (_lws_idx integer primary key autoincrement", quote(schema))
	for _, c := range cols {
		fmt.Fprintf(&b, ", %s %s", quote(c.name), sqlType(c))
	}
	b.WriteString(")")
	if _, err := db.ExecContext(ctx, b.String()); err != nil {
		return fmt.Errorf("sq3: create table %s: %w", schema, err)
	}
	return nil
}

// Serialize inserts every item as a row, in one transaction
// (lws_struct_sq3_serialize).
func Serialize[T any](ctx context.Context, db *sql.DB, schema string, items []T) error {
	cols, err := columns(reflect.TypeFor[T]())
	if err != nil {
		return err
	}
	names := make([]string, len(cols))
	marks := make([]string, len(cols))
	for i, c := range cols {
		names[i], marks[i] = quote(c.name), "?"
	}
	q := fmt.Sprintf("insert into %s (%s) values (%s)", quote(schema), strings.Join(names, ", "), strings.Join(marks, ", "))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sq3: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	st, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return fmt.Errorf("sq3: insert into %s: %w", schema, err)
	}
	defer st.Close()
	for n := range items {
		v := reflect.ValueOf(&items[n]).Elem()
		args := make([]any, len(cols))
		for i, c := range cols {
			if args[i], err = toSQL(v.Field(c.index), c); err != nil {
				return fmt.Errorf("sq3: %s row %d: %w", schema, n, err)
			}
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("sq3: %s row %d: %w", schema, n, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sq3: %w", err)
	}
	return nil
}

// ErrRange is returned for a value SQLite's 64-bit signed integers, or
// the struct's member, cannot hold.
var ErrRange = errors.New("sq3: value out of range")

func toSQL(f reflect.Value, c column) (any, error) {
	if c.ptr {
		if f.IsNil() {
			return nil, nil
		}
		f = f.Elem()
	}
	switch {
	case c.kind == reflect.String:
		s := f.String()
		if c.max > 0 && len(s) > c.max-1 {
			s = s[:c.max-1]
		}
		return s, nil
	case c.kind == reflect.Bool:
		if f.Bool() {
			return int64(1), nil
		}
		return int64(0), nil
	case f.CanInt():
		return f.Int(), nil
	default:
		u := f.Uint()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("%w: %s = %d", ErrRange, c.name, u)
		}
		return int64(u), nil
	}
}

// Deserialize reads up to limit rows (0: all), in insertion order
// (lws_struct_sq3_deserialize).
func Deserialize[T any](ctx context.Context, db *sql.DB, schema string, limit int) ([]T, error) {
	cols, err := columns(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quote(c.name)
	}
	q := fmt.Sprintf("select %s from %s order by _lws_idx", strings.Join(names, ", "), quote(schema))
	if limit > 0 {
		q += fmt.Sprintf(" limit %d", limit)
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("sq3: select from %s: %w", schema, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		raw := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("sq3: %s: %w", schema, err)
		}
		var item T
		v := reflect.ValueOf(&item).Elem()
		for i, c := range cols {
			if err := fromSQL(v.Field(c.index), c, raw[i]); err != nil {
				return nil, fmt.Errorf("sq3: %s row %d: %w", schema, len(out), err)
			}
		}
		lwsstruct.Clip(&item)
		out = append(out, item)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sq3: %s: %w", schema, err)
	}
	return out, nil
}

func fromSQL(f reflect.Value, c column, raw any) error {
	if raw == nil {
		return nil // NULL: nil pointer, zero value
	}
	if c.ptr {
		p := reflect.New(f.Type().Elem())
		f.Set(p)
		f = p.Elem()
	}
	switch x := raw.(type) {
	case string:
		if c.kind != reflect.String {
			return fmt.Errorf("%s: text for a number", c.name)
		}
		f.SetString(x)
	case []byte:
		if c.kind != reflect.String {
			return fmt.Errorf("%s: blob for a number", c.name)
		}
		f.SetString(string(x))
	case int64:
		switch {
		case c.kind == reflect.Bool:
			f.SetBool(x != 0)
		case f.CanInt():
			if f.OverflowInt(x) {
				return fmt.Errorf("%w: %s = %d", ErrRange, c.name, x)
			}
			f.SetInt(x)
		case f.CanUint():
			if x < 0 || f.OverflowUint(uint64(x)) {
				return fmt.Errorf("%w: %s = %d", ErrRange, c.name, x)
			}
			f.SetUint(uint64(x))
		default:
			return fmt.Errorf("%s: a number for text", c.name)
		}
	default:
		return fmt.Errorf("%s: unexpected %T", c.name, raw)
	}
	return nil
}

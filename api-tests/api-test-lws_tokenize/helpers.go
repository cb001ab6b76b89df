package main

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	tk "github.com/lws-go/lws-go/lws/tokenize"
)

// helperCheck is one of lws's checks of the string helpers.
type helperCheck struct {
	name  string
	check func() error
}

// strexpInput is lws's exp_inp1: 28 bytes with one ${name}.
const strexpInput = "this-is-a-${test}-for-strexp"

// lookup is lws's exp_cb1: "test" expands, nothing else does.
func lookup(name string) (string, bool) {
	if name == "test" {
		return "replacement_string", true
	}
	return "", false
}

// strexpStep is one call of Expand and what lws expects of it.
type strexpStep struct {
	outLen          int // the output buffer; 0 counts only
	want            tk.StrexpResult
	usedIn, usedOut int
	out             string // the output, when outLen > 0
}

// strexpChecks are lws's three: a whole expansion, a count-only pass, and
// the same input drained through a 16-byte output three times.
var strexpChecks = [][]strexpStep{
	{{128, tk.StrexpDone, 28, 39, "this-is-a-replacement_string-for-strexp"}},
	{{0, tk.StrexpDone, 28, 39, ""}},
	{
		{16, tk.StrexpFilledOut, 16, 16, "this-is-a-replac"},
		{16, tk.StrexpFilledOut, 5, 16, "ement_string-for"},
		{16, tk.StrexpDone, 7, 7, "-strexp"},
	},
}

func checkStrexp(steps []strexpStep) error {
	in := []byte(strexpInput)
	var e *tk.Strexp
	for i, s := range steps {
		var out []byte
		if s.outLen > 0 {
			out = make([]byte, s.outLen)
		}
		if e == nil {
			e = tk.NewStrexp(lookup, out)
		} else {
			e.ResetOut(out)
		}
		r, usedIn, usedOut := e.Expand(in)
		if r != s.want || usedIn != s.usedIn || usedOut != s.usedOut {
			return fmt.Errorf("step %d: %d, used in %d out %d; expected %d, %d, %d", i, r, usedIn, usedOut, s.want, s.usedIn, s.usedOut)
		}
		if out != nil && string(e.Output()) != s.out {
			return fmt.Errorf("step %d: output %q, expected %q", i, e.Output(), s.out)
		}
		in = in[usedIn:]
	}
	return nil
}

// wildcards are lws's lws_strcmp_wildcard checks against "allied" (and
// two others): pattern, subject, match.
var wildcards = []struct {
	pattern, check string
	match          bool
}{
	{"allied", "allied", true}, {"a*", "allied", true}, {"all*", "allied", true},
	{"all*d", "allied", true}, {"b*", "allied", false}, {"b*ed", "allied", false},
	{"allie", "allied", false}, {"allie*", "allied", true}, {"*llie*", "allied", true},
	{"*llied", "allied", true}, {"*llie", "allied", false}, {"*nope", "allied", false},
	{"*li*", "allied", true}, {"*", "allied", true}, {"*abc*d", "xxabyyabcdd", true},
	{"ssproxy.n.cn.*", "ssproxy.n.cn.failures", true},
}

// jsonFinds are lws's lws_json_simple_find checks: name, offset, length
// (offset -1: not found).
var jsonFinds = []struct {
	name      string
	off, alen int
}{
	{`"myname1":`, 11, 4}, {`"myname2":`, 27, 6}, {`"myname3":`, 47, 3}, {`"nope":`, -1, 0},
}

const jsonDoc = `{"myname1":true,"myname2":"string", "myname3": 123}`

// b64s are lws's stateful base64 decodes; Go's encoding/base64 is the
// facility (its streaming decoder is base64.NewDecoder).
var b64s = []struct{ in, out string }{
	{"YWJjZA==", "abcd"}, {"YWJjZGU=", "abcde"}, {"YWJjZGVm", "abcdef"},
}

// nstrstrs are lws's lws_nstrstr checks in "abc123456": needle, offset
// (-1: absent). strings.Index is the facility.
var nstrstrs = []struct {
	needle string
	off    int
}{{"abc", 0}, {"def", -1}, {"456", 6}, {"1", 3}, {"abc1234567", -1}}

// httpDate is lws's lws_http_date_parse_unix / render check; net/http's
// ParseTime and TimeFormat are the facility.
const (
	httpDate     = "Tue, 15 Nov 1994 08:12:31 GMT"
	httpDateUnix = 784887151
)

func helperChecks() []helperCheck {
	var cs []helperCheck
	for i, steps := range strexpChecks {
		cs = append(cs, helperCheck{fmt.Sprintf("lws_strexp test %d", i+1), func() error { return checkStrexp(steps) }})
	}
	for i, w := range wildcards {
		cs = append(cs, helperCheck{fmt.Sprintf("wc %d", i+1), func() error {
			if got := tk.StrcmpWildcard(w.pattern, w.check); got != w.match {
				return fmt.Errorf("%q vs %q: match %v, expected %v", w.pattern, w.check, got, w.match)
			}
			return nil
		}})
	}
	for i, f := range jsonFinds {
		cs = append(cs, helperCheck{fmt.Sprintf("lws_json_simple_find %d", i+1), func() error {
			v, off, ok := tk.JSONSimpleFind([]byte(jsonDoc), f.name)
			if !ok {
				off = -1
			}
			if off != f.off || len(v) != f.alen {
				return fmt.Errorf("%s: at %d len %d, expected %d len %d", f.name, off, len(v), f.off, f.alen)
			}
			return nil
		}})
	}
	for i, b := range b64s {
		cs = append(cs, helperCheck{fmt.Sprintf("b64 test %d", i+1), func() error {
			got, err := base64.StdEncoding.DecodeString(b.in)
			if err != nil || string(got) != b.out {
				return fmt.Errorf("%q: %q %v, expected %q", b.in, got, err, b.out)
			}
			return nil
		}})
	}
	for i, n := range nstrstrs {
		cs = append(cs, helperCheck{fmt.Sprintf("lws_nstrstr %d", i+1), func() error {
			if got := strings.Index("abc123456", n.needle); got != n.off {
				return fmt.Errorf("%q at %d, expected %d", n.needle, got, n.off)
			}
			return nil
		}})
	}
	cs = append(cs, helperCheck{"http date", func() error {
		t, err := http.ParseTime(httpDate)
		if err != nil || t.Unix() != httpDateUnix {
			return fmt.Errorf("parse: %v %v, expected %d", t.Unix(), err, httpDateUnix)
		}
		if s := time.Unix(httpDateUnix, 0).UTC().Format(http.TimeFormat); s != httpDate {
			return fmt.Errorf("render: %q", s)
		}
		return nil
	}})
	return cs
}

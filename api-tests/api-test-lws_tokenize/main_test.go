package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	tk "github.com/lws-go/lws-go/lws/tokenize"
)

func runArgs(t *testing.T, args ...string) (stdout, log string, err error) {
	t.Helper()
	var out, l bytes.Buffer
	err = run(context.Background(), switches.MustParse(append([]string{"api-test"}, args...)), &out, &l)
	return out.String(), l.String(), err
}

func TestPass(t *testing.T) {
	_, log, err := runArgs(t)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(log), "Completed: PASS: 21, FAIL: 0") {
		t.Fatalf("%v\n%s", err, log)
	}
}

// Each kind of check fails the run when one expected value is wrong.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	breaks := map[string]func() func(){
		"token": func() func() {
			saved := vectors[1].exp[1].value
			vectors[1].exp[1].value = "fr-FR"
			return func() { vectors[1].exp[1].value = saved }
		},
		"element": func() func() {
			saved := vectors[13].exp[0].e
			vectors[13].exp[0].e = tk.Token // "1" is an integer under NO_FLOATS
			return func() { vectors[13].exp[0].e = saved }
		},
		"strexp": func() func() {
			saved := strexpChecks[2][1].usedIn
			strexpChecks[2][1].usedIn = 6
			return func() { strexpChecks[2][1].usedIn = saved }
		},
		"wildcard": func() func() {
			wildcards[4].match = true
			return func() { wildcards[4].match = false }
		},
		"json": func() func() {
			jsonFinds[1].alen = 7
			return func() { jsonFinds[1].alen = 6 }
		},
	}
	for name, brk := range breaks {
		t.Run(name, func(t *testing.T) {
			defer brk()()
			_, log, err := runArgs(t)
			if !errors.Is(err, errFail) || strings.Contains(log, "FAIL: 0") {
				t.Fatalf("a wrong expectation passed: %v\n%s", err, log)
			}
		})
	}
}

// -s prints how a string of yours tokenizes.
func TestTokenizeArgument(t *testing.T) {
	out, _, err := runArgs(t, "-s", "a=1, b", "-f", "4")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`{LWS_TOKZE_TOKEN_NAME_EQUALS, "a"}`, `{LWS_TOKZE_ERR_COMMA_LIST, ""}`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

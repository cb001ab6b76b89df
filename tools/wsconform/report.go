package main

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// result is one case run against one implementation.
type result struct {
	id, desc, expect string
	behavior         string // Autobahn's behavior (what was received)
	behaviorClose    string // Autobahn's behaviorClose (how it ended)
	verdict          string // the two together (verdictOf)
	result           string
	resultClose      string
	remoteCode       int
	duration         time.Duration
	notes            []string
}

// verdictOf folds Autobahn's two outcomes into one, the way its report
// colours them: a failed or unclean close fails the case, a wrong close
// code or a client having to drop the TCP connection is non-strict.
func verdictOf(behavior, behaviorClose string) string {
	switch {
	case behavior == vFailed:
		return vFailed
	case behavior == vUnimplemented:
		return vUnimplemented
	case behaviorClose == vFailed || behaviorClose == vUnclean:
		return vFailed
	case behavior == vInformational:
		return vInformational
	case behavior == vNonStrict || behaviorClose == vWrongCode || behaviorClose == vFailedByClient:
		return vNonStrict
	}
	return vOK
}

func resultOf(p *fuzzConn) *result {
	r := &result{
		id: p.spec.id, desc: p.spec.desc, expect: p.spec.expect,
		behavior: p.behavior, behaviorClose: p.behaviorClose,
		result: p.result, resultClose: p.resultClose,
		remoteCode: p.remoteCode, notes: p.notes,
	}
	if !p.started.IsZero() {
		r.duration = p.ended.Sub(p.started)
	}
	r.verdict = verdictOf(r.behavior, r.behaviorClose)
	return r
}

// notRun is the result of a case whose connection never opened.
func notRun(spec *caseSpec, why string) *result {
	return &result{
		id: spec.id, desc: spec.desc, expect: spec.expect,
		behavior: vFailed, behaviorClose: vFailed, verdict: vFailed,
		result:      why,
		resultClose: "The WebSocket opening handshake was never completed!",
		remoteCode:  closeNone,
	}
}

// run is everything one invocation measured: per side (fuzzingclient,
// fuzzingserver), per implementation, the results in case order.
type run struct {
	command string
	started time.Time
	cases   []*caseSpec
	sides   []*sideResults
	skipped string          // the cases left out by -slow and -heavy, if any
	ours    map[string]bool // implementations whose FAILED cases fail the run
}

type sideResults struct {
	mode    string // "fuzzingclient" or "fuzzingserver"
	title   string
	impls   []string
	results map[string]map[string]*result // impl → case id → result
}

func (s *sideResults) get(impl, id string) *result { return s.results[impl][id] }

var verdictOrder = []string{vOK, vNonStrict, vInformational, vUnimplemented, vFailed}

func abbrev(v string) string {
	switch v {
	case vNonStrict:
		return "NS"
	case vInformational:
		return "INFO"
	case vUnimplemented:
		return "UNIMPL"
	}
	return v
}

// counts tallies verdicts for the cases of a section ("" for all).
func (s *sideResults) counts(impl, sect string) map[string]int {
	c := map[string]int{}
	for id, r := range s.results[impl] {
		if sect == "" || section(id) == sect {
			c[r.verdict]++
		}
	}
	return c
}

func countText(c map[string]int) string {
	var parts []string
	for _, v := range verdictOrder {
		if c[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[v], abbrev(v)))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func (r *run) sections() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range r.cases {
		if s := section(c.id); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func codeText(code int) string {
	if code == closeNone {
		return "-"
	}
	return fmt.Sprint(code)
}

func durText(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Millisecond:
		return "<1 ms"
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func (r *result) cell() string {
	return fmt.Sprintf("%s (%s, %s)", r.verdict, codeText(r.remoteCode), durText(r.duration))
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

const verdictRules = `Verdicts follow Autobahn's rules. Each case records what the peer sent
(messages, pongs) and matches it against the case's expected outcomes
(OK, or NON-STRICT where Autobahn accepts a lesser behaviour); the close is
judged apart: who closed first, whether the close handshake completed when
it must, the close code, and (harness as client) whether the server closed
the TCP connection. The two are folded into one verdict as Autobahn's
report colours them: a failed case or a failed/unclean close is FAILED, a
wrong close code or a TCP connection the client had to drop is NON-STRICT,
INFORMATIONAL cases (7.1.6, 7.13.x) have no expected outcome, and
UNIMPLEMENTED is a compression case where permessage-deflate was not
agreed on. Cells read: verdict (close code the peer sent, case duration).`

// markdown writes the report as Markdown.
func (r *run) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# WebSocket conformance report\n\n")
	fmt.Fprintf(&b, "Generated by `%s` on %s: %d cases.", r.command, r.started.UTC().Format("2006-01-02 15:04 UTC"), len(r.cases))
	if r.skipped != "" {
		fmt.Fprintf(&b, " Not run: %s.", r.skipped)
	}
	b.WriteString("\n\n")
	b.WriteString(verdictRules + "\n\n")
	for _, s := range r.sides {
		fmt.Fprintf(&b, "## %s\n\n", s.title)
		r.mdSummary(&b, s)
		fmt.Fprintf(&b, "\n| Case | Description |")
		for _, im := range s.impls {
			fmt.Fprintf(&b, " %s |", im)
		}
		b.WriteString("\n|---|---|")
		for range s.impls {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, c := range r.cases {
			fmt.Fprintf(&b, "| %s | %s |", c.id, mdEscape(shorten(c.desc, 140)))
			for _, im := range s.impls {
				if res := s.get(im, c.id); res != nil {
					fmt.Fprintf(&b, " %s |", res.cell())
				} else {
					b.WriteString(" not run |")
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
		for _, im := range s.impls {
			r.mdDetails(&b, s, im)
		}
	}
	return b.String()
}

func (r *run) mdSummary(b *strings.Builder, s *sideResults) {
	b.WriteString("| Section |")
	for _, im := range s.impls {
		fmt.Fprintf(b, " %s |", im)
	}
	b.WriteString("\n|---|")
	for range s.impls {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, sect := range r.sections() {
		fmt.Fprintf(b, "| %s %s |", sect, sectionNames[sect])
		for _, im := range s.impls {
			fmt.Fprintf(b, " %s |", countText(s.counts(im, sect)))
		}
		b.WriteString("\n")
	}
	b.WriteString("| **all** |")
	for _, im := range s.impls {
		fmt.Fprintf(b, " **%s** |", countText(s.counts(im, "")))
	}
	b.WriteString("\n")
}

// mdDetails lists the cases of one implementation that were not OK.
func (r *run) mdDetails(b *strings.Builder, s *sideResults, impl string) {
	var lines []string
	for _, c := range r.cases {
		res := s.get(impl, c.id)
		if res == nil || (res.verdict == vOK || res.verdict == vInformational) && !hasRFCNote(res) {
			continue
		}
		lines = append(lines, fmt.Sprintf("- %s %s: %s / close %s (code %s). %s %s%s", c.id, res.verdict, res.behavior, res.behaviorClose,
			codeText(res.remoteCode), mdEscape(res.result), mdEscape(res.resultClose), notesText(res.notes)))
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "### %s: cases not OK, and RFC notes\n\n%s\n\n", impl, strings.Join(lines, "\n"))
}

// hasRFCNote reports whether the harness noted an RFC rule the peer broke
// that Autobahn's verdict does not look at.
func hasRFCNote(r *result) bool {
	for _, n := range r.notes {
		if strings.HasPrefix(n, "RFC ") {
			return true
		}
	}
	return false
}

func notesText(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	return " (" + mdEscape(strings.Join(notes, "; ")) + ")"
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xc0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

var verdictColour = map[string]string{
	vOK: "#a7e3a7", vNonStrict: "#f4e08a", vInformational: "#b8d4f2", vUnimplemented: "#dddddd", vFailed: "#f2a0a0",
}

// htmlPage writes the report as one self-contained HTML page.
func (r *run) htmlPage() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>WebSocket conformance report</title>
<style>
body{font-family:sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #bbb;padding:3px 6px;font-size:13px;vertical-align:top}
th{background:#eee}
td.v{white-space:nowrap}
tr.sub td{background:#f6f6f6;font-weight:bold}
p.rules{max-width:60em}
</style></head><body>
`)
	fmt.Fprintf(&b, "<h1>WebSocket conformance report</h1>\n<p>Generated by <code>%s</code> on %s: %d cases.",
		html.EscapeString(r.command), r.started.UTC().Format("2006-01-02 15:04 UTC"), len(r.cases))
	if r.skipped != "" {
		fmt.Fprintf(&b, " Not run: %s.", html.EscapeString(r.skipped))
	}
	b.WriteString("</p>\n")
	fmt.Fprintf(&b, "<p class=rules>%s</p>\n", html.EscapeString(verdictRules))
	for _, s := range r.sides {
		fmt.Fprintf(&b, "<h2>%s</h2>\n<table><tr><th>Section</th>", html.EscapeString(s.title))
		for _, im := range s.impls {
			fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(im))
		}
		b.WriteString("</tr>\n")
		for _, sect := range append(r.sections(), "") {
			name := "all"
			if sect != "" {
				name = sect + " " + sectionNames[sect]
			}
			fmt.Fprintf(&b, "<tr><td>%s</td>", html.EscapeString(name))
			for _, im := range s.impls {
				c := s.counts(im, sect)
				colour := verdictColour[vOK]
				if c[vFailed] > 0 {
					colour = verdictColour[vFailed]
				} else if c[vNonStrict] > 0 {
					colour = verdictColour[vNonStrict]
				}
				fmt.Fprintf(&b, "<td style=\"background:%s\">%s</td>", colour, html.EscapeString(countText(c)))
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n<table><tr><th>Case</th><th>Description</th>")
		for _, im := range s.impls {
			fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(im))
		}
		b.WriteString("</tr>\n")
		last := ""
		for _, c := range r.cases {
			if sub := subsection(c.id); sub != last {
				last = sub
				name := subsectionNames[sub]
				if name == "" {
					name = sectionNames[section(c.id)]
				}
				fmt.Fprintf(&b, "<tr class=sub><td colspan=%d>%s %s</td></tr>\n", 2+len(s.impls), sub, html.EscapeString(name))
			}
			fmt.Fprintf(&b, "<tr><td>%s</td><td title=\"%s\">%s</td>", c.id, html.EscapeString("Expected: "+c.expect), html.EscapeString(c.desc))
			for _, im := range s.impls {
				res := s.get(im, c.id)
				if res == nil {
					b.WriteString("<td>not run</td>")
					continue
				}
				tip := fmt.Sprintf("%s / close %s: %s %s%s", res.behavior, res.behaviorClose, res.result, res.resultClose, notesText(res.notes))
				fmt.Fprintf(&b, "<td class=v style=\"background:%s\" title=\"%s\">%s</td>", verdictColour[res.verdict], html.EscapeString(tip), html.EscapeString(res.cell()))
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
		for _, im := range s.impls {
			var md strings.Builder
			r.mdDetails(&md, s, im)
			if md.Len() == 0 {
				continue
			}
			fmt.Fprintf(&b, "<h3>%s: cases not OK, and RFC notes</h3>\n<ul>\n", html.EscapeString(im))
			for _, line := range strings.Split(strings.TrimSpace(md.String()), "\n")[2:] {
				fmt.Fprintf(&b, "<li>%s</li>\n", html.EscapeString(strings.TrimPrefix(line, "- ")))
			}
			b.WriteString("</ul>\n")
		}
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// jsonReport is report.json, like Autobahn's index.json: per side, per
// implementation, per case id.
func (r *run) jsonReport() ([]byte, error) {
	type entry struct {
		Verdict       string   `json:"verdict"`
		Behavior      string   `json:"behavior"`
		BehaviorClose string   `json:"behaviorClose"`
		RemoteCode    *int     `json:"remoteCloseCode"`
		DurationMS    int64    `json:"duration"`
		Result        string   `json:"result"`
		Notes         []string `json:"notes,omitempty"`
	}
	out := map[string]map[string]map[string]entry{}
	for _, s := range r.sides {
		out[s.mode] = map[string]map[string]entry{}
		for _, im := range s.impls {
			m := map[string]entry{}
			for id, res := range s.results[im] {
				e := entry{Verdict: res.verdict, Behavior: res.behavior, BehaviorClose: res.behaviorClose,
					DurationMS: res.duration.Milliseconds(), Result: res.result + " " + res.resultClose, Notes: res.notes}
				if res.remoteCode != closeNone {
					code := res.remoteCode
					e.RemoteCode = &code
				}
				m[id] = e
			}
			out[s.mode][im] = m
		}
	}
	return json.MarshalIndent(out, "", "  ")
}

// writeReports writes report.md, report.html and report.json into dir.
func (r *run) writeReports(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report directory: %w", err)
	}
	js, err := r.jsonReport()
	if err != nil {
		return fmt.Errorf("report json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.json"), js, 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte(r.markdown()), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.html"), []byte(r.htmlPage()), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// conformance writes CONFORMANCE.md: per side, per section, the three
// implementations side by side, then for each implementation its cases
// that were not OK, grouped, with the cause where it is known.
func (r *run) conformance() string {
	var b strings.Builder
	b.WriteString("# WebSocket conformance\n\n")
	b.WriteString("The lws-go examples against the case list of the [Autobahn testsuite](https://github.com/crossbario/autobahn-testsuite)\n")
	b.WriteString("(sections 1-7, 9, 10, 12 and 13, with Autobahn's case ids), next to a plain gorilla/websocket and a\n")
	b.WriteString("coder/websocket peer, in one run of `tools/wsconform` (Go code of this repository, not Autobahn itself).\n\n")
	fmt.Fprintf(&b, "Generated by `%s` on %s (%d cases per implementation and side", r.command, r.started.UTC().Format("2006-01-02"), len(r.cases))
	if r.skipped != "" {
		fmt.Fprintf(&b, "; not run: %s", r.skipped)
	}
	b.WriteString(").\n")
	b.WriteString("The full report (every case, its duration and why it was not OK) is the run's `report.md` / `report.html`.\n\n")
	b.WriteString("- **fuzzingclient**: the harness is the client and sends the cases' frames, byte for byte, to\n")
	b.WriteString("  `ws-server/minimal-ws-server-echo` (lws-go), a gorilla echo server and a coder/websocket echo server.\n")
	b.WriteString("- **fuzzingserver**: the harness listens like Autobahn's fuzzingserver (`/runCase?case=N&agent=X`,\n")
	b.WriteString("  `/getCaseCount`, `/getCaseInfo`, `/getCaseStatus`, `/updateReports`); `ws-client/minimal-ws-client-echo`\n")
	b.WriteString("  (lws-go) runs once per case, as do a gorilla and a coder/websocket echo client.\n")
	b.WriteString("- The gorilla peers are the plain echo of `tools/wsbench` (ReadMessage, WriteMessage) with\n")
	b.WriteString("  permessage-deflate enabled; the coder/websocket peers are its own Autobahn echo loop with\n")
	b.WriteString("  context takeover compression. The compression cases cut their messages from generated stand-ins\n")
	b.WriteString("  for Autobahn's five data files (same sizes and kinds).\n\n")
	b.WriteString(verdictRules + "\n\n")
	b.WriteString("Counts per section: OK, NS (non-strict), INFO (informational), UNIMPL (permessage-deflate not agreed), FAILED.\n\n")
	for _, s := range r.sides {
		fmt.Fprintf(&b, "## %s\n\n", s.title)
		r.mdSummary(&b, s)
		b.WriteString("\n")
		for _, im := range s.impls {
			lines := r.groups(s, im)
			if len(lines) == 0 {
				fmt.Fprintf(&b, "%s: every case OK or informational.\n\n", im)
				continue
			}
			fmt.Fprintf(&b, "%s, cases not OK (and RFC notes):\n\n%s\n\n", im, strings.Join(lines, "\n"))
		}
	}
	return b.String()
}

// knownCause explains what a group of cases came out as; it is shown only
// when the run produced it, so it cannot outlive the behaviour it explains.
type knownCause struct {
	impls   []string // all implementations if empty
	mode    string   // both sides if empty
	verdict string
	cases   []string // id patterns
	why     string
}

var knownCauses = []knownCause{
	{impls: []string{"lws-go", "coder/websocket"}, mode: "fuzzingclient", verdict: vUnimplemented, cases: []string{"13.3.*", "13.5.*"},
		why: "the offer asks for server_max_window_bits=9; the server compresses with a 32 KB window and declines " +
			"the offer, as RFC 7692 7 and 7.1.2.1 require."},
	{impls: []string{"gorilla"}, mode: "fuzzingclient", verdict: vOK, cases: []string{"13.3.*", "13.5.*"},
		why: "gorilla accepts the offer's server_max_window_bits=9 without answering it and compresses with a 32 KB " +
			"window (RFC 7692 7.1.2.1); Autobahn does not check, nor does this verdict."},
	{mode: "fuzzingserver", verdict: vUnimplemented, cases: []string{"13.3.*", "13.4.*", "13.5.*", "13.6.*"},
		why: "Autobahn's fuzzing server accepts these offers only if the client offers client_max_window_bits, " +
			"which none of the three clients does."},
	{impls: []string{"gorilla", "coder/websocket"}, verdict: vFailed, cases: []string{"6.*"},
		why: "the echo sends invalid UTF-8 back: neither library checks text messages (gorilla leaves it to the " +
			"application, coder/websocket on purpose), so the harness fails the connection itself (1007), the wrong endpoint (RFC 6455 8.1)."},
	{impls: []string{"gorilla"}, mode: "fuzzingserver", verdict: vFailed, cases: []string{"12.*", "13.1.*"},
		why: "gorilla's client refuses the fuzzing server's answer, which does not echo client_no_context_takeover " +
			"(RFC 7692 7.1.1.2 allows that): invalid compression negotiation, the case never starts on the client's side."},
	{impls: []string{"coder/websocket"}, verdict: vFailed, cases: []string{"7.5.1"},
		why: "a close reason that is not UTF-8 is answered with a normal close (1000) instead of failing the connection (RFC 6455 5.5.1, 8.1)."},
	{impls: []string{"coder/websocket"}, mode: "fuzzingclient", verdict: vNonStrict, cases: []string{"7.3.2", "7.9.*"},
		why: "after failing the connection with 1002 the server waits for the client to close the TCP connection " +
			"(RFC 6455 7.1.1: the server should close it first), so the harness drops it."},
}

func (k knownCause) matches(impl, mode, verdict, id string) bool {
	if k.verdict != verdict || (k.mode != "" && k.mode != mode) {
		return false
	}
	if len(k.impls) > 0 && !containsString(k.impls, impl) {
		return false
	}
	return matchAny(k.cases, id)
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// groups lists an implementation's cases that were not OK (or carry an
// RFC note): the cases a known cause explains as one line per cause, the
// others with consecutive cases of a subsection that came out the same
// way as one line.
func (r *run) groups(s *sideResults, impl string) []string {
	type group struct {
		ids   []string
		res   *result
		cause string
	}
	var gs []*group
	byCause := map[string]*group{}
	for _, c := range r.cases {
		res := s.get(impl, c.id)
		if res == nil || (res.verdict == vOK || res.verdict == vInformational) && !hasRFCNote(res) {
			continue
		}
		cause := ""
		for _, k := range knownCauses {
			if k.matches(impl, s.mode, res.verdict, c.id) {
				cause = k.why
				break
			}
		}
		key := res.verdict + "|" + cause
		if cause == "" {
			key = strings.Join([]string{subsection(c.id), res.verdict, res.behavior, res.behaviorClose, codeText(res.remoteCode), strings.Join(res.notes, ";")}, "|")
		}
		if g := byCause[key]; g != nil && (cause != "" || gs[len(gs)-1] == g) {
			g.ids = append(g.ids, c.id)
			continue
		}
		g := &group{ids: []string{c.id}, res: res, cause: cause}
		byCause[key] = g
		gs = append(gs, g)
	}
	var lines []string
	for _, g := range gs {
		ids := strings.Join(g.ids, ", ")
		if len(g.ids) > 8 {
			ids = fmt.Sprintf("%d cases from %s to %s", len(g.ids), g.ids[0], g.ids[len(g.ids)-1])
		}
		res := g.res
		if g.cause != "" {
			lines = append(lines, fmt.Sprintf("- %s, **%s**: %s", ids, res.verdict, g.cause))
			continue
		}
		lines = append(lines, fmt.Sprintf("- %s, **%s** (%s / close %s, code %s): %s%s", ids, res.verdict, res.behavior, res.behaviorClose,
			codeText(res.remoteCode), mdEscape(res.result+" "+res.resultClose), notesText(res.notes)))
	}
	return lines
}

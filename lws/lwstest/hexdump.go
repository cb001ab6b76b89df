package lwstest

import (
	"regexp"
	"strings"
)

// hexdumpLine matches a line logs.Hexdump wrote, in lws's log format:
// "[time] L: 0010: " before the 16 hex bytes.
var hexdumpLine = regexp.MustCompile(`^\[[^\]]*\] [A-Z]: [0-9A-F]{4}: `)

// hexdumpText is how far the text column is from the offset: 16 "XX "
// groups and three more spaces.
const hexdumpText = 16*3 + 3

// HexdumpText joins the text columns of every hexdump in a log, so a test
// can look for what a dumped payload said across line breaks (bytes
// outside printable ASCII read as '.').
func HexdumpText(log string) string {
	var b strings.Builder
	for _, line := range strings.Split(log, "\n") {
		m := hexdumpLine.FindStringIndex(line)
		if m == nil || len(line) <= m[1]+hexdumpText {
			continue
		}
		b.WriteString(line[m[1]+hexdumpText:])
	}
	return b.String()
}

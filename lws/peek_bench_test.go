package lws

import (
	"bufio"
	"strings"
	"testing"
)

// A browser-like request for a static file: what the fast path parses
// per request.
const benchRequest = "GET /static/app.js?v=12 HTTP/1.1\r\nHost: localhost:7681\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
	"Accept: */*\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br\r\n" +
	"Connection: keep-alive\r\nReferer: http://localhost:7681/\r\nSec-Fetch-Dest: script\r\n" +
	"Sec-Fetch-Mode: no-cors\r\nSec-Fetch-Site: same-origin\r\nIf-None-Match: \"abcdefghijklmnop\"\r\n\r\n"

func BenchmarkPeekRequest(b *testing.B) {
	r := strings.NewReader(benchRequest)
	br := bufio.NewReaderSize(r, 4096)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(benchRequest)
		br.Reset(r)
		if _, _, err := peekRequest(br); err != nil {
			b.Fatal(err)
		}
	}
}

package spa

import (
	"strconv"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws/lwsac"
)

// BenchmarkValues parses a form of 16 short fields, keeping every value
// as its own string (plain) or carved from an lwsac of 512-byte chunks
// (lwsac): the allocations per form are the difference an arena makes.
func BenchmarkValues(b *testing.B) {
	var params []string
	var body strings.Builder
	for i := range 16 {
		name := "field" + strconv.Itoa(i)
		params = append(params, name)
		body.WriteString(name + "=value+number+" + strconv.Itoa(i) + "&")
	}
	form := []byte(body.String())
	for _, mode := range []string{"plain", "lwsac"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				info := Info{Params: params, MaxStorage: 4096}
				var ac *lwsac.Arena
				if mode == "lwsac" {
					ac = lwsac.New(512)
					info.AC = ac
				}
				s := New("application/x-www-form-urlencoded", info)
				if err := s.Process(form); err != nil {
					b.Fatal(err)
				}
				if err := s.Finalize(); err != nil {
					b.Fatal(err)
				}
				s.Destroy()
				if ac != nil {
					ac.Free()
				}
			}
		})
	}
}

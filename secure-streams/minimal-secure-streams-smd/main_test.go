package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// The run passes lws's checks, and the SS's class filter holds: it hears
// its own NETWORK messages (every other one it sends) and no INTERACTION.
func TestSMD(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), switches.MustParse([]string{"smd"}), &out); err != nil || !strings.Contains(out.String(), "Completed: OK") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var ssRx, directRx, tx int
	for _, l := range strings.Split(out.String(), "\n") {
		if _, rest, ok := strings.Cut(l, "] N: "); ok {
			if n, _ := fmt.Sscanf(rest, "%d %d %d", &ssRx, &directRx, &tx); n == 3 {
				break
			}
		}
	}
	network := (tx + 1) / 2
	if ssRx < network-1 || ssRx > network {
		t.Fatalf("the SS heard %d messages; it sent %d, %d of them NETWORK", ssRx, tx, network)
	}
	// The direct participant heard every system state, its own NETWORK
	// message and everything the SS sent.
	if directRx < 11+1+tx-1 {
		t.Fatalf("the direct participant heard %d messages (tx %d)", directRx, tx)
	}
}

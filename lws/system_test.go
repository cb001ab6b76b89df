package lws

import (
	"testing"
)

// Notifiers see every transition from CONTEXT_CREATED to OPERATIONAL, in
// order; one that holds stops the walk until SystemStateContinue.
func TestSystemStates(t *testing.T) {
	var seen []SystemState
	held := false
	reached := make(chan struct{})
	notifier := func(c *Context, current, target SystemState) bool {
		if target == StateAuth1 && !held {
			held = true
			c.Schedule(&Sul{}, 0, func(*Sul) { c.SystemStateContinue() })
			return true
		}
		seen = append(seen, target)
		if target == StateOperational {
			close(reached)
		}
		return false
	}
	startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen}, Notifiers: []SystemNotifier{notifier}})
	wait(t, reached, "OPERATIONAL")
	want := []SystemState{StateInitialized, StateIfaceColdplug, StateDHCP, StateCPDPreTime, StateTimeValid,
		StateCPDPostTime, StatePolicyValid, StateRegistered, StateAuth1, StateAuth2, StateOperational}
	if len(seen) != len(want) {
		t.Fatalf("saw %v", seen)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("transition %d: %v, want %v", i, seen[i], want[i])
		}
	}
	if !held {
		t.Fatal("the hold never happened")
	}
}

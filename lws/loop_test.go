package lws

import (
	"sync"
	"testing"
	"time"
)

// Posts from several goroutines at once, each waiting for its event to run
// before posting again, so the loop keeps falling asleep and being woken by
// racing kicks. A kick that lands while the loop is waking must never leave
// the wake-up state claiming a poke that nobody will deliver: the loop
// would then sleep for ever with work queued (as lws's cancel-service pipe
// must never be drained without the service seeing why).
func TestKickNeverLost(t *testing.T) {
	noLeaks(t)
	c := startContext(t, ContextInfo{})
	const posters, rounds = 4, 20000
	var wg sync.WaitGroup
	stuck := make(chan int, posters)
	for g := 0; g < posters; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ran := make(chan struct{}, 1)
			for i := 0; i < rounds; i++ {
				if !c.Do(func() { ran <- struct{}{} }) {
					return
				}
				select {
				case <-ran:
				case <-time.After(10 * time.Second):
					stuck <- i
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stuck)
	for i := range stuck {
		t.Fatalf("an event posted at round %d never ran: the loop slept with work queued", i)
	}
}

// The interleaving behind a lost wake-up, step by step: a kick that saw
// the previous sleep claims its poke just after the loop woke (its poke
// lands in the eventfd read of that same wake-up). The next sleep must
// still be woken by the next kick.
func TestSleepStartsWithNoPokeClaimed(t *testing.T) {
	pokes := 0
	l := &loop{poke: func() { pokes++ }}
	l.beginSleep()
	l.endSleep()
	l.poked.Store(true) // the late claim of a kick that saw the sleep above
	l.beginSleep()
	l.kick()
	if pokes != 1 {
		t.Fatalf("a kick during a sleep poked %d times, want 1: the loop would sleep with work queued", pokes)
	}
}

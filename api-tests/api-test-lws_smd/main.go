// Command api-test-lws_smd is lws's api-test-lws_smd in Go, on the core's
// smd package (lws's System Message Distribution):
//
//   - before the loop runs, participants register for INTERACTION, for
//     SYSTEM_STATE and for a user class, and messages of those classes and
//     of NETWORK (which nobody hears) are sent; the user-class participant
//     then unregisters, so its message must reach nobody;
//   - when the context is OPERATIONAL, --count messages sent without
//     returning to the loop must overflow the bus's queue (lws's depth 40);
//   - 3 ms later, after the loop has drained that, two goroutines (lws's
//     pthreads) each send --count messages --interval µs apart; a refused
//     send is counted as busy, as in lws.
//
// It prints "Completed: PASS: <delivered> / <55% of sent>, (busy: <n>)"
// and exits 0 when both senders finished within 50 s, the queue
// overflowed, the unregistered participant heard nothing and the early
// messages reached their participants; else "Completed: FAIL" and exit 1.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/smd"
)

// switches are lws's: --count messages per sender, --interval between
// them in µs.
var switches = cmdline.Switches{
	{Name: "--count", Kind: cmdline.Int, Arg: "n", Default: "5000", Help: "messages each sender sends"},
	{Name: "--interval", Kind: cmdline.Int, Arg: "usec", Default: "200", Help: "microseconds between a sender's messages"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

const (
	thresholdPC = 55                 // lws's THRESHOLD_PC
	userClass   = smd.Class(1 << 24) // 1 << LWSSMDCL_USER_BASE_BITNUM
)

// testTimeout is lws's: the test must be over by then.
var testTimeout = 50 * time.Second

var errFail = errors.New("api-test-lws_smd: FAIL")

// test is one run's state (lws's statics).
type test struct {
	howMany  int
	interval time.Duration
	bus      *smd.Bus
	ok, busy atomic.Int64 // deliveries; refused sends
	problems []string     // on the loop only
	seen     map[string]int
	done     chan struct{} // closed when both senders finished
	spam     sync.WaitGroup
	stop     atomic.Bool
}

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	t := &test{howMany: o.Int("--count"), interval: time.Duration(o.Int("--interval")) * time.Microsecond,
		seen: map[string]int{}, done: make(chan struct{})}
	exp := 2 * t.howMany * thresholdPC / 100
	logs.Userf(log, "LWS API selftest: lws_smd: %d msgs at %dus interval", t.howMany, o.Int("--interval"))

	c, err := lws.NewContext(lws.ContextInfo{
		Logger:    log,
		VhostInfo: lws.VhostInfo{Port: lws.PortNoListen},
		Notifiers: []lws.SystemNotifier{t.operational},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	t.bus = smd.New(c)
	if err := t.setUp(); err != nil {
		c.Destroy()
		return err
	}

	// game over after this long (lws's sul_timeout)
	runCtx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	go func() {
		select {
		case <-t.done:
			cancel()
		case <-runCtx.Done():
		}
	}()
	if err := c.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	t.stop.Store(true)
	t.spam.Wait()
	logs.Noticef(log, "exited loop")

	completed := false
	select {
	case <-t.done:
		completed = true
	default:
		t.problems = append(t.problems, "the senders did not finish in time")
	}
	for _, p := range t.problems {
		logs.Errf(log, "%s", p)
	}
	if completed && len(t.problems) == 0 {
		logs.Userf(log, "Completed: PASS: %d / %d, (busy: %d)", t.ok.Load(), exp, t.busy.Load())
		return nil
	}
	logs.Userf(log, "Completed: FAIL: %d / %d, (busy: %d)", t.ok.Load(), exp, t.busy.Load())
	return errFail
}

// setUp registers the participants and queues lws's first messages
// before the loop runs.
func (t *test) setUp() error {
	hear := func(_ smd.Class, _ time.Time, p []byte) int {
		t.ok.Add(1)
		t.seen[string(p)]++
		return 0
	}
	t.bus.Register(smd.Interaction, hear)
	t.bus.Register(smd.SystemState, hear)
	// a participant that leaves before its message can be delivered
	userreg := t.bus.Register(userClass, func(_ smd.Class, _ time.Time, p []byte) int {
		t.problems = append(t.problems, fmt.Sprintf("countermanded message delivered: %s", p))
		return 0
	})
	for _, m := range []struct {
		class smd.Class
		p     string
	}{
		{smd.Interaction, `{"s":"interaction"}`},
		{smd.SystemState, `{"s":"state"}`},
		{smd.Network, `{"s":"network"}`}, // nobody listens: skipped
		{userClass, `{"s":"userclass"}`},
	} {
		if err := t.bus.Send(m.class, []byte(m.p)); err != nil {
			return fmt.Errorf("problem sending smd: %w", err)
		}
	}
	userreg.Unregister()
	return nil
}

// operational is lws's system_notify_cb: at OPERATIONAL, overflow the
// queue, then start the senders once the loop has drained it.
func (t *test) operational(c *lws.Context, current, target lws.SystemState) bool {
	if target != lws.StateOperational {
		return false
	}
	// the early messages were delivered on an earlier turn
	for p, want := range earlyDeliveries {
		if t.seen[p] != want {
			t.problems = append(t.problems, fmt.Sprintf("%s delivered %d times, expected %d", p, t.seen[p], want))
		}
	}
	n := 0
	for n < t.howMany {
		if t.bus.Send(smd.SystemState, []byte(`{"s":"state","test":"overflow"}`)) != nil {
			break
		}
		n++
	}
	c.Logger().Info(fmt.Sprintf("overflow test added %d messages", n))
	if n == t.howMany {
		t.problems = append(t.problems, "didn't overflow")
		close(t.done) // nothing more to wait for: the run fails
		return false
	}
	var drained lws.Sul
	c.Schedule(&drained, 3*time.Millisecond, func(*lws.Sul) { t.startSenders(c) })
	return false
}

// earlyDeliveries are the messages sent before the loop ran and how often
// each must have been heard: NETWORK and the user class not at all.
var earlyDeliveries = map[string]int{
	`{"s":"interaction"}`: 1,
	`{"s":"state"}`:       1,
	`{"s":"network"}`:     0,
	`{"s":"userclass"}`:   0,
}

// startSenders is lws's drained_cb: two goroutines spam SYSTEM_STATE.
func (t *test) startSenders(c *lws.Context) {
	var left atomic.Int32
	left.Store(2)
	for range 2 {
		t.spam.Add(1)
		go func() {
			defer t.spam.Done()
			for n := 0; n < t.howMany && !t.stop.Load(); {
				if t.bus.Printf(smd.SystemState, `{"s":"state","pid":%d,"msg":%d}`, os.Getpid(), n) != nil {
					t.busy.Add(1)
				} else {
					n++
				}
				if t.interval > 0 {
					time.Sleep(t.interval)
				}
			}
			if left.Add(-1) == 0 && !t.stop.Load() {
				close(t.done)
			}
		}()
	}
}

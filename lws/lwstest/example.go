package lwstest

import (
	"context"
	"testing"
	"time"
)

// Start runs an example's run function until the test ends and returns
// what its ready hook was given (usually the *lws.Context, to learn the
// port it listens on). The test fails if run returns an error, at start or
// when stopped at cleanup.
func Start[T any](t testing.TB, run func(ctx context.Context, ready func(T)) error) T {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	readyc := make(chan T, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(v T) { readyc <- v }) }()
	select {
	case v := <-readyc:
		t.Cleanup(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("run did not return 10 s after cancel")
			}
		})
		return v
	case err := <-done:
		cancel()
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("run did not become ready in 10 s")
	}
	var zero T
	return zero
}

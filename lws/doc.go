// Package lws is the core of lws-go: the libwebsockets programming model on
// Go's runtime.
//
// A Context owns one service loop goroutine that runs every protocol
// callback, one at a time, so protocol code needs no locks (as in lws, where
// lws_service runs every callback on one thread). Network I/O happens on
// goroutines the core owns; they hand events to the loop. Other goroutines
// reach the loop only through Context.CancelService (the mirror of
// lws_cancel_service, delivering ReasonEventWaitCancelled) and Context.Do.
package lws

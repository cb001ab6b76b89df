module github.com/lws-go/lws-go/api-tests/api-test-lwsac

go 1.26

require github.com/lws-go/lws-go/lws v0.0.0

// The core lives in this workspace; to copy the example out, point this
// at your copy of lws/ (or drop it once the core is published).
replace github.com/lws-go/lws-go/lws => ../../lws

module github.com/lws-go/lws-go/api-tests/api-test-jose

go 1.26

require github.com/lws-go/lws-go/lws v0.0.0

require github.com/go-jose/go-jose/v4 v4.1.9

// The core lives in this workspace; to copy the example out, point this
// at your copy of lws/ (or drop it once the core is published).
replace github.com/lws-go/lws-go/lws => ../../lws

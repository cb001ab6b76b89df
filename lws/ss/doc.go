// Package ss is lws's Secure Streams: a payload-only client API. Code
// names a streamtype; the policy decides the endpoint, port, wire protocol
// (h1, h2, ws, raw), TLS and its trust store, retries and backoff, timeouts
// and the headers metadata maps to. The user sees only rx payloads, tx
// opportunities and state events, on the context's loop.
//
// New sets Secure Streams up on an lws.Context with a Policy (ParsePolicy
// for JSON, or a static policy that policy2go generated); Streams.Create
// makes a stream. With Options.StaticOnly, trust stores are built lazily
// and counted per stream, as in lws's static-policy builds: see
// TrustStoreInfo.
package ss

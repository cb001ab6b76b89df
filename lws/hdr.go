package lws

import "net/http"

// URLArgSafe returns a query argument by name and whether the request had
// it at all, so an absent argument and an empty one differ
// (lws_get_urlarg_by_name_safe, which returns -1 for an absent one). On a
// ws connection it answers until ReasonEstablished returns.
func (c *Conn) URLArgSafe(name string) (string, bool) {
	if c.req == nil {
		return "", false
	}
	v, ok := c.req.URL.Query()[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// HeaderCustom returns a request header lws has no token for (any name,
// e.g. "dnt") and whether the request carried it: lws_hdr_custom_length,
// which is -1 for an absent header, and lws_hdr_custom_copy. Several
// fields of one name are joined with ", " as RFC 9110 5.3 allows.
func (c *Conn) HeaderCustom(name string) (string, bool) {
	if c.req == nil {
		return "", false
	}
	v, ok := c.req.Header[http.CanonicalHeaderKey(name)]
	if !ok {
		return "", false
	}
	if len(v) == 1 {
		return v[0], true
	}
	out := ""
	for i, s := range v {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out, true
}

// Method returns the request's method, "GET", "POST", ...: what lws tells
// apart by which of WSI_TOKEN_GET_URI, WSI_TOKEN_POST_URI, ... the header
// table holds.
func (c *Conn) Method() string {
	if c.req == nil {
		return ""
	}
	return c.req.Method
}

// ContentLength returns the length of the request's body: 0 when there is
// none (no ReasonHTTPBody or ReasonHTTPBodyCompletion will come, so a
// protocol waiting for a body completes in ReasonHTTP), -1 when it is not
// known in advance (chunked, or HTTP/2 without content-length), else the
// announced length (lws's wsi->http.rx_content_length).
func (c *Conn) ContentLength() int64 {
	if c.req == nil {
		return 0
	}
	if c.req.Body == nil || c.req.Body == http.NoBody {
		return 0
	}
	return c.req.ContentLength
}

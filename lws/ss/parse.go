package ss

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/lws-go/lws-go/lws"
)

// maxBackoff is the longest backoff table a retry entry may have, as in lws.
const maxBackoff = 8

// maxStack is the most certs a trust store may hold, as in lws.
const maxStack = 6

// PolicyError is a policy parse error: which streamtype (if any), which
// key, and the byte offset in the JSON.
type PolicyError struct {
	Streamtype string
	Key        string
	Offset     int64
	Err        error
}

func (e *PolicyError) Error() string {
	where := "policy"
	if e.Streamtype != "" {
		where += " streamtype " + strconv.Quote(e.Streamtype)
	}
	if e.Key != "" {
		where += " key " + strconv.Quote(e.Key)
	}
	return fmt.Sprintf("%s at byte %d: %v", where, e.Offset, e.Err)
}

func (e *PolicyError) Unwrap() error { return e.Err }

// jsonBackoff is a retry entry as written in the policy.
type jsonBackoff struct {
	Backoff    []uint32 `json:"backoff"`
	Conceal    uint16   `json:"conceal"`
	Jitterpc   uint8    `json:"jitterpc"`
	Svalidping uint16   `json:"svalidping"`
	Svalidhup  uint16   `json:"svalidhup"`
}

// jsonStreamtype is a streamtype as written in the policy: every key of
// lws's schema, those from later lws versions accepted and kept aside.
type jsonStreamtype struct {
	Endpoint      string              `json:"endpoint"`
	Port          int                 `json:"port"`
	Protocol      string              `json:"protocol"`
	ViaSocks5     string              `json:"via-socks5"`
	TLS           bool                `json:"tls"`
	TrustStore    string              `json:"tls_trust_store"`
	ClientCert    int                 `json:"client_cert"`
	Retry         string              `json:"retry"`
	TimeoutMs     int                 `json:"timeout_ms"`
	Opportunistic bool                `json:"opportunistic"`
	NailedUp      bool                `json:"nailed_up"`
	UrgentTx      bool                `json:"urgent_tx"`
	UrgentRx      bool                `json:"urgent_rx"`
	LongPoll      bool                `json:"long_poll"`
	LocalSink     bool                `json:"local_sink"`
	SwakeValidity bool                `json:"swake_validity"`
	Plugins       []string            `json:"plugins"`
	Metadata      []map[string]string `json:"metadata"`
	PayloadFmt    string              `json:"payload_fmt"`
	Rideshare     string              `json:"rideshare"`

	HTTPMethod            string           `json:"http_method"`
	HTTPURL               string           `json:"http_url"`
	HTTPAuthHeader        string           `json:"http_auth_header"`
	HTTPDSNHeader         string           `json:"http_dsn_header"`
	HTTPFWVHeader         string           `json:"http_fwv_header"`
	HTTPDevtypeHeader     string           `json:"http_devtype_header"`
	HTTPAuthPreamble      string           `json:"http_auth_preamble"`
	HTTPNoContentLength   bool             `json:"http_no_content_length"`
	HTTPFormURLEncoded    bool             `json:"http_www_form_urlencoded"`
	Nghttp2QuirkEndStream bool             `json:"nghttp2_quirk_end_stream"`
	H2QuirkOverflowTxcr   bool             `json:"h2q_oflow_txcr"`
	HTTPExpect            int              `json:"http_expect"`
	HTTPFailRedirect      bool             `json:"http_fail_redirect"`
	HTTPMultipartName     string           `json:"http_multipart_name"`
	HTTPMultipartFilename string           `json:"http_multipart_filename"`
	HTTPMimeContentType   string           `json:"http_mime_content_type"`
	HTTPRespMap           []map[string]int `json:"http_resp_map"`
	AllowRedirects        bool             `json:"allow_redirects"`

	WSSubprotocol string `json:"ws_subprotocol"`
	WSBinary      bool   `json:"ws_binary"`

	MQTTTopic       string `json:"mqtt_topic"`
	MQTTSubscribe   string `json:"mqtt_subscribe"`
	MQTTQoS         int    `json:"mqtt_qos"`
	MQTTKeepAlive   int    `json:"mqtt_keep_alive"`
	MQTTCleanStart  bool   `json:"mqtt_clean_start"`
	MQTTWillTopic   string `json:"mqtt_will_topic"`
	MQTTWillMessage string `json:"mqtt_will_message"`
	MQTTWillQoS     int    `json:"mqtt_will_qos"`
	MQTTWillRetain  bool   `json:"mqtt_will_retain"`

	// Keys of later lws versions: accepted, not acted on.
	Later map[string]jsontext.Value `json:",unknown"`
}

// laterKeys are the keys of later lws versions that a policy may carry.
var laterKeys = map[string]bool{
	"server": true, "server_cert": true, "server_key": true, "http_cookies": true,
	"http_multipart_ss_in": true, "mqtt_retain": true, "mqtt_birth_topic": true,
	"mqtt_birth_message": true, "mqtt_birth_qos": true, "mqtt_birth_retain": true,
	"aws_iot": true, "use_auth": true, "aws_region": true, "aws_service": true,
	"attr_priority": true, "attr_low_latency": true, "attr_high_throughput": true,
	"attr_high_reliability": true, "attr_low_cost": true, "ws_prioritize_reads": true,
	"perf": true, "proxy_buflen": true, "proxy_buflen_rxflow_on_above": true,
	"proxy_buflen_rxflow_off_below": true, "client_buflen": true,
	"client_buflen_rxflow_on_above": true, "client_buflen_rxflow_off_below": true,
	"options": true, "direct_proto_str": true,
}

// parser carries a policy being built and the raw streamtype objects that
// overlays patch.
type parser struct {
	p   *Policy
	raw map[string]map[string]jsontext.Value
}

// ParsePolicy parses a JSON policy (lws_ss_policy_parse). References must
// point backwards: a retry entry or trust store must be defined before a
// streamtype uses it. Errors name the streamtype, the key and the byte
// offset.
func ParsePolicy(data []byte) (*Policy, error) {
	ps := &parser{p: &Policy{}, raw: map[string]map[string]jsontext.Value{}}
	if err := ps.parse(data, false); err != nil {
		return nil, err
	}
	ps.p.raw = ps.raw
	return ps.p, nil
}

// Overlay patches the policy with a JSON fragment of the same shape: each
// streamtype in it is changed key by key, new ones are added
// (lws_ss_policy_overlay). Only streamtypes can be overlaid.
func (p *Policy) Overlay(data []byte) error {
	if p.raw == nil {
		return errors.New("policy: only a policy parsed from JSON can be overlaid")
	}
	ps := &parser{p: p, raw: p.raw}
	return ps.parse(data, true)
}

func (ps *parser) parse(data []byte, overlay bool) error {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	fail := func(key string, err error) error {
		var se *jsontext.SyntacticError
		if errors.As(err, &se) {
			return &PolicyError{Key: key, Offset: se.ByteOffset, Err: fmt.Errorf("malformed JSON: %w", se.Err)}
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return &PolicyError{Key: key, Offset: dec.InputOffset(), Err: errors.New("malformed JSON: unexpected end")}
		}
		return &PolicyError{Key: key, Offset: dec.InputOffset(), Err: err}
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return fail("", err)
	}
	if tok.Kind() != '{' {
		return &PolicyError{Offset: 0, Err: errors.New("a policy is a JSON object")}
	}
	for dec.PeekKind() != '}' {
		kt, err := dec.ReadToken()
		if err != nil {
			return fail("", err)
		}
		key := kt.String()
		at := dec.InputOffset()
		if overlay && key != "s" {
			if _, err := dec.ReadValue(); err != nil {
				return fail(key, err)
			}
			return &PolicyError{Key: key, Offset: at, Err: errors.New("an overlay can only change streamtypes (\"s\")")}
		}
		var perr error
		switch key {
		case "release":
			perr = json.UnmarshalDecode(dec, &ps.p.Release)
		case "product":
			perr = json.UnmarshalDecode(dec, &ps.p.Product)
		case "schema-version":
			perr = json.UnmarshalDecode(dec, &ps.p.SchemaVersion)
		case "via-socks5":
			perr = json.UnmarshalDecode(dec, &ps.p.ViaSocks5)
		case "retry":
			perr = ps.retries(dec)
		case "certs":
			perr = ps.certs(dec)
		case "trust_stores":
			perr = ps.trustStores(dec)
		case "s":
			perr = ps.streamtypes(dec)
		case "metrics", "auth": // later lws versions: accepted
			_, perr = dec.ReadValue()
		default:
			_, _ = dec.ReadValue()
			return &PolicyError{Key: key, Offset: at, Err: errors.New("unknown top-level key")}
		}
		if perr != nil {
			var pe *PolicyError
			if errors.As(perr, &pe) {
				return pe
			}
			return fail(key, perr)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return fail("", err)
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return &PolicyError{Offset: dec.InputOffset(), Err: errors.New("malformed JSON: data after the policy object")}
	}
	return nil
}

// eachNamed walks an array of one-key objects, [{"name": value}, ...],
// calling fn with the decoder at each value.
func eachNamed(dec *jsontext.Decoder, fn func(name string, at int64) error) error {
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '[' {
		return errors.New("want an array")
	}
	for dec.PeekKind() != ']' {
		if tok, err := dec.ReadToken(); err != nil {
			return err
		} else if tok.Kind() != '{' {
			return errors.New(`want an object {"name": ...}`)
		}
		for dec.PeekKind() != '}' {
			kt, err := dec.ReadToken()
			if err != nil {
				return err
			}
			if err := fn(kt.String(), dec.InputOffset()); err != nil {
				return err
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

func (ps *parser) retries(dec *jsontext.Decoder) error {
	return eachNamed(dec, func(name string, at int64) error {
		var b jsonBackoff
		if err := json.UnmarshalDecode(dec, &b, json.RejectUnknownMembers(true)); err != nil {
			return semantic("retry", name, err)
		}
		if len(b.Backoff) > maxBackoff {
			return &PolicyError{Key: "retry", Offset: at, Err: fmt.Errorf("retry %q: backoff table of %d entries, at most %d", name, len(b.Backoff), maxBackoff)}
		}
		ps.p.Retry = append(ps.p.Retry, &RetryEntry{Name: name, Backoff: lws.RetryBackoff{
			RetryMs: b.Backoff, ConcealCount: b.Conceal, JitterPercent: b.Jitterpc,
			SecsSinceValidPing: b.Svalidping, SecsSinceValidHangup: b.Svalidhup,
		}})
		return nil
	})
}

func (ps *parser) certs(dec *jsontext.Decoder) error {
	return eachNamed(dec, func(name string, at int64) error {
		var b64 string
		if err := json.UnmarshalDecode(dec, &b64); err != nil {
			return semantic("certs", name, err)
		}
		der, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(der) == 0 {
			if err == nil {
				err = errors.New("empty")
			}
			return &PolicyError{Key: "certs", Offset: at, Err: fmt.Errorf("cert %q: bad base64 DER: %w", name, err)}
		}
		ps.p.Certs = append(ps.p.Certs, &Cert{Name: name, DER: der})
		return nil
	})
}

func (ps *parser) trustStores(dec *jsontext.Decoder) error {
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '[' {
		return errors.New("want an array")
	}
	for dec.PeekKind() != ']' {
		at := dec.InputOffset()
		var ts struct {
			Name  string   `json:"name"`
			Stack []string `json:"stack"`
		}
		if err := json.UnmarshalDecode(dec, &ts, json.RejectUnknownMembers(true)); err != nil {
			return semantic("trust_stores", "", err)
		}
		if ts.Name == "" || len(ts.Stack) == 0 || len(ts.Stack) > maxStack {
			return &PolicyError{Key: "trust_stores", Offset: at, Err: fmt.Errorf("trust store %q needs a name and 1 to %d certs", ts.Name, maxStack)}
		}
		store := &TrustStore{Name: ts.Name}
		for _, cn := range ts.Stack {
			c := ps.p.cert(cn)
			if c == nil {
				return &PolicyError{Key: "trust_stores", Offset: at, Err: fmt.Errorf("trust store %q uses cert %q before it is defined", ts.Name, cn)}
			}
			store.Certs = append(store.Certs, c)
		}
		ps.p.TrustStores = append(ps.p.TrustStores, store)
	}
	_, err := dec.ReadToken()
	return err
}

func (ps *parser) streamtypes(dec *jsontext.Decoder) error {
	return eachNamed(dec, func(name string, at int64) error {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		base := dec.InputOffset() - int64(len(raw))
		fields := map[string]jsontext.Value{}
		if err := json.Unmarshal(raw, &fields); err != nil {
			return &PolicyError{Streamtype: name, Offset: at, Err: fmt.Errorf("want an object: %w", err)}
		}
		merged := ps.raw[name]
		if merged == nil {
			merged = map[string]jsontext.Value{}
		}
		for k, v := range fields {
			merged[k] = v
		}
		st, err := ps.streamtype(name, merged, raw, base)
		if err != nil {
			return err
		}
		ps.raw[name] = merged
		if old := ps.p.Streamtype(name); old != nil {
			*old = *st
		} else {
			ps.p.Streamtypes = append(ps.p.Streamtypes, st)
		}
		return nil
	})
}

// streamtype builds one streamtype from its (possibly overlaid) keys. raw
// and base locate errors in the text being parsed.
func (ps *parser) streamtype(name string, fields map[string]jsontext.Value, raw jsontext.Value, base int64) (*Streamtype, error) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var obj bytes.Buffer
	obj.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			obj.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		obj.Write(kb)
		obj.WriteByte(':')
		obj.Write(fields[k])
	}
	obj.WriteByte('}')
	var js jsonStreamtype
	if err := json.Unmarshal(obj.Bytes(), &js); err != nil {
		return nil, ps.locate(name, raw, base, err)
	}
	keyAt := func(key string) int64 {
		if i := bytes.Index(raw, []byte(`"`+key+`"`)); i >= 0 {
			return base + int64(i)
		}
		return base
	}
	for k := range js.Later {
		if !laterKeys[k] {
			return nil, &PolicyError{Streamtype: name, Key: k, Offset: keyAt(k), Err: errors.New("unknown key")}
		}
	}
	st := &Streamtype{
		Name: name, Endpoint: js.Endpoint, Port: js.Port, ClientCert: js.ClientCert, TimeoutMs: js.TimeoutMs,
		ViaSocks5: js.ViaSocks5, Plugins: js.Plugins, PayloadFmt: js.PayloadFmt, Rideshare: js.Rideshare,
		HTTPMethod: js.HTTPMethod, HTTPURL: js.HTTPURL, HTTPAuthHeader: js.HTTPAuthHeader,
		HTTPDSNHeader: js.HTTPDSNHeader, HTTPFWVHeader: js.HTTPFWVHeader, HTTPDevtypeHeader: js.HTTPDevtypeHeader,
		HTTPAuthPreamble: js.HTTPAuthPreamble, HTTPExpect: js.HTTPExpect, HTTPFailRedirect: js.HTTPFailRedirect,
		HTTPMultipartName: js.HTTPMultipartName, HTTPMultipartFilename: js.HTTPMultipartFilename,
		HTTPMimeContentType: js.HTTPMimeContentType, AllowRedirects: js.AllowRedirects,
		WSSubprotocol: js.WSSubprotocol, WSBinary: js.WSBinary,
		MQTTTopic: js.MQTTTopic, MQTTSubscribe: js.MQTTSubscribe, MQTTQoS: js.MQTTQoS, MQTTKeepAlive: js.MQTTKeepAlive,
		MQTTCleanStart: js.MQTTCleanStart, MQTTWillTopic: js.MQTTWillTopic, MQTTWillMessage: js.MQTTWillMessage,
		MQTTWillQoS: js.MQTTWillQoS, MQTTWillRetain: js.MQTTWillRetain,
	}
	proto, ok := protocolNames[js.Protocol]
	if !ok {
		return nil, &PolicyError{Streamtype: name, Key: "protocol", Offset: keyAt("protocol"), Err: fmt.Errorf("unknown protocol %q (h1, h2, ws, mqtt, raw)", js.Protocol)}
	}
	st.Protocol = proto
	for _, f := range []struct {
		on   bool
		flag PolicyFlags
	}{
		{js.Opportunistic, FlagOpportunistic}, {js.NailedUp, FlagNailedUp}, {js.UrgentTx, FlagUrgentTx},
		{js.UrgentRx, FlagUrgentRx}, {js.TLS, FlagTLS}, {js.LongPoll, FlagLongPoll},
		{js.HTTPNoContentLength, FlagHTTPNoContentLength}, {js.Nghttp2QuirkEndStream, FlagNghttp2QuirkEndStream},
		{js.H2QuirkOverflowTxcr, FlagH2QuirkOverflowTxcr}, {js.HTTPMultipartName != "", FlagHTTPMultipart},
		{js.HTTPFormURLEncoded, FlagHTTPFormURLEncoded}, {js.LocalSink, FlagLocalSink},
		{js.SwakeValidity, FlagWakeSuspendValidity},
	} {
		if f.on {
			st.Flags |= f.flag
		}
	}
	if js.Retry != "" {
		if st.Retry = ps.p.retry(js.Retry); st.Retry == nil {
			return nil, &PolicyError{Streamtype: name, Key: "retry", Offset: keyAt("retry"), Err: fmt.Errorf("retry entry %q used before it is defined", js.Retry)}
		}
	}
	if js.TrustStore != "" {
		if st.TrustStore = ps.p.TrustStore(js.TrustStore); st.TrustStore == nil {
			return nil, &PolicyError{Streamtype: name, Key: "tls_trust_store", Offset: keyAt("tls_trust_store"), Err: fmt.Errorf("trust store %q used before it is defined", js.TrustStore)}
		}
	}
	for _, m := range js.Metadata {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			st.Metadata = append(st.Metadata, Metadata{Name: k, Mapping: m[k]})
		}
	}
	for _, m := range js.HTTPRespMap {
		for k, v := range m {
			code, err := strconv.Atoi(k)
			if err != nil || v < int(StateUserBase) {
				return nil, &PolicyError{Streamtype: name, Key: "http_resp_map", Offset: keyAt("http_resp_map"), Err: fmt.Errorf("entry %q: %d: want a status and a user state >= 1000", k, v)}
			}
			if st.HTTPRespMap == nil {
				st.HTTPRespMap = map[int]int{}
			}
			st.HTTPRespMap[code] = v
		}
	}
	return st, nil
}

// locate turns a decode error of a streamtype into a PolicyError with the
// key and an offset in the original text.
func (ps *parser) locate(name string, raw jsontext.Value, base int64, err error) error {
	var se *json.SemanticError
	if errors.As(err, &se) {
		key := se.JSONPointer.LastToken()
		for tok := range se.JSONPointer.Tokens() {
			key = tok // the streamtype's own key, the first token
			break
		}
		off := base
		if i := bytes.Index(raw, []byte(`"`+key+`"`)); i >= 0 {
			off += int64(i)
		}
		cause := se.Err
		if cause == nil {
			cause = errors.New("wrong type of value")
		}
		return &PolicyError{Streamtype: name, Key: key, Offset: off, Err: cause}
	}
	return &PolicyError{Streamtype: name, Offset: base, Err: err}
}

// semantic wraps a decode error inside a named section entry.
func semantic(section, name string, err error) error {
	var se *json.SemanticError
	if errors.As(err, &se) {
		key := section
		if name != "" {
			key += "." + name
		}
		if tok := se.JSONPointer.LastToken(); tok != "" {
			key += "." + tok
		}
		cause := se.Err
		if cause == nil {
			cause = errors.New("wrong type of value")
		}
		return &PolicyError{Key: key, Offset: se.ByteOffset, Err: cause}
	}
	return err
}

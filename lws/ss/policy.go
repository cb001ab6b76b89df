package ss

import (
	"github.com/go-json-experiment/json/jsontext"
	"github.com/lws-go/lws-go/lws"
)

// Protocol is a streamtype's wire protocol, with lws's numbers.
type Protocol int

// Wire protocols, as ss_pcols in lws.
const (
	ProtocolH1   Protocol = 0
	ProtocolH2   Protocol = 1
	ProtocolWS   Protocol = 2
	ProtocolMQTT Protocol = 3
	ProtocolRaw  Protocol = 4
)

var protocolNames = map[string]Protocol{"h1": ProtocolH1, "h2": ProtocolH2, "ws": ProtocolWS, "mqtt": ProtocolMQTT, "raw": ProtocolRaw}

func (p Protocol) String() string {
	for n, v := range protocolNames {
		if v == p {
			return n
		}
	}
	return "?"
}

// PolicyFlags are a streamtype's boolean keys, with lws's LWSSSPOLF_* bits.
type PolicyFlags uint32

// Streamtype flags, as LWSSSPOLF_* in lws.
const (
	FlagOpportunistic         PolicyFlags = 1 << 0  // connect only to send
	FlagNailedUp              PolicyFlags = 1 << 1  // connect at create and stay up
	FlagUrgentTx              PolicyFlags = 1 << 2  // priority hint
	FlagUrgentRx              PolicyFlags = 1 << 3  // priority hint
	FlagTLS                   PolicyFlags = 1 << 4  // require TLS
	FlagLongPoll              PolicyFlags = 1 << 5  // wait for asynchronous rx
	FlagHTTPNoContentLength   PolicyFlags = 1 << 7  // body without content-length
	FlagNghttp2QuirkEndStream PolicyFlags = 1 << 8  // h2 quirk
	FlagH2QuirkOverflowTxcr   PolicyFlags = 1 << 9  // h2 quirk
	FlagHTTPMultipart         PolicyFlags = 1 << 11 // send the body as a multipart part
	FlagHTTPFormURLEncoded    PolicyFlags = 1 << 12 // x-www-form-urlencoded body
	FlagLocalSink             PolicyFlags = 1 << 13 // bind to a local sink
	FlagWakeSuspendValidity   PolicyFlags = 1 << 14 // validity timers wake the system
)

// Policy is a parsed Secure Streams policy: the mirror of lws's policy
// objects (lws_ss_policy_t and what it points to). ParsePolicy makes one
// from JSON; policy2go writes one as a Go literal for a static policy.
type Policy struct {
	Release       string
	Product       string
	SchemaVersion int
	ViaSocks5     string
	// Retry entries, in definition order.
	Retry []*RetryEntry
	// Certs by name, in definition order: DER bytes.
	Certs []*Cert
	// TrustStores, in definition order.
	TrustStores []*TrustStore
	// Streamtypes, in definition order.
	Streamtypes []*Streamtype

	// raw keeps each streamtype's JSON keys for overlays (nil for a
	// static policy).
	raw map[string]map[string]jsontext.Value
}

// RetryEntry is a named backoff policy ("retry" in the JSON).
type RetryEntry struct {
	Name    string
	Backoff lws.RetryBackoff
}

// Cert is a named DER certificate ("certs" in the JSON).
type Cert struct {
	Name string
	DER  []byte
}

// TrustStore is a named stack of CA certificates: the mirror of
// lws_ss_trust_store_t. Every cert of the stack is trusted.
type TrustStore struct {
	Name  string
	Certs []*Cert
}

// Metadata is one declared metadata name of a streamtype; for http its
// Mapping is the header it is sent as ("name:" with the colon), empty for
// names only used in ${} substitution.
type Metadata struct {
	Name    string
	Mapping string
}

// Streamtype is the policy for one stream type: the mirror of
// lws_ss_policy_t.
type Streamtype struct {
	Name     string
	Endpoint string // host, may hold ${metadata}; a URL overrides scheme, host, port and path
	Port     int
	Protocol Protocol
	Flags    PolicyFlags
	// TrustStore is the CA stack TLS is verified against; nil means the
	// platform roots.
	TrustStore *TrustStore
	ClientCert int
	// Retry is the backoff policy; nil means lws's default (3 s, never
	// concealed).
	Retry      *RetryEntry
	TimeoutMs  int
	ViaSocks5  string
	Plugins    []string
	Metadata   []Metadata
	PayloadFmt string
	Rideshare  string

	HTTPMethod            string
	HTTPURL               string // path, may hold ${metadata}
	HTTPAuthHeader        string
	HTTPDSNHeader         string
	HTTPFWVHeader         string
	HTTPDevtypeHeader     string
	HTTPAuthPreamble      string
	HTTPExpect            int  // if set, the only status counted as success
	HTTPFailRedirect      bool // a redirect is a failure
	HTTPMultipartName     string
	HTTPMultipartFilename string
	HTTPMimeContentType   string
	HTTPRespMap           map[int]int // status -> user state (>= StateUserBase)
	AllowRedirects        bool

	WSSubprotocol string
	WSBinary      bool

	MQTTTopic       string
	MQTTSubscribe   string
	MQTTQoS         int
	MQTTKeepAlive   int
	MQTTCleanStart  bool
	MQTTWillTopic   string
	MQTTWillMessage string
	MQTTWillQoS     int
	MQTTWillRetain  bool
}

// Streamtype looks a streamtype up by name.
func (p *Policy) Streamtype(name string) *Streamtype {
	for _, st := range p.Streamtypes {
		if st.Name == name {
			return st
		}
	}
	return nil
}

// TrustStore looks a trust store up by name.
func (p *Policy) TrustStore(name string) *TrustStore {
	for _, ts := range p.TrustStores {
		if ts.Name == name {
			return ts
		}
	}
	return nil
}

func (p *Policy) retry(name string) *RetryEntry {
	for _, r := range p.Retry {
		if r.Name == name {
			return r
		}
	}
	return nil
}

func (p *Policy) cert(name string) *Cert {
	for _, c := range p.Certs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

package ss

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParsePolicy(t *testing.T) {
	data, err := os.ReadFile("testdata/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePolicy(data)
	if err != nil {
		t.Fatal(err)
	}
	if p.Release != "01234567" || p.SchemaVersion != 1 || len(p.Retry) != 1 || len(p.Certs) != 2 || len(p.TrustStores) != 2 || len(p.Streamtypes) != 2 {
		t.Fatalf("%+v", p)
	}
	r := p.Retry[0].Backoff
	if len(r.RetryMs) != 5 || r.ConcealCount != 5 || r.JitterPercent != 20 || r.SecsSinceValidPing != 30 || r.SecsSinceValidHangup != 35 {
		t.Fatalf("retry %+v", r)
	}
	if ts := p.TrustStore("ts_b"); len(ts.Certs) != 2 || ts.Certs[0].Name != "ca_b" || string(ts.Certs[0].DER) != "\x01\x02\x03\x04" {
		t.Fatalf("ts_b %+v", ts)
	}
	st := p.Streamtype("mintest")
	if st.Protocol != ProtocolH1 || st.Port != 443 || st.Flags != FlagTLS|FlagOpportunistic || st.TrustStore.Name != "ts_a" ||
		st.Retry.Name != "default" || st.TimeoutMs != 2000 || st.HTTPRespMap[530] != 1530 || len(st.Metadata) != 3 ||
		st.Metadata[1] != (Metadata{Name: "uptag", Mapping: "X-Upload-Tag:"}) {
		t.Fatalf("mintest %+v", st)
	}
	if ws := p.Streamtype("plain"); ws.Protocol != ProtocolWS || ws.Flags != FlagNailedUp || ws.WSSubprotocol != "lws-minimal" || ws.TrustStore != nil {
		t.Fatalf("plain %+v", ws)
	}
}

// Every malformed policy gets an error naming the streamtype (when there
// is one), the key and the byte offset of the problem.
func TestPolicyErrors(t *testing.T) {
	// Offsets are 0-based: the byte where the offending key starts.
	for _, tc := range []struct {
		in, streamtype, key, msg string
		offset                   int64
	}{
		{`{"s": [{"a": {"protocol": "h1",}}]}`, "", "s", "malformed JSON", 31},
		{`{"s": [`, "", "s", "malformed JSON", 7},
		{`{"s": [{"a": {"protocol": "h1", "retry": "later"}}], "retry": [{"later": {}}]}`, "a", "retry", `retry entry "later" used before it is defined`, 32},
		{`{"s": [{"a": {"protocol": "h1", "tls_trust_store": "ts"}}]}`, "a", "tls_trust_store", `trust store "ts" used before it is defined`, 32},
		{`{"s": [{"a": {"protocol": "gopher"}}]}`, "a", "protocol", `unknown protocol "gopher"`, 14},
		{`{"certs": [{"c": "not base64!"}]}`, "", "certs", `cert "c": bad base64 DER`, -1},
		{`{"retry": [{"r": {"backoff": [1,2,3,4,5,6,7,8,9]}}]}`, "", "retry", "backoff table of 9 entries, at most 8", -1},
		{`{"trust_stores": [{"name": "t", "stack": ["nope"]}]}`, "", "trust_stores", `uses cert "nope" before it is defined`, -1},
		{`{"s": [{"a": {"protocol": "h1", "prot": 1}}]}`, "a", "prot", "unknown key", 32},
		{`{"s": [{"a": {"protocol": "h1", "port": "80"}}]}`, "a", "port", "", 32},
		{`{"bogus": 1}`, "", "bogus", "unknown top-level key", -1},
		{`[]`, "", "", "a policy is a JSON object", 0},
		{`{} {}`, "", "", "data after the policy object", -1},
	} {
		_, err := ParsePolicy([]byte(tc.in))
		var pe *PolicyError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v is not a PolicyError", tc.in, err)
			continue
		}
		if pe.Streamtype != tc.streamtype || pe.Key != tc.key || !strings.Contains(pe.Error(), tc.msg) || (tc.offset >= 0 && pe.Offset != tc.offset) {
			t.Errorf("%s:\n got %q (streamtype %q key %q offset %d)\nwant streamtype %q key %q offset %d, %q", tc.in, pe.Error(), pe.Streamtype, pe.Key, pe.Offset, tc.streamtype, tc.key, tc.offset, tc.msg)
		}
	}
}

func TestOverlay(t *testing.T) {
	data, _ := os.ReadFile("testdata/policy.json")
	p, err := ParsePolicy(data)
	if err != nil {
		t.Fatal(err)
	}
	// lws's examples force failures this way: the endpoint and port of
	// one streamtype change, the rest stays.
	if err := p.Overlay([]byte(`{"s": [{"mintest": {"endpoint": "nowhere.invalid", "port": 22}}, {"added": {"protocol": "raw"}}]}`)); err != nil {
		t.Fatal(err)
	}
	st := p.Streamtype("mintest")
	if st.Endpoint != "nowhere.invalid" || st.Port != 22 || st.HTTPURL != "index.html?uptag=${uptag}" || st.TrustStore.Name != "ts_a" {
		t.Fatalf("overlaid %+v", st)
	}
	if p.Streamtype("added") == nil || len(p.Streamtypes) != 3 {
		t.Fatal("overlay did not add a streamtype")
	}
	if err := p.Overlay([]byte(`{"retry": []}`)); err == nil {
		t.Fatal("overlay of retry accepted")
	}
	if err := p.Overlay([]byte(`{"s": [{"mintest": {"protocol": "nope"}}]}`)); err == nil || p.Streamtype("mintest").Protocol != ProtocolH1 {
		t.Fatalf("bad overlay: %v, and it changed the policy", err)
	}
}

func FuzzParsePolicy(f *testing.F) {
	data, _ := os.ReadFile("testdata/policy.json")
	f.Add(data)
	f.Add([]byte(`{"s": [{"a": {"protocol": "h1", "retry": "r"}}], "retry": [{"r": {}}]}`))
	f.Add([]byte(`{"trust_stores": [{"name": "t", "stack": []}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := ParsePolicy(in)
		if err != nil {
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a PolicyError: %v", err)
			}
			if pe.Offset < 0 || pe.Offset > int64(len(in)) {
				t.Fatalf("offset %d outside the input of %d bytes", pe.Offset, len(in))
			}
			return
		}
		for _, st := range p.Streamtypes {
			if st.TrustStore != nil && p.TrustStore(st.TrustStore.Name) == nil {
				t.Fatal("streamtype refers to a trust store not in the policy")
			}
		}
		_ = p.Overlay(in)
	})
}

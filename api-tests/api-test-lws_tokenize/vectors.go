package main

import tk "github.com/lws-go/lws-go/lws/tokenize"

// expected is one element the tokenizer must report (lws's struct
// expected): its kind and, for tokens and delimiters, its bytes.
type expected struct {
	e     tk.Elem
	value string
}

// vector is a string, the flags to tokenize it under, and what must come
// out (lws's struct tests).
type vector struct {
	in    string
	flags tk.Flags
	exp   []expected
}

// vectors are lws's, in lws's order.
var vectors = []vector{
	{" protocol-1, protocol_2\t,\tprotocol3\n", tk.FlagMinusNonterm | tk.FlagAggColon, []expected{
		{tk.Token, "protocol-1"}, {tk.Delimiter, ","}, {tk.Token, "protocol_2"},
		{tk.Delimiter, ","}, {tk.Token, "protocol3"}, {tk.Ended, ""},
	}},
	{"Accept-Language: fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", tk.FlagMinusNonterm | tk.FlagAggColon, []expected{
		{tk.TokenNameColon, "Accept-Language"},
		{tk.Token, "fr-CH"}, {tk.Delimiter, ","},
		{tk.Token, "fr"}, {tk.Delimiter, ";"}, {tk.TokenNameEquals, "q"}, {tk.Float, "0.9"}, {tk.Delimiter, ","},
		{tk.Token, "en"}, {tk.Delimiter, ";"}, {tk.TokenNameEquals, "q"}, {tk.Float, "0.8"}, {tk.Delimiter, ","},
		{tk.Token, "de"}, {tk.Delimiter, ";"}, {tk.TokenNameEquals, "q"}, {tk.Float, "0.7"}, {tk.Delimiter, ","},
		{tk.Delimiter, "*"}, {tk.Delimiter, ";"}, {tk.TokenNameEquals, "q"}, {tk.Float, "0.5"},
		{tk.Ended, ""},
	}},
	{"quoted = \"things:\", 1234", tk.FlagMinusNonterm | tk.FlagAggColon, []expected{
		{tk.TokenNameEquals, "quoted"}, {tk.QuotedString, "things:"}, {tk.Delimiter, ","},
		{tk.Integer, "1234"}, {tk.Ended, ""},
	}},
	{", brokenlist1", tk.FlagCommaSepList, []expected{{tk.ErrCommaList, ","}}},
	{"brokenlist2,,", tk.FlagCommaSepList, []expected{
		{tk.Token, "brokenlist2"}, {tk.Delimiter, ","}, {tk.ErrCommaList, ","},
	}},
	{"brokenlist3,", tk.FlagCommaSepList, []expected{
		{tk.Token, "brokenlist3"}, {tk.Delimiter, ","}, {tk.ErrCommaList, ","},
	}},
	{"fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", tk.FlagAsteriskNonterm | tk.FlagRFC7230Delims, []expected{
		{tk.Token, "fr"}, {tk.Delimiter, "-"}, {tk.Token, "CH"}, {tk.Delimiter, ","},
		{tk.Token, "fr"}, {tk.Delimiter, ";"}, {tk.TokenNameEquals, "q"}, {tk.Float, "0.9"}, {tk.Delimiter, ","},
		{tk.Token, "en"}, {tk.Delimiter, ";"}, {tk.TokenNameEquals, "q"}, {tk.Float, "0.8"}, {tk.Delimiter, ","},
		{tk.Token, "de"}, {tk.Delimiter, ";"}, {tk.TokenNameEquals, "q"}, {tk.Float, "0.7"}, {tk.Delimiter, ","},
		{tk.Token, "*"}, {tk.Delimiter, ";"}, {tk.TokenNameEquals, "q"}, {tk.Float, "0.5"},
		{tk.Ended, ""},
	}},
	{" Οὐχὶ ταὐτὰ παρίσταταί μοι γιγνώσκειν, ὦ ἄνδρες ᾿Αθηναῖοι, greek", tk.FlagRFC7230Delims, []expected{
		{tk.Token, "Οὐχὶ"}, {tk.Token, "ταὐτὰ"}, {tk.Token, "παρίσταταί"}, {tk.Token, "μοι"},
		{tk.Token, "γιγνώσκειν"}, {tk.Delimiter, ","}, {tk.Token, "ὦ"}, {tk.Token, "ἄνδρες"},
		{tk.Token, "᾿Αθηναῖοι"}, {tk.Delimiter, ","}, {tk.Token, "greek"}, {tk.Ended, ""},
	}},
	// the tokenizer scans ahead for a '=', so it meets the broken UTF-8
	// before it reports the token
	{"badutf8-1 \x80...", tk.FlagMinusNonterm | tk.FlagRFC7230Delims, []expected{{tk.ErrBrokenUTF8, ""}}},
	{"badutf8-2 \xed\x9f\xbf,\x80...", tk.FlagMinusNonterm | tk.FlagRFC7230Delims, []expected{
		{tk.Token, "badutf8-2"}, {tk.Token, "\xed\x9f\xbf"}, {tk.Delimiter, ","}, {tk.ErrBrokenUTF8, ""},
	}},
	{"1.myserver.com", 0, []expected{
		{tk.Token, "1.myserver"}, {tk.Delimiter, "."}, {tk.Token, "com"}, {tk.Ended, ""},
	}},
	{"1.myserver.com", tk.FlagDotNonterm, []expected{{tk.Token, "1.myserver.com"}, {tk.Ended, ""}}},
	{"1.myserver.com", tk.FlagDotNonterm | tk.FlagNoFloats, []expected{{tk.Token, "1.myserver.com"}, {tk.Ended, ""}}},
	{"1.myserver.com", tk.FlagNoFloats, []expected{
		{tk.Integer, "1"}, {tk.Delimiter, "."}, {tk.Token, "myserver"}, {tk.Delimiter, "."},
		{tk.Token, "com"}, {tk.Ended, ""},
	}},
	{"close,  Upgrade", tk.FlagCommaSepList, []expected{
		{tk.Token, "close"}, {tk.Delimiter, ","}, {tk.Token, "Upgrade"}, {tk.Ended, ""},
	}},
	{"a=5", tk.FlagNoIntegers, []expected{{tk.TokenNameEquals, "a"}, {tk.Token, "5"}, {tk.Ended, ""}}},
	{"# comment1\r\nhello #comment2\r\n#comment3", tk.FlagHashComment, []expected{{tk.Token, "hello"}, {tk.Ended, ""}}},
	{"x=y", tk.FlagEqualsNonterm, []expected{{tk.Token, "x=y"}, {tk.Ended, ""}}},
	{"a+b", tk.FlagPlusNonterm, []expected{{tk.Token, "a+b"}, {tk.Ended, ""}}},
	// the flags lws's ws upgrade parses Sec-WebSocket-Protocol with:
	// subprotocol names are RFC 2616 tokens, so '+' belongs to them
	{"opcua+uacp, opcua+json", tk.FlagCommaSepList | tk.FlagMinusNonterm | tk.FlagDotNonterm | tk.FlagPlusNonterm | tk.FlagRFC7230Delims, []expected{
		{tk.Token, "opcua+uacp"}, {tk.Delimiter, ","}, {tk.Token, "opcua+json"}, {tk.Ended, ""},
	}},
	// ...and without FlagPlusNonterm the '+' is a delimiter the list rejects
	{"opcua+uacp", tk.FlagCommaSepList | tk.FlagMinusNonterm | tk.FlagDotNonterm | tk.FlagRFC7230Delims, []expected{
		{tk.Token, "opcua"}, {tk.ErrCommaList, ""},
	}},
}

package main

import "github.com/lws-go/lws-go/lws/lejp"

// step is one callback lws expects (lws's struct lejp_results): the
// reason, the path match, the indexes (their count is lws's ipos), the
// path and the value buffer at that moment.
type step struct {
	reason    lejp.Reason
	pathMatch int
	indexes   []uint16
	path, buf string
}

// docTest is one of lws's documents, the parser flags and path patterns
// it is parsed with, and every callback it must produce, in order.
type docTest struct {
	doc   string
	flags int
	paths []string
	steps []step
	// parseLen, when not 0, feeds only that many bytes (lws's test 8);
	// mustFail marks the malformed document (lws's test 10).
	parseLen int
	mustFail bool
}

// lws's path patterns: tok for most tests, tokTest11 for the arrays of
// arrays, saifilePaths for test 16.
var (
	tok          = []string{"something"}
	tokTest11    = []string{"*[][]", "*[]"}
	saifilePaths = []string{
		"schema",
		"platforms.*.build[]",
		"platforms.*.build",
		"platforms.*.default",
		"platforms.*",
		"configurations.*.prep",
		"configurations.*.cmake",
		"configurations.*.deps",
		"configurations.*.platforms",
		"configurations.*.artifacts",
		"configurations.*.cpack",
		"configurations.*",
	}
)

// docs are lws's 16 documents and their expected callbacks, copied from
// its api-test-lejp.
var docs = []docTest{
	{ // test 1
		doc: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":1800,\"targets\":[{\"name\":\"target1\",\"someflag\":true},{\"name\":\"target2\"" +
			",\"someflag\":false}]}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", ""},
			{lejp.Start, 0, nil, "", ""},
			{lejp.ObjectStart, 0, nil, "", ""},
			{lejp.PairName, 0, nil, "schema", ""},
			{lejp.ValStrStart, 0, nil, "schema", ""},
			{lejp.ValStrEnd, 0, nil, "schema", "com-warmcat-sai-builder"},
			{lejp.PairName, 0, nil, "hostname", "com-warmcat-sai-builder"},
			{lejp.ValStrStart, 0, nil, "hostname", ""},
			{lejp.ValStrEnd, 0, nil, "hostname", "learn"},
			{lejp.PairName, 0, nil, "nspawn_timeout", "learn"},
			{lejp.ValNumInt, 0, nil, "nspawn_timeout", "1800"},
			{lejp.PairName, 0, nil, "targets", "1800"},
			{lejp.ArrayStart, 0, nil, "targets[]", "1800"},
			{lejp.ObjectStart, 0, []uint16{0}, "targets[]", "1800"},
			{lejp.PairName, 0, []uint16{0}, "targets[].name", "1800"},
			{lejp.ValStrStart, 0, []uint16{0}, "targets[].name", ""},
			{lejp.ValStrEnd, 0, []uint16{0}, "targets[].name", "target1"},
			{lejp.PairName, 0, []uint16{0}, "targets[].someflag", "target1"},
			{lejp.ValTrue, 0, []uint16{0}, "targets[].someflag", "1"},
			{lejp.ObjectEnd, 0, []uint16{0}, "targets[]", "1"},
			{lejp.ObjectStart, 0, []uint16{1}, "targets[]", "1"},
			{lejp.PairName, 0, []uint16{1}, "targets[].name", "1"},
			{lejp.ValStrStart, 0, []uint16{1}, "targets[].name", ""},
			{lejp.ValStrEnd, 0, []uint16{1}, "targets[].name", "target2"},
			{lejp.PairName, 0, []uint16{1}, "targets[].someflag", "target2"},
			{lejp.ValFalse, 0, []uint16{1}, "targets[].someflag", "0"},
			{lejp.ObjectEnd, 0, []uint16{1}, "targets[]", "0"},
			{lejp.ArrayEnd, 0, []uint16{1}, "targets[]", "0"},
			{lejp.ObjectEnd, 0, []uint16{1}, "targets[]", "0"},
			{lejp.Complete, 0, []uint16{1}, "targets[]", "0"},
		},
	},
	{ // test 2
		doc: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"targets\":[{\"na" +
			"me\":\"target1\"},{\"name\":\"target2\"},{\"name\":\"target3\"}]}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "0"},
			{lejp.Start, 0, nil, "", "0"},
			{lejp.ObjectStart, 0, nil, "", "0"},
			{lejp.PairName, 0, nil, "schema", "0"},
			{lejp.ValStrStart, 0, nil, "schema", ""},
			{lejp.ValStrEnd, 0, nil, "schema", "com-warmcat-sai-builder"},
			{lejp.PairName, 0, nil, "hostname", "com-warmcat-sai-builder"},
			{lejp.ValStrStart, 0, nil, "hostname", ""},
			{lejp.ValStrEnd, 0, nil, "hostname", "learn"},
			{lejp.PairName, 0, nil, "targets", "learn"},
			{lejp.ArrayStart, 0, nil, "targets[]", "learn"},
			{lejp.ObjectStart, 0, []uint16{0}, "targets[]", "learn"},
			{lejp.PairName, 0, []uint16{0}, "targets[].name", "learn"},
			{lejp.ValStrStart, 0, []uint16{0}, "targets[].name", ""},
			{lejp.ValStrEnd, 0, []uint16{0}, "targets[].name", "target1"},
			{lejp.ObjectEnd, 0, []uint16{0}, "targets[]", "target1"},
			{lejp.ObjectStart, 0, []uint16{1}, "targets[]", "target1"},
			{lejp.PairName, 0, []uint16{1}, "targets[].name", "target1"},
			{lejp.ValStrStart, 0, []uint16{1}, "targets[].name", ""},
			{lejp.ValStrEnd, 0, []uint16{1}, "targets[].name", "target2"},
			{lejp.ObjectEnd, 0, []uint16{1}, "targets[]", "target2"},
			{lejp.ObjectStart, 0, []uint16{2}, "targets[]", "target2"},
			{lejp.PairName, 0, []uint16{2}, "targets[].name", "target2"},
			{lejp.ValStrStart, 0, []uint16{2}, "targets[].name", ""},
			{lejp.ValStrEnd, 0, []uint16{2}, "targets[].name", "target3"},
			{lejp.ObjectEnd, 0, []uint16{2}, "targets[]", "target3"},
			{lejp.ArrayEnd, 0, []uint16{2}, "targets[]", "target3"},
			{lejp.ObjectEnd, 0, []uint16{2}, "targets[]", "target3"},
			{lejp.Complete, 0, []uint16{2}, "targets[]", "target3"},
		},
	},
	{ // test 3
		doc: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":1800,\"targets\":[{\"name\":\"target1\",\"unrecognized\":\"xyz\",\"child\": {\"so" +
			"mename\": \"abc\",\"junk\": { \"x\": \"y\" }}},{\"name\":\"target2\"}]}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "target3"},
			{lejp.Start, 0, nil, "", "target3"},
			{lejp.ObjectStart, 0, nil, "", "target3"},
			{lejp.PairName, 0, nil, "schema", "target3"},
			{lejp.ValStrStart, 0, nil, "schema", ""},
			{lejp.ValStrEnd, 0, nil, "schema", "com-warmcat-sai-builder"},
			{lejp.PairName, 0, nil, "hostname", "com-warmcat-sai-builder"},
			{lejp.ValStrStart, 0, nil, "hostname", ""},
			{lejp.ValStrEnd, 0, nil, "hostname", "learn"},
			{lejp.PairName, 0, nil, "nspawn_timeout", "learn"},
			{lejp.ValNumInt, 0, nil, "nspawn_timeout", "1800"},
			{lejp.PairName, 0, nil, "targets", "1800"},
			{lejp.ArrayStart, 0, nil, "targets[]", "1800"},
			{lejp.ObjectStart, 0, []uint16{0}, "targets[]", "1800"},
			{lejp.PairName, 0, []uint16{0}, "targets[].name", "1800"},
			{lejp.ValStrStart, 0, []uint16{0}, "targets[].name", ""},
			{lejp.ValStrEnd, 0, []uint16{0}, "targets[].name", "target1"},
			{lejp.PairName, 0, []uint16{0}, "targets[].unrecognized", "target1"},
			{lejp.ValStrStart, 0, []uint16{0}, "targets[].unrecognized", ""},
			{lejp.ValStrEnd, 0, []uint16{0}, "targets[].unrecognized", "xyz"},
			{lejp.PairName, 0, []uint16{0}, "targets[].child", "xyz"},
			{lejp.ObjectStart, 0, []uint16{0}, "targets[].child", "xyz"},
			{lejp.PairName, 0, []uint16{0}, "targets[].child.somename", "xyz"},
			{lejp.ValStrStart, 0, []uint16{0}, "targets[].child.somename", ""},
			{lejp.ValStrEnd, 0, []uint16{0}, "targets[].child.somename", "abc"},
			{lejp.PairName, 0, []uint16{0}, "targets[].child.junk", "abc"},
			{lejp.ObjectStart, 0, []uint16{0}, "targets[].child.junk", "abc"},
			{lejp.PairName, 0, []uint16{0}, "targets[].child.junk.x", "abc"},
			{lejp.ValStrStart, 0, []uint16{0}, "targets[].child.junk.x", ""},
			{lejp.ValStrEnd, 0, []uint16{0}, "targets[].child.junk.x", "y"},
			{lejp.ObjectEnd, 0, []uint16{0}, "targets[].child.junk", "y"},
			{lejp.ObjectEnd, 0, []uint16{0}, "targets[].child", "y"},
			{lejp.ObjectEnd, 0, []uint16{0}, "targets[]", "y"},
			{lejp.ObjectStart, 0, []uint16{1}, "targets[]", "y"},
			{lejp.PairName, 0, []uint16{1}, "targets[].name", "y"},
			{lejp.ValStrStart, 0, []uint16{1}, "targets[].name", ""},
			{lejp.ValStrEnd, 0, []uint16{1}, "targets[].name", "target2"},
			{lejp.ObjectEnd, 0, []uint16{1}, "targets[]", "target2"},
			{lejp.ArrayEnd, 0, []uint16{1}, "targets[]", "target2"},
			{lejp.ObjectEnd, 0, []uint16{1}, "targets[]", "target2"},
			{lejp.Complete, 0, []uint16{1}, "targets[]", "target2"},
		},
	},
	{ // test 4
		doc: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":1800}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "target2"},
			{lejp.Start, 0, nil, "", "target2"},
			{lejp.ObjectStart, 0, nil, "", "target2"},
			{lejp.PairName, 0, nil, "schema", "target2"},
			{lejp.ValStrStart, 0, nil, "schema", ""},
			{lejp.ValStrEnd, 0, nil, "schema", "com-warmcat-sai-builder"},
			{lejp.PairName, 0, nil, "hostname", "com-warmcat-sai-builder"},
			{lejp.ValStrStart, 0, nil, "hostname", ""},
			{lejp.ValStrEnd, 0, nil, "hostname", "learn"},
			{lejp.PairName, 0, nil, "nspawn_timeout", "learn"},
			{lejp.ValNumInt, 0, nil, "nspawn_timeout", "1800"},
			{lejp.ObjectEnd, 0, nil, "nspawn_timeout", "1800"},
			{lejp.Complete, 0, nil, "nspawn_timeout", "1800"},
		},
	},
	{ // test 5
		doc:   "{\"schema\":\"com-warmcat-sai-builder\"}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "1800"},
			{lejp.Start, 0, nil, "", "1800"},
			{lejp.ObjectStart, 0, nil, "", "1800"},
			{lejp.PairName, 0, nil, "schema", "1800"},
			{lejp.ValStrStart, 0, nil, "schema", ""},
			{lejp.ValStrEnd, 0, nil, "schema", "com-warmcat-sai-builder"},
			{lejp.ObjectEnd, 0, nil, "schema", "com-warmcat-sai-builder"},
			{lejp.Complete, 0, nil, "schema", "com-warmcat-sai-builder"},
		},
	},
	{ // test 6
		doc: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"PYvtan6kqppjnS0KpYTCai" +
			"OLsJkc7XecAr1kcE0aCIciewYB+JcLG82mO1Vb1mJtjDwUjBxy2I6AzefzoWUWmqZbsv4M" +
			"XR55j9bKlyz1liiSX63iO0x6JAwACMtE2MkgcLwR86TSWAD9D1QKIWqg5RJ/CRuVsW0DKA" +
			"UMD52ql4JmPFuJpJgTq28z6PhYNzN3yI3bmQt6bzhA+A/xAsFzSBnb3MHYWzGMprr53FAP" +
			"1ISo5Ec9i+2ehV40sG6Q470sH3PGQZ0YRPO7Sh/SyrSQ/scONmxRc3AcXl7X/CSs417ii+" +
			"CV8sq3ZgcxKNB7tNfN7idNx3upZ00G2BZy9jSy03cLKKLNaNUt0TQsxXbH55uDHzSEeZWv" +
			"xJgT6zB1NoMhdC02w+oXim94M6z6COCnqT3rgkGk8PHMry9Bkh4yVpRmzIRfMmln/lEhdZ" +
			"gxky2+g5hhlSIGJYDCrdynD9kCfvfy6KGOpNIi1X+mhbbWn4lnL9ZKihL/RrfOV+oV4R26" +
			"IDq+KqUiJBENeo8/GXkGLUH/87iPyzXKEMavr6fkrK0vTGto8yEYxmOyaVz8phG5rwf4jJ" +
			"gmYNoMbGo8gWvhqO7UAGy2g7MWv+B/t1eZZ+1euLsNrWAsFJiFbQKgdFfQT3RjB14iU8kn" +
			"lQ8usoy+pXssY2ddGJGVcGC21oZvstK9eu1eRZftda/wP+N5unT1Hw7kCoVzqxHieiYt47" +
			"EGIOaaQ7XjZDK6qPN6O/grHnvJZm2vBkxuXgsYVkRQ7AuTWIecphqFsq7Wbc1YNbMW47SV" +
			"U5zMD0WaCqbaaI0t4uIzRvPlD8cpiiTzFTrEHlIBTf8/uZjjEGGLhJR1jPqA9D1Ej3ChV+" +
			"ye6F9JTUMlozRMsGuF8U4btDzH5xdnmvRS4Ar6LKEtAXGkj2yuyJln+v4RIWj2xOGPJovO" +
			"qiXwi0FyM61f8U8gj0OiNA2/QlvrqQVDF7sMXgjvaE7iQt5vMETteZlx+z3f+jTFM/aon5" +
			"11W4+ZkRD+6AHwucvM9BEC\"}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "com-warmcat-sai-builder"},
			{lejp.Start, 0, nil, "", "com-warmcat-sai-builder"},
			{lejp.ObjectStart, 0, nil, "", "com-warmcat-sai-builder"},
			{lejp.PairName, 0, nil, "schema", "com-warmcat-sai-builder"},
			{lejp.ValStrStart, 0, nil, "schema", ""},
			{lejp.ValStrEnd, 0, nil, "schema", "com-warmcat-sai-builder"},
			{lejp.PairName, 0, nil, "hostname", "com-warmcat-sai-builder"},
			{lejp.ValStrStart, 0, nil, "hostname", ""},
			{lejp.ValStrChunk, 0, nil, "hostname", "PYvtan6kqppjnS0KpYTCaiOLsJkc7XecAr1kcE0aCIciewYB+JcLG82mO1Vb1mJtjDwUjBxy2I6AzefzoWUWmqZbsv4MXR55j9bKlyz1liiSX63iO0x6JAwACMtE2MkgcLwR86TSWAD9D1QKIWqg5RJ/CRuVsW0DKAUMD52ql4JmPFuJpJgTq28z6PhYNzN3yI3bmQt6bzhA+A/xAsFzSBnb3MHYWzGMprr53FAP1ISo5Ec9i+2ehV40sG6Q47"},
			{lejp.ValStrChunk, 0, nil, "hostname", "0sH3PGQZ0YRPO7Sh/SyrSQ/scONmxRc3AcXl7X/CSs417ii+CV8sq3ZgcxKNB7tNfN7idNx3upZ00G2BZy9jSy03cLKKLNaNUt0TQsxXbH55uDHzSEeZWvxJgT6zB1NoMhdC02w+oXim94M6z6COCnqT3rgkGk8PHMry9Bkh4yVpRmzIRfMmln/lEhdZgxky2+g5hhlSIGJYDCrdynD9kCfvfy6KGOpNIi1X+mhbbWn4lnL9ZKihL/RrfOV+oV"},
			{lejp.ValStrChunk, 0, nil, "hostname", "4R26IDq+KqUiJBENeo8/GXkGLUH/87iPyzXKEMavr6fkrK0vTGto8yEYxmOyaVz8phG5rwf4jJgmYNoMbGo8gWvhqO7UAGy2g7MWv+B/t1eZZ+1euLsNrWAsFJiFbQKgdFfQT3RjB14iU8knlQ8usoy+pXssY2ddGJGVcGC21oZvstK9eu1eRZftda/wP+N5unT1Hw7kCoVzqxHieiYt47EGIOaaQ7XjZDK6qPN6O/grHnvJZm2vBkxuXgsYVk"},
			{lejp.ValStrChunk, 0, nil, "hostname", "RQ7AuTWIecphqFsq7Wbc1YNbMW47SVU5zMD0WaCqbaaI0t4uIzRvPlD8cpiiTzFTrEHlIBTf8/uZjjEGGLhJR1jPqA9D1Ej3ChV+ye6F9JTUMlozRMsGuF8U4btDzH5xdnmvRS4Ar6LKEtAXGkj2yuyJln+v4RIWj2xOGPJovOqiXwi0FyM61f8U8gj0OiNA2/QlvrqQVDF7sMXgjvaE7iQt5vMETteZlx+z3f+jTFM/aon511W4+ZkRD+6AHw"},
			{lejp.ValStrEnd, 0, nil, "hostname", "ucvM9BEC"},
			{lejp.ObjectEnd, 0, nil, "hostname", "ucvM9BEC"},
			{lejp.Complete, 0, nil, "hostname", "ucvM9BEC"},
		},
	},
	{ // test 7
		doc: "{\"schema\":\"com-warmcat-sai-builder\",\"targets\":[{\"name\":\"PYvtan6kqppjnS" +
			"0KpYTCaiOLsJkc7XecAr1kcE0aCIciewYB+JcLG82mO1Vb1mJtjDwUjBxy2I6AzefzoWUW" +
			"mqZbsv4MXR55j9bKlyz1liiSX63iO0x6JAwACMtE2MkgcLwR86TSWAD9D1QKIWqg5RJ/CR" +
			"uVsW0DKAUMD52ql4JmPFuJpJgTq28z6PhYNzN3yI3bmQt6bzhA+A/xAsFzSBnb3MHYWzGM" +
			"prr53FAP1ISo5Ec9i+2ehV40sG6Q470sH3PGQZ0YRPO7Sh/SyrSQ/scONmxRc3AcXl7X/C" +
			"Ss417ii+CV8sq3ZgcxKNB7tNfN7idNx3upZ00G2BZy9jSy03cLKKLNaNUt0TQsxXbH55uD" +
			"HzSEeZWvxJgT6zB1NoMhdC02w+oXim94M6z6COCnqT3rgkGk8PHMry9Bkh4yVpRmzIRfMm" +
			"ln/lEhdZgxky2+g5hhlSIGJYDCrdynD9kCfvfy6KGOpNIi1X+mhbbWn4lnL9ZKihL/RrfO" +
			"V+oV4R26IDq+KqUiJBENeo8/GXkGLUH/87iPyzXKEMavr6fkrK0vTGto8yEYxmOyaVz8ph" +
			"G5rwf4jJgmYNoMbGo8gWvhqO7UAGy2g7MWv+B/t1eZZ+1euLsNrWAsFJiFbQKgdFfQT3Rj" +
			"B14iU8knlQ8usoy+pXssY2ddGJGVcGC21oZvstK9eu1eRZftda/wP+N5unT1Hw7kCoVzqx" +
			"HieiYt47EGIOaaQ7XjZDK6qPN6O/grHnvJZm2vBkxuXgsYVkRQ7AuTWIecphqFsq7Wbc1Y" +
			"NbMW47SVU5zMD0WaCqbaaI0t4uIzRvPlD8cpiiTzFTrEHlIBTf8/uZjjEGGLhJR1jPqA9D" +
			"1Ej3ChV+ye6F9JTUMlozRMsGuF8U4btDzH5xdnmvRS4Ar6LKEtAXGkj2yuyJln+v4RIWj2" +
			"xOGPJovOqiXwi0FyM61f8U8gj0OiNA2/QlvrqQVDF7sMXgjvaE7iQt5vMETteZlx+z3f+j" +
			"TFM/aon511W4+ZkRD+6AHwucvM9BEC\"}]}}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "ucvM9BEC"},
			{lejp.Start, 0, nil, "", "ucvM9BEC"},
			{lejp.ObjectStart, 0, nil, "", "ucvM9BEC"},
			{lejp.PairName, 0, nil, "schema", "ucvM9BEC"},
			{lejp.ValStrStart, 0, nil, "schema", ""},
			{lejp.ValStrEnd, 0, nil, "schema", "com-warmcat-sai-builder"},
			{lejp.PairName, 0, nil, "targets", "com-warmcat-sai-builder"},
			{lejp.ArrayStart, 0, nil, "targets[]", "com-warmcat-sai-builder"},
			{lejp.ObjectStart, 0, []uint16{0}, "targets[]", "com-warmcat-sai-builder"},
			{lejp.PairName, 0, []uint16{0}, "targets[].name", "com-warmcat-sai-builder"},
			{lejp.ValStrStart, 0, []uint16{0}, "targets[].name", ""},
			{lejp.ValStrChunk, 0, []uint16{0}, "targets[].name", "PYvtan6kqppjnS0KpYTCaiOLsJkc7XecAr1kcE0aCIciewYB+JcLG82mO1Vb1mJtjDwUjBxy2I6AzefzoWUWmqZbsv4MXR55j9bKlyz1liiSX63iO0x6JAwACMtE2MkgcLwR86TSWAD9D1QKIWqg5RJ/CRuVsW0DKAUMD52ql4JmPFuJpJgTq28z6PhYNzN3yI3bmQt6bzhA+A/xAsFzSBnb3MHYWzGMprr53FAP1ISo5Ec9i+2ehV40sG6Q47"},
			{lejp.ValStrChunk, 0, []uint16{0}, "targets[].name", "0sH3PGQZ0YRPO7Sh/SyrSQ/scONmxRc3AcXl7X/CSs417ii+CV8sq3ZgcxKNB7tNfN7idNx3upZ00G2BZy9jSy03cLKKLNaNUt0TQsxXbH55uDHzSEeZWvxJgT6zB1NoMhdC02w+oXim94M6z6COCnqT3rgkGk8PHMry9Bkh4yVpRmzIRfMmln/lEhdZgxky2+g5hhlSIGJYDCrdynD9kCfvfy6KGOpNIi1X+mhbbWn4lnL9ZKihL/RrfOV+oV"},
			{lejp.ValStrChunk, 0, []uint16{0}, "targets[].name", "4R26IDq+KqUiJBENeo8/GXkGLUH/87iPyzXKEMavr6fkrK0vTGto8yEYxmOyaVz8phG5rwf4jJgmYNoMbGo8gWvhqO7UAGy2g7MWv+B/t1eZZ+1euLsNrWAsFJiFbQKgdFfQT3RjB14iU8knlQ8usoy+pXssY2ddGJGVcGC21oZvstK9eu1eRZftda/wP+N5unT1Hw7kCoVzqxHieiYt47EGIOaaQ7XjZDK6qPN6O/grHnvJZm2vBkxuXgsYVk"},
			{lejp.ValStrChunk, 0, []uint16{0}, "targets[].name", "RQ7AuTWIecphqFsq7Wbc1YNbMW47SVU5zMD0WaCqbaaI0t4uIzRvPlD8cpiiTzFTrEHlIBTf8/uZjjEGGLhJR1jPqA9D1Ej3ChV+ye6F9JTUMlozRMsGuF8U4btDzH5xdnmvRS4Ar6LKEtAXGkj2yuyJln+v4RIWj2xOGPJovOqiXwi0FyM61f8U8gj0OiNA2/QlvrqQVDF7sMXgjvaE7iQt5vMETteZlx+z3f+jTFM/aon511W4+ZkRD+6AHw"},
			{lejp.ValStrEnd, 0, []uint16{0}, "targets[].name", "ucvM9BEC"},
			{lejp.ObjectEnd, 0, []uint16{0}, "targets[]", "ucvM9BEC"},
			{lejp.ArrayEnd, 0, []uint16{0}, "targets[]", "ucvM9BEC"},
			{lejp.ObjectEnd, 0, []uint16{0}, "targets[]", "ucvM9BEC"},
			{lejp.Complete, 0, []uint16{0}, "targets[]", "ucvM9BEC"},
		},
	},
	{ // test 8: only the first 200 bytes are fed
		parseLen: 0xc8,
		doc: "{\"schema\":\"com-warmcat-sai-logs\",\"task_uuid\":\"97fc90052506af8b3eb43b87" +
			"aaa6fb76feab32bc128ede479a8a6b961e801f06\",\"timestamp\": 170366786103,\"c" +
			"hannel\":3, \"len\":20, \"log\": \"PnNhaWI+IE5TU1RBVEVfSU5JVAo=\"}\nntu-xenial" +
			"-amd64\"},{\"name\":\"linux-ubuntu-bionic-amd64\"},{\"name\":\"linux-fedora-32" +
			"-x86_64\"}]}\",",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "ucvM9BEC"},
			{lejp.Start, 0, nil, "", "ucvM9BEC"},
			{lejp.ObjectStart, 0, nil, "", "ucvM9BEC"},
			{lejp.PairName, 0, nil, "schema", "ucvM9BEC"},
			{lejp.ValStrStart, 0, nil, "schema", ""},
			{lejp.ValStrEnd, 0, nil, "schema", "com-warmcat-sai-logs"},
			{lejp.PairName, 0, nil, "task_uuid", "com-warmcat-sai-logs"},
			{lejp.ValStrStart, 0, nil, "task_uuid", ""},
			{lejp.ValStrEnd, 0, nil, "task_uuid", "97fc90052506af8b3eb43b87aaa6fb76feab32bc128ede479a8a6b961e801f06"},
			{lejp.PairName, 0, nil, "timestamp", "97fc90052506af8b3eb43b87aaa6fb76feab32bc128ede479a8a6b961e801f06"},
			{lejp.ValNumInt, 0, nil, "timestamp", "170366786103"},
			{lejp.PairName, 0, nil, "channel", "170366786103"},
			{lejp.ValNumInt, 0, nil, "channel", "3"},
			{lejp.PairName, 0, nil, "len", "3"},
			{lejp.ValNumInt, 0, nil, "len", "20"},
			{lejp.PairName, 0, nil, "log", "20"},
			{lejp.ValStrStart, 0, nil, "log", ""},
			{lejp.ValStrEnd, 0, nil, "log", "PnNhaWI+IE5TU1RBVEVfSU5JVAo="},
			{lejp.ObjectEnd, 0, nil, "log", "PnNhaWI+IE5TU1RBVEVfSU5JVAo="},
			{lejp.Complete, 0, nil, "log", "PnNhaWI+IE5TU1RBVEVfSU5JVAo="},
		},
	},
	{ // test 9
		doc:   "{\"a\":123,\"b\":{}}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "PnNhaWI+IE5TU1RBVEVfSU5JVAo="},
			{lejp.Start, 0, nil, "", "PnNhaWI+IE5TU1RBVEVfSU5JVAo="},
			{lejp.ObjectStart, 0, nil, "", "PnNhaWI+IE5TU1RBVEVfSU5JVAo="},
			{lejp.PairName, 0, nil, "a", "PnNhaWI+IE5TU1RBVEVfSU5JVAo="},
			{lejp.ValNumInt, 0, nil, "a", "123"},
			{lejp.PairName, 0, nil, "b", "123"},
			{lejp.ObjectStart, 0, nil, "b", "123"},
			{lejp.ObjectEnd, 0, nil, "b", "123"},
			{lejp.ObjectEnd, 0, nil, "b", "123"},
			{lejp.Complete, 0, nil, "b", "123"},
		},
	},
	{ // test 10: malformed, must fail
		mustFail: true,
		doc:      "{\"a\":123,\"b\":}}",
		paths:    tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "123"},
			{lejp.Start, 0, nil, "", "123"},
			{lejp.ObjectStart, 0, nil, "", "123"},
			{lejp.PairName, 0, nil, "a", "123"},
			{lejp.ValNumInt, 0, nil, "a", "123"},
			{lejp.PairName, 0, nil, "b", "123"},
			{lejp.Failed, 0, nil, "b", "123"},
		},
	},
	{ // test 11
		doc: "{\"array1\": [[\"a\", \"b\", \"b1\"], [\"c\", \"d\", \"d1\"]],\"array2\": [[\"e\", \"f\", " +
			"\"f1\"], [\"g\", \"h\", \"h1\"]]}",
		flags: lejp.FlagLeadingWC,
		paths: tokTest11,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "123"},
			{lejp.Start, 0, nil, "", "123"},
			{lejp.ObjectStart, 0, nil, "", "123"},
			{lejp.PairName, 0, nil, "array1", "123"},
			{lejp.ArrayStart, 2, nil, "array1[]", "123"},
			{lejp.ArrayStart, 1, []uint16{0}, "array1[][]", "123"},
			{lejp.ValStrStart, 1, []uint16{0, 0}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{0, 0}, "array1[][]", "a"},
			{lejp.ValStrStart, 1, []uint16{0, 1}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{0, 1}, "array1[][]", "b"},
			{lejp.ValStrStart, 1, []uint16{0, 2}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{0, 2}, "array1[][]", "b1"},
			{lejp.ArrayEnd, 2, []uint16{0}, "array1[]", "b1"},
			{lejp.ArrayStart, 1, []uint16{1}, "array1[][]", "b1"},
			{lejp.ValStrStart, 1, []uint16{1, 0}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 0}, "array1[][]", "c"},
			{lejp.ValStrStart, 1, []uint16{1, 1}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 1}, "array1[][]", "d"},
			{lejp.ValStrStart, 1, []uint16{1, 2}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 2}, "array1[][]", "d1"},
			{lejp.ArrayEnd, 2, []uint16{1}, "array1[]", "d1"},
			{lejp.ArrayEnd, 2, []uint16{1}, "array1[]", "d1"},
			{lejp.PairName, 0, []uint16{1}, "array2", "d1"},
			{lejp.ArrayStart, 2, []uint16{1}, "array2[]", "d1"},
			{lejp.ArrayStart, 1, []uint16{1, 0}, "array2[][]", "d1"},
			{lejp.ValStrStart, 1, []uint16{1, 0, 0}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 0, 0}, "array2[][]", "e"},
			{lejp.ValStrStart, 1, []uint16{1, 0, 1}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 0, 1}, "array2[][]", "f"},
			{lejp.ValStrStart, 1, []uint16{1, 0, 2}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 0, 2}, "array2[][]", "f1"},
			{lejp.ArrayEnd, 2, []uint16{1, 0}, "array2[]", "f1"},
			{lejp.ArrayStart, 1, []uint16{1, 1}, "array2[][]", "f1"},
			{lejp.ValStrStart, 1, []uint16{1, 1, 0}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 1, 0}, "array2[][]", "g"},
			{lejp.ValStrStart, 1, []uint16{1, 1, 1}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 1, 1}, "array2[][]", "h"},
			{lejp.ValStrStart, 1, []uint16{1, 1, 2}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 1, 2}, "array2[][]", "h1"},
			{lejp.ArrayEnd, 2, []uint16{1, 1}, "array2[]", "h1"},
			{lejp.ArrayEnd, 2, []uint16{1, 1}, "array2[]", "h1"},
			{lejp.ObjectEnd, 0, []uint16{1, 1}, "array2[]", "h1"},
			{lejp.Complete, 0, []uint16{1, 1}, "array2[]", "h1"},
		},
	},
	{ // test 12
		doc: "{\"array1\": [[\"a\", \"b\", \"b1\"], [\"c\", \"d\", \"d1\"]],\"array2\": [[\"e\", \"f\", " +
			"\"f1\"], [\"g\", \"h\", \"h1\"]]}",
		flags: lejp.FlagLeadingWC | lejp.FlagObjectIndexes,
		paths: tokTest11,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "h1"},
			{lejp.Start, 0, nil, "", "h1"},
			{lejp.ObjectStart, 0, []uint16{0}, "", "h1"},
			{lejp.PairName, 0, []uint16{0}, "array1", "h1"},
			{lejp.ArrayStart, 2, []uint16{0}, "array1[]", "h1"},
			{lejp.ArrayStart, 1, []uint16{0, 0}, "array1[][]", "h1"},
			{lejp.ValStrStart, 1, []uint16{0, 0, 0}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{0, 0, 0}, "array1[][]", "a"},
			{lejp.ValStrStart, 1, []uint16{0, 0, 1}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{0, 0, 1}, "array1[][]", "b"},
			{lejp.ValStrStart, 1, []uint16{0, 0, 2}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{0, 0, 2}, "array1[][]", "b1"},
			{lejp.ArrayEnd, 2, []uint16{0, 0}, "array1[]", "b1"},
			{lejp.ArrayStart, 1, []uint16{0, 1}, "array1[][]", "b1"},
			{lejp.ValStrStart, 1, []uint16{0, 1, 0}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{0, 1, 0}, "array1[][]", "c"},
			{lejp.ValStrStart, 1, []uint16{0, 1, 1}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{0, 1, 1}, "array1[][]", "d"},
			{lejp.ValStrStart, 1, []uint16{0, 1, 2}, "array1[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{0, 1, 2}, "array1[][]", "d1"},
			{lejp.ArrayEnd, 2, []uint16{0, 1}, "array1[]", "d1"},
			{lejp.ArrayEnd, 2, []uint16{0}, "array1[]", "d1"},
			{lejp.PairName, 0, []uint16{1}, "array2", "d1"},
			{lejp.ArrayStart, 2, []uint16{1}, "array2[]", "d1"},
			{lejp.ArrayStart, 1, []uint16{1, 0}, "array2[][]", "d1"},
			{lejp.ValStrStart, 1, []uint16{1, 0, 0}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 0, 0}, "array2[][]", "e"},
			{lejp.ValStrStart, 1, []uint16{1, 0, 1}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 0, 1}, "array2[][]", "f"},
			{lejp.ValStrStart, 1, []uint16{1, 0, 2}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 0, 2}, "array2[][]", "f1"},
			{lejp.ArrayEnd, 2, []uint16{1, 0}, "array2[]", "f1"},
			{lejp.ArrayStart, 1, []uint16{1, 1}, "array2[][]", "f1"},
			{lejp.ValStrStart, 1, []uint16{1, 1, 0}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 1, 0}, "array2[][]", "g"},
			{lejp.ValStrStart, 1, []uint16{1, 1, 1}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 1, 1}, "array2[][]", "h"},
			{lejp.ValStrStart, 1, []uint16{1, 1, 2}, "array2[][]", ""},
			{lejp.ValStrEnd, 1, []uint16{1, 1, 2}, "array2[][]", "h1"},
			{lejp.ArrayEnd, 2, []uint16{1, 1}, "array2[]", "h1"},
			{lejp.ArrayEnd, 2, []uint16{1}, "array2[]", "h1"},
			{lejp.ObjectEnd, 0, []uint16{1}, "array2[]", "h1"},
			{lejp.Complete, 0, []uint16{1}, "array2[]", "h1"},
		},
	},
	{ // test 13
		doc:   "{\"a\": 1, \"b\": 1.0, \"c\": 1e-3, \"d\": 1e3}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "h1"},
			{lejp.Start, 0, nil, "", "h1"},
			{lejp.ObjectStart, 0, nil, "", "h1"},
			{lejp.PairName, 0, nil, "a", "h1"},
			{lejp.ValNumInt, 0, nil, "a", "1"},
			{lejp.PairName, 0, nil, "b", "1"},
			{lejp.ValNumFloat, 0, nil, "b", "1.0"},
			{lejp.PairName, 0, nil, "c", "1.0"},
			{lejp.ValNumFloat, 0, nil, "c", "1e-3"},
			{lejp.PairName, 0, nil, "d", "1e-3"},
			{lejp.ValNumFloat, 0, nil, "d", "1e3"},
			{lejp.ObjectEnd, 0, nil, "d", "1e3"},
			{lejp.Complete, 0, nil, "d", "1e3"},
		},
	},
	{ // test 14
		doc:   "{}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "1e3"},
			{lejp.Start, 0, nil, "", "1e3"},
			{lejp.ObjectStart, 0, nil, "", "1e3"},
			{lejp.ObjectEnd, 0, nil, "", "1e3"},
			{lejp.Complete, 0, nil, "", "1e3"},
		},
	},
	{ // test 15
		doc: "{\"schema\": \"sai-1\",\"platforms\": {\"rocky9/aarch64-a72a55-rk3588/gcc\": {" +
			"\"build\": [\"mkdir build destdir;cd build; CCACHE_DISABLE=1 cmake .. ${c" +
			"make}\",\"make -j\",\"SAI_CPACK=\\\"-G RPM\\\" ${cpack}\"]},\"netbsd-OSX-bigsur/" +
			"x86_64-intel-i3/llvm\": {\"build\": [\"mkdir build destdir; cd build; MACO" +
			"SX_DEPLOYMENT_TARGET=10.14 ; cmake .. -DCMAKE_MAKE_PROGRAM=/usr/bin/ma" +
			"ke -DLWS_OPENSSL_INCLUDE_DIRS=/usr/local/opt/openssl@1.1/include -DLWS" +
			"_OPENSSL_LIBRARIES=\\\"/usr/local/opt/openssl/lib/libssl.dylib;/usr/loca" +
			"l/opt/openssl/lib/libcrypto.dylib\\\" ${cmake} \",\"make -j && make -j DES" +
			"TDIR=../destdir install\",\"ctest -j4 --output-on-failure\",\"SAI_CPACK=\\\"" +
			"-G ZIP\\\" ${cpack}\"],\"default\": false}},\"configurations\": {\"server+buil" +
			"der\": {\"cmake\":\t\"\",\"cpack\":        \"cpack -C DEBUG $SAI_CPACK\",\"artifa" +
			"cts\":\t\"build/sai-*.rpm\"},\"builder-only\": {\"cmake\":\t\"-DSAI_SERVER=0 \",\"" +
			"cpack\":        \"cpack -C DEBUG $SAI_CPACK\",\"artifacts\":\t\"build/sai-*.r" +
			"pm\"}}}",
		paths: tok,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "1e3"},
			{lejp.Start, 0, nil, "", "1e3"},
			{lejp.ObjectStart, 0, nil, "", "1e3"},
			{lejp.PairName, 0, nil, "schema", "1e3"},
			{lejp.ValStrStart, 0, nil, "schema", ""},
			{lejp.ValStrEnd, 0, nil, "schema", "sai-1"},
			{lejp.PairName, 0, nil, "platforms", "sai-1"},
			{lejp.ObjectStart, 0, nil, "platforms", "sai-1"},
			{lejp.PairName, 0, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc", "sai-1"},
			{lejp.ObjectStart, 0, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc", "sai-1"},
			{lejp.PairName, 0, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build", "sai-1"},
			{lejp.ArrayStart, 0, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", "sai-1"},
			{lejp.ValStrStart, 0, []uint16{0}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", ""},
			{lejp.ValStrEnd, 0, []uint16{0}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", "mkdir build destdir;cd build; CCACHE_DISABLE=1 cmake .. ${cmake}"},
			{lejp.ValStrStart, 0, []uint16{1}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", ""},
			{lejp.ValStrEnd, 0, []uint16{1}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", "make -j"},
			{lejp.ValStrStart, 0, []uint16{2}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", ""},
			{lejp.ValStrEnd, 0, []uint16{2}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ArrayEnd, 0, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ObjectEnd, 0, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.PairName, 0, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ObjectStart, 0, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.PairName, 0, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ArrayStart, 0, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ValStrStart, 0, []uint16{0}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", ""},
			{lejp.ValStrChunk, 0, []uint16{0}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "mkdir build destdir; cd build; MACOSX_DEPLOYMENT_TARGET=10.14 ; cmake .. -DCMAKE_MAKE_PROGRAM=/usr/bin/make -DLWS_OPENSSL_INCLUDE_DIRS=/usr/local/opt/openssl@1.1/include -DLWS_OPENSSL_LIBRARIES=\"/usr/local/opt/openssl/lib/libssl.dylib;/usr/local/opt/open"},
			{lejp.ValStrEnd, 0, []uint16{0}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "ssl/lib/libcrypto.dylib\" ${cmake} "},
			{lejp.ValStrStart, 0, []uint16{1}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", ""},
			{lejp.ValStrEnd, 0, []uint16{1}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "make -j && make -j DESTDIR=../destdir install"},
			{lejp.ValStrStart, 0, []uint16{2}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", ""},
			{lejp.ValStrEnd, 0, []uint16{2}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "ctest -j4 --output-on-failure"},
			{lejp.ValStrStart, 0, []uint16{3}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", ""},
			{lejp.ValStrEnd, 0, []uint16{3}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "SAI_CPACK=\"-G ZIP\" ${cpack}"},
			{lejp.ArrayEnd, 0, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "SAI_CPACK=\"-G ZIP\" ${cpack}"},
			{lejp.PairName, 0, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.default", "SAI_CPACK=\"-G ZIP\" ${cpack}"},
			{lejp.ValFalse, 0, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.default", "0"},
			{lejp.ObjectEnd, 0, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "0"},
			{lejp.ObjectEnd, 0, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "0"},
			{lejp.PairName, 0, nil, "configurations", "0"},
			{lejp.ObjectStart, 0, nil, "configurations", "0"},
			{lejp.PairName, 0, nil, "configurations.server+builder", "0"},
			{lejp.ObjectStart, 0, nil, "configurations.server+builder", "0"},
			{lejp.PairName, 0, nil, "configurations.server+builder.cmake", "0"},
			{lejp.ValStrStart, 0, nil, "configurations.server+builder.cmake", ""},
			{lejp.ValStrEnd, 0, nil, "configurations.server+builder.cmake", ""},
			{lejp.PairName, 0, nil, "configurations.server+builder.cpack", ""},
			{lejp.ValStrStart, 0, nil, "configurations.server+builder.cpack", ""},
			{lejp.ValStrEnd, 0, nil, "configurations.server+builder.cpack", "cpack -C DEBUG $SAI_CPACK"},
			{lejp.PairName, 0, nil, "configurations.server+builder.artifacts", "cpack -C DEBUG $SAI_CPACK"},
			{lejp.ValStrStart, 0, nil, "configurations.server+builder.artifacts", ""},
			{lejp.ValStrEnd, 0, nil, "configurations.server+builder.artifacts", "build/sai-*.rpm"},
			{lejp.ObjectEnd, 0, nil, "configurations.server+builder", "build/sai-*.rpm"},
			{lejp.PairName, 0, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.ObjectStart, 0, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.PairName, 0, nil, "configurations.builder-only.cmake", "build/sai-*.rpm"},
			{lejp.ValStrStart, 0, nil, "configurations.builder-only.cmake", ""},
			{lejp.ValStrEnd, 0, nil, "configurations.builder-only.cmake", "-DSAI_SERVER=0 "},
			{lejp.PairName, 0, nil, "configurations.builder-only.cpack", "-DSAI_SERVER=0 "},
			{lejp.ValStrStart, 0, nil, "configurations.builder-only.cpack", ""},
			{lejp.ValStrEnd, 0, nil, "configurations.builder-only.cpack", "cpack -C DEBUG $SAI_CPACK"},
			{lejp.PairName, 0, nil, "configurations.builder-only.artifacts", "cpack -C DEBUG $SAI_CPACK"},
			{lejp.ValStrStart, 0, nil, "configurations.builder-only.artifacts", ""},
			{lejp.ValStrEnd, 0, nil, "configurations.builder-only.artifacts", "build/sai-*.rpm"},
			{lejp.ObjectEnd, 0, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.ObjectEnd, 0, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.ObjectEnd, 0, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.Complete, 0, nil, "configurations.builder-only", "build/sai-*.rpm"},
		},
	},
	{ // test 16
		doc: "{\"schema\": \"sai-1\",\"platforms\": {\"rocky9/aarch64-a72a55-rk3588/gcc\": {" +
			"\"build\": [\"mkdir build destdir;cd build; CCACHE_DISABLE=1 cmake .. ${c" +
			"make}\",\"make -j\",\"SAI_CPACK=\\\"-G RPM\\\" ${cpack}\"]},\"netbsd-OSX-bigsur/" +
			"x86_64-intel-i3/llvm\": {\"build\": [\"mkdir build destdir; cd build; MACO" +
			"SX_DEPLOYMENT_TARGET=10.14 ; cmake .. -DCMAKE_MAKE_PROGRAM=/usr/bin/ma" +
			"ke -DLWS_OPENSSL_INCLUDE_DIRS=/usr/local/opt/openssl@1.1/include -DLWS" +
			"_OPENSSL_LIBRARIES=\\\"/usr/local/opt/openssl/lib/libssl.dylib;/usr/loca" +
			"l/opt/openssl/lib/libcrypto.dylib\\\" ${cmake} \",\"make -j && make -j DES" +
			"TDIR=../destdir install\",\"ctest -j4 --output-on-failure\",\"SAI_CPACK=\\\"" +
			"-G ZIP\\\" ${cpack}\"],\"default\": false}},\"configurations\": {\"server+buil" +
			"der\": {\"cmake\":\t\"\",\"cpack\":        \"cpack -C DEBUG $SAI_CPACK\",\"artifa" +
			"cts\":\t\"build/sai-*.rpm\"},\"builder-only\": {\"cmake\":\t\"-DSAI_SERVER=0 \",\"" +
			"cpack\":        \"cpack -C DEBUG $SAI_CPACK\",\"artifacts\":\t\"build/sai-*.r" +
			"pm\"}}}",
		paths: saifilePaths,
		steps: []step{
			{lejp.Constructed, 0, nil, "", "build/sai-*.rpm"},
			{lejp.Start, 0, nil, "", "build/sai-*.rpm"},
			{lejp.ObjectStart, 0, nil, "", "build/sai-*.rpm"},
			{lejp.PairName, 1, nil, "schema", "build/sai-*.rpm"},
			{lejp.ValStrStart, 1, nil, "schema", ""},
			{lejp.ValStrEnd, 1, nil, "schema", "sai-1"},
			{lejp.PairName, 0, nil, "platforms", "sai-1"},
			{lejp.ObjectStart, 0, nil, "platforms", "sai-1"},
			{lejp.PairName, 5, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc", "sai-1"},
			{lejp.ObjectStart, 5, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc", "sai-1"},
			{lejp.PairName, 3, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build", "sai-1"},
			{lejp.ArrayStart, 3, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", "sai-1"},
			{lejp.ValStrStart, 3, []uint16{0}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", ""},
			{lejp.ValStrEnd, 3, []uint16{0}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", "mkdir build destdir;cd build; CCACHE_DISABLE=1 cmake .. ${cmake}"},
			{lejp.ValStrStart, 2, []uint16{1}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", ""},
			{lejp.ValStrEnd, 2, []uint16{1}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", "make -j"},
			{lejp.ValStrStart, 2, []uint16{2}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", ""},
			{lejp.ValStrEnd, 2, []uint16{2}, "platforms.rocky9/aarch64-a72a55-rk3588/gcc.build[]", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ArrayEnd, 5, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ObjectEnd, 5, nil, "platforms.rocky9/aarch64-a72a55-rk3588/gcc", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.PairName, 5, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ObjectStart, 5, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.PairName, 3, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ArrayStart, 3, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "SAI_CPACK=\"-G RPM\" ${cpack}"},
			{lejp.ValStrStart, 3, []uint16{0}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", ""},
			{lejp.ValStrChunk, 3, []uint16{0}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "mkdir build destdir; cd build; MACOSX_DEPLOYMENT_TARGET=10.14 ; cmake .. -DCMAKE_MAKE_PROGRAM=/usr/bin/make -DLWS_OPENSSL_INCLUDE_DIRS=/usr/local/opt/openssl@1.1/include -DLWS_OPENSSL_LIBRARIES=\"/usr/local/opt/openssl/lib/libssl.dylib;/usr/local/opt/open"},
			{lejp.ValStrEnd, 3, []uint16{0}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "ssl/lib/libcrypto.dylib\" ${cmake} "},
			{lejp.ValStrStart, 2, []uint16{1}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", ""},
			{lejp.ValStrEnd, 2, []uint16{1}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "make -j && make -j DESTDIR=../destdir install"},
			{lejp.ValStrStart, 2, []uint16{2}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", ""},
			{lejp.ValStrEnd, 2, []uint16{2}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "ctest -j4 --output-on-failure"},
			{lejp.ValStrStart, 2, []uint16{3}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", ""},
			{lejp.ValStrEnd, 2, []uint16{3}, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.build[]", "SAI_CPACK=\"-G ZIP\" ${cpack}"},
			{lejp.ArrayEnd, 5, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "SAI_CPACK=\"-G ZIP\" ${cpack}"},
			{lejp.PairName, 4, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.default", "SAI_CPACK=\"-G ZIP\" ${cpack}"},
			{lejp.ValFalse, 4, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm.default", "0"},
			{lejp.ObjectEnd, 5, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "0"},
			{lejp.ObjectEnd, 5, nil, "platforms.netbsd-OSX-bigsur/x86_64-intel-i3/llvm", "0"},
			{lejp.PairName, 0, nil, "configurations", "0"},
			{lejp.ObjectStart, 0, nil, "configurations", "0"},
			{lejp.PairName, 12, nil, "configurations.server+builder", "0"},
			{lejp.ObjectStart, 12, nil, "configurations.server+builder", "0"},
			{lejp.PairName, 7, nil, "configurations.server+builder.cmake", "0"},
			{lejp.ValStrStart, 7, nil, "configurations.server+builder.cmake", ""},
			{lejp.ValStrEnd, 7, nil, "configurations.server+builder.cmake", ""},
			{lejp.PairName, 11, nil, "configurations.server+builder.cpack", ""},
			{lejp.ValStrStart, 11, nil, "configurations.server+builder.cpack", ""},
			{lejp.ValStrEnd, 11, nil, "configurations.server+builder.cpack", "cpack -C DEBUG $SAI_CPACK"},
			{lejp.PairName, 10, nil, "configurations.server+builder.artifacts", "cpack -C DEBUG $SAI_CPACK"},
			{lejp.ValStrStart, 10, nil, "configurations.server+builder.artifacts", ""},
			{lejp.ValStrEnd, 10, nil, "configurations.server+builder.artifacts", "build/sai-*.rpm"},
			{lejp.ObjectEnd, 12, nil, "configurations.server+builder", "build/sai-*.rpm"},
			{lejp.PairName, 12, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.ObjectStart, 12, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.PairName, 7, nil, "configurations.builder-only.cmake", "build/sai-*.rpm"},
			{lejp.ValStrStart, 7, nil, "configurations.builder-only.cmake", ""},
			{lejp.ValStrEnd, 7, nil, "configurations.builder-only.cmake", "-DSAI_SERVER=0 "},
			{lejp.PairName, 11, nil, "configurations.builder-only.cpack", "-DSAI_SERVER=0 "},
			{lejp.ValStrStart, 11, nil, "configurations.builder-only.cpack", ""},
			{lejp.ValStrEnd, 11, nil, "configurations.builder-only.cpack", "cpack -C DEBUG $SAI_CPACK"},
			{lejp.PairName, 10, nil, "configurations.builder-only.artifacts", "cpack -C DEBUG $SAI_CPACK"},
			{lejp.ValStrStart, 10, nil, "configurations.builder-only.artifacts", ""},
			{lejp.ValStrEnd, 10, nil, "configurations.builder-only.artifacts", "build/sai-*.rpm"},
			{lejp.ObjectEnd, 12, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.ObjectEnd, 12, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.ObjectEnd, 0, nil, "configurations.builder-only", "build/sai-*.rpm"},
			{lejp.Complete, 0, nil, "configurations.builder-only", "build/sai-*.rpm"},
		},
	},
}

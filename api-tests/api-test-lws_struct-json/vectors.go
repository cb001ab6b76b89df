package main

// roundTrip is one of lws's documents and the JSON it must serialise
// back to: members lws does not map are dropped, missing numbers come
// back as 0, a string too long for its char array is cut.
type roundTrip struct {
	in, want string
}

// jigConf is lws's jig_conf.
const jigConf = "{\"schema\":\t\"sai-jig\",\"port\":\t\t44000,\"targets\":\t[{\"name\": \"linkit-7697-" +
	"1\",\"gpios\": [{\"chip_index\":\t0,\"name\":\t\t\"nReset\",\"offset\":\t17,\"wire\":\t\t" +
	"\"RST\",\"safe\":\t\t0}, {\"name\":\t\t\"usr\",\"chip_index\":\t0,\"offset\":\t22,\"wire\"" +
	":\t\t\"P6\",\"safe\":\t\t0}], \"sequences\": [{\"name\":\t\t\"reset\",\"seq\": [{ \"gpio_" +
	"name\": \"nReset\", \t\"value\": 0 },{ \"gpio_name\": \"usr\",\t\t\"value\": 0 },{\t\t" +
	"\t\t\"value\": 300 },{ \"gpio_name\": \"nReset\",\t\"value\": 1 }]}, {\"name\":\t\t\"f" +
	"lash\",\"seq\": [{ \"gpio_name\": \"nReset\",\t\"value\": 0 },{ \"gpio_name\": \"us" +
	"r\",\t\t\"value\": 1 },{\t\t\t\t\"value\": 300 },{ \"gpio_name\": \"nReset\",\t\"value\"" +
	": 1 },{\t\t\t\t\"value\": 100 },{ \"gpio_name\": \"usr\",\t\t\"value\": 0 }]}]}]}"

// roundTrips are lws's 8 documents and what each must serialise back to.
var roundTrips = []roundTrip{
	{ // test 1
		in: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":1800,\"targets\":[{\"name\":\"target1\",\"someflag\":true},{\"name\":\"target2\"" +
			",\"someflag\":false}]}",
		want: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":1800,\"targets\":[{\"name\":\"target1\",\"someflag\":true},{\"name\":\"target2\"" +
			",\"someflag\":false}]}",
	},
	{ // test 2
		in: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"targets\":[{\"na" +
			"me\":\"target1\"},{\"name\":\"target2\"},{\"name\":\"target3\"}]}",
		want: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":0,\"targets\":[{\"name\":\"target1\",\"someflag\":false},{\"name\":\"target2\",\"" +
			"someflag\":false},{\"name\":\"target3\",\"someflag\":false}]}",
	},
	{ // test 3
		in: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":1800,\"targets\":[{\"name\":\"target1\",\"unrecognized\":\"xyz\",\"child\": {\"so" +
			"mename\": \"abc\",\"junk\": { \"x\": \"y\" }}},{\"name\":\"target2\"}]}",
		want: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":1800,\"targets\":[{\"name\":\"target1\",\"someflag\":false,\"child\":{\"somenam" +
			"e\":\"abc\"}},{\"name\":\"target2\",\"someflag\":false}]}",
	},
	{ // test 4
		in: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":1800}",
		want: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"learn\",\"nspawn_timeout" +
			"\":1800}",
	},
	{ // test 5
		in:   "{\"schema\":\"com-warmcat-sai-builder\"}",
		want: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"\",\"nspawn_timeout\":0}",
	},
	{ // test 6
		in: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"PYvtan6kqppjnS0KpYTCai" +
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
		want: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"PYvtan6kqppjnS0KpYTCai" +
			"OLsJkc7Xe\",\"nspawn_timeout\":0}",
	},
	{ // test 7
		in: "{\"schema\":\"com-warmcat-sai-builder\",\"targets\":[{\"name\":\"PYvtan6kqppjnS" +
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
		want: "{\"schema\":\"com-warmcat-sai-builder\",\"hostname\":\"\",\"nspawn_timeout\":0,\"" +
			"targets\":[{\"name\":\"PYvtan6kqppjnS0KpYTCaiOLsJkc7XecAr1kcE0aCIciewYB+Jc" +
			"LG82mO1Vb1mJtjDwUjBxy2I6AzefzoWUWmqZbsv4MXR55j9bKlyz1liiSX63iO0x6JAwAC" +
			"MtE2MkgcLwR86TSWAD9D1QKIWqg5RJ/CRuVsW0DKAUMD52ql4JmPFuJpJgTq28z6PhYNzN" +
			"3yI3bmQt6bzhA+A/xAsFzSBnb3MHYWzGMprr53FAP1ISo5Ec9i+2ehV40sG6Q470sH3PGQ" +
			"Z0YRPO7Sh/SyrSQ/scONmxRc3AcXl7X/CSs417ii+CV8sq3ZgcxKNB7tNfN7idNx3upZ00" +
			"G2BZy9jSy03cLKKLNaNUt0TQsxXbH55uDHzSEeZWvxJgT6zB1NoMhdC02w+oXim94M6z6C" +
			"OCnqT3rgkGk8PHMry9Bkh4yVpRmzIRfMmln/lEhdZgxky2+g5hhlSIGJYDCrdynD9kCfvf" +
			"y6KGOpNIi1X+mhbbWn4lnL9ZKihL/RrfOV+oV4R26IDq+KqUiJBENeo8/GXkGLUH/87iPy" +
			"zXKEMavr6fkrK0vTGto8yEYxmOyaVz8phG5rwf4jJgmYNoMbGo8gWvhqO7UAGy2g7MWv+B" +
			"/t1eZZ+1euLsNrWAsFJiFbQKgdFfQT3RjB14iU8knlQ8usoy+pXssY2ddGJGVcGC21oZvs" +
			"tK9eu1eRZftda/wP+N5unT1Hw7kCoVzqxHieiYt47EGIOaaQ7XjZDK6qPN6O/grHnvJZm2" +
			"vBkxuXgsYVkRQ7AuTWIecphqFsq7Wbc1YNbMW47SVU5zMD0WaCqbaaI0t4uIzRvPlD8cpi" +
			"iTzFTrEHlIBTf8/uZjjEGGLhJR1jPqA9D1Ej3ChV+ye6F9JTUMlozRMsGuF8U4btDzH5xd" +
			"nmvRS4Ar6LKEtAXGkj2yuyJln+v4RIWj2xOGPJovOqiXwi0FyM61f8U8gj0OiNA2/Qlvrq" +
			"QVDF7sMXgjvaE7iQt5vMETteZlx+z3f+jTFM/aon511W4+ZkRD+6AHwucvM9BEC\",\"some" +
			"flag\":false}]}",
	},
	{ // test 8
		in:   "{\"schema\":\"com-warmcat-sai-other\",\"name\":\"somename\"}",
		want: "{\"schema\":\"com-warmcat-sai-other\",\"name\":\"somename\"}",
	},
}

// test2JSON is lws's test2.c document: no "schema" member (the schema is
// picked by the first member's name), escaped quotes, nulls.
const test2JSON = `{"config":[{"id1":null,"creds":{"key1":"\"xxxxxxxxx\"","key2":null},` +
	`"frequency":0,"arg1":"val1","arg2":0,"priority":1,"ssid":"\"nw2\""},` +
	`{"id2":null,"creds": {"key1":"\"xxxxxxxxxxxxx\"","key2":null},` +
	`"frequency":11,"arg1":"val2","arg2":1420887242594,"priority":3,"ssid":"\"nw1\""}]}`

// test2Expected is how lws writes it back: in map order, nulls left out,
// quotes as \u0022.
const test2Expected = `{"config":[{"creds":{"key1":"\u0022xxxxxxxxx\u0022"},` +
	`"arg1":"val1","ssid":"\u0022nw2\u0022",` +
	`"frequency":0,"arg2":0,"priority":1},` +
	`{"creds":{"key1":"\u0022xxxxxxxxxxxxx\u0022"},` +
	`"arg1":"val2","ssid":"\u0022nw1\u0022",` +
	`"frequency":11,"arg2":1420887242594,"priority":3}]}`

// metaExpected is lws's serialisation of a struct of pointers.
const metaExpected = `{"schema":"meta.schema","t":{"name":"mytargetname","someflag":false},` +
	`"e":{"hostname":"myhostname","nspawn_timeout":0}}`

// credsExpected is lws's netdev credentials serialisation.
const credsExpected = `{"schema":"com.warmcat.sai.taskinfo","credentials":[{"ssid":"xxx","passphrase":"yyy","alg":0}]}`

// taskinfoJSON is lws's internal taskinfo message with a child object.
const taskinfoJSON = `{"schema":"com.warmcat.sai.internal.taskinfo_auth",` +
	`"ti":{"task_hash":"B8C26049D88F1AA4B6089E164F465A103A95D931D48A2EE8CC98CF9F70E03E31",` +
	`"logs":1,"js_api_version":3,"last_log_ts":0},` +
	`"auth_user":"andy@warmcat.com","authorized":1,"auth_secs":126478}`

// registration messages: the list last, then first.
const (
	registrationMsg  = `{"schema":"com.warmcat.sai.builder_registration","builder_name":"freebsd","power_controller_name":"p1","platforms":[{"name":"freebsd.freebsd/aarch64/llvm"}]}`
	registrationMsg1 = `{"schema":"com.warmcat.sai.builder_registration","platforms":[{"name":"freebsd.freebsd/aarch64/llvm"}],"builder_name":"freebsd","power_controller_name":"p1"}`
)

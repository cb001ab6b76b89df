package main

import ls "github.com/lws-go/lws-go/lws/lwsstruct"

// lws's maps (lws_struct_map_t tables) are the struct tags below, in map
// order: `json` names the member; pointers and slices with omitempty are
// lws's STRING_PTR, CHILD_PTR and LIST (left out when NULL or empty);
// `lws:"carray=N"` is a char[N] (LSM_CARRAY).

// child is lws's sai_child_t (lsm_child).
type child struct {
	Somename *ls.String `json:"somename,omitempty"`
}

// target is lws's sai_target_t (lsm_target).
type target struct {
	Name     *ls.String `json:"name,omitempty"`
	Someflag bool       `json:"someflag"`
	Child    *child     `json:"child,omitempty"`
}

// builder is lws's sai_builder_t (lsm_builder).
type builder struct {
	Hostname      ls.String `json:"hostname" lws:"carray=32"`
	NspawnTimeout uint      `json:"nspawn_timeout"`
	Targets       []target  `json:"targets,omitempty"`
}

// other is lws's sai_other_t (lsm_other), the second schema.
type other struct {
	Name ls.String `json:"name" lws:"carray=32"`
}

// schemaMap is lws's lsm_schema_map: a document's "schema" picks one.
var schemaMap = []ls.Schema{
	{Name: "com-warmcat-sai-builder", New: func() any { return new(builder) }},
	{Name: "com-warmcat-sai-other", New: func() any { return new(other) }},
}

// meta is lws's meta_t: members that point to other objects.
type meta struct {
	T *target  `json:"t,omitempty"`
	B *builder `json:"e,omitempty"`
}

// cancel is lws's sai_cancel_t, shared by six schemas (t2_map).
type cancel struct {
	TaskUUID ls.String `json:"uuid" lws:"carray=65"`
}

var t2Map = []ls.Schema{
	{Name: "com.warmcat.sai.taskinfo", New: func() any { return new(cancel) }},
	{Name: "com.warmcat.sai.eventinfo", New: func() any { return new(cancel) }},
	{Name: "com.warmcat.sai.taskreset", New: func() any { return new(cancel) }},
	{Name: "com.warmcat.sai.eventreset", New: func() any { return new(cancel) }},
	{Name: "com.warmcat.sai.eventdelete", New: func() any { return new(cancel) }},
	{Name: "com.warmcat.sai.taskcan", New: func() any { return new(cancel) }},
}

// t2 is lws's document with a trailing junk: the parse stops at the end
// of the object and leaves the rest.
const t2 = "{\"schema\":\"com.warmcat.sai.taskcan\"," +
	"\"uuid\": \"071ab46ab4296e5de674c628fec17c55088254679f7714ad991f8c4873dca\"}\x01\x02\xff\xff\xff\xff"

// wifiCreds and netdevs are lws's xlws_wifi_creds_t and xlws_netdevs_t.
type wifiCreds struct {
	SSID       ls.String  `json:"ssid" lws:"carray=33"`
	Passphrase ls.String  `json:"passphrase" lws:"carray=64"`
	Alg        uint       `json:"alg"`
	BSSID      *ls.String `json:"bssid,omitempty"`
}

type netdevs struct {
	Creds []wifiCreds `json:"credentials,omitempty"`
}

// The jig config (lws's sai_jig_* maps): lists inside lists.
type jigGPIO struct {
	ChipIdx uint       `json:"chip_idx"`
	Offset  uint       `json:"offset"`
	Safe    uint       `json:"safe"`
	Name    *ls.String `json:"name,omitempty"`
	Wire    *ls.String `json:"wire,omitempty"`
}

type jigSeqItem struct {
	GPIOName *ls.String `json:"gpio_name,omitempty"`
	Value    uint       `json:"value"`
}

type jigSequence struct {
	Name *ls.String   `json:"name,omitempty"`
	Seq  []jigSeqItem `json:"seq,omitempty"`
}

type jigTarget struct {
	Name      *ls.String    `json:"name,omitempty"`
	GPIOs     []jigGPIO     `json:"gpios,omitempty"`
	Sequences []jigSequence `json:"sequences,omitempty"`
}

type jig struct {
	Iface   *ls.String  `json:"iface,omitempty"`
	Port    uint        `json:"port"`
	Targets []jigTarget `json:"targets,omitempty"`
}

// taskinfo is lws's sai_web_to_server_taskinfo_t with its child
// sai_browse_rx_taskinfo_t.
type browseTaskinfo struct {
	TaskHash     ls.String `json:"task_hash" lws:"carray=65"`
	Logs         uint8     `json:"logs"`
	JSAPIVersion uint      `json:"js_api_version"`
	LastLogTS    uint64    `json:"last_log_ts"`
}

type webToServerTaskinfo struct {
	TI         *browseTaskinfo `json:"ti,omitempty"`
	AuthUser   ls.String       `json:"auth_user" lws:"carray=33"`
	Authorized int             `json:"authorized"`
	AuthSecs   int             `json:"auth_secs"`
}

// registration is lws's sai_builder_registration_t: a list member that
// may come before or after the plain ones.
type builderPlatform struct {
	Name ls.String `json:"name" lws:"carray=64"`
}

type registration struct {
	Platforms           []builderPlatform `json:"platforms,omitempty"`
	BuilderName         ls.String         `json:"builder_name" lws:"carray=64"`
	PowerControllerName ls.String         `json:"power_controller_name" lws:"carray=64"`
}

// t2Config and friends are lws's test2.c: a config list whose strings
// need escaping, serialised without the schema member.
type t2Cred struct {
	Key1 *ls.String `json:"key1,omitempty"`
	Key2 *ls.String `json:"key2,omitempty"`
}

type t2Config struct {
	Creds     *t2Cred    `json:"creds,omitempty"`
	ID1       *ls.String `json:"id1,omitempty"`
	Arg1      *ls.String `json:"arg1,omitempty"`
	SSID      *ls.String `json:"ssid,omitempty"`
	Frequency uint       `json:"frequency"`
	Arg2      uint64     `json:"arg2"`
	Priority  uint       `json:"priority"`
}

type t2Configs struct {
	Configs []t2Config `json:"config,omitempty"`
}

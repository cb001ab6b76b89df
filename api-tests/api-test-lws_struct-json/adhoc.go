package main

import (
	"fmt"
	"io"

	ls "github.com/lws-go/lws-go/lws/lwsstruct"
)

func str(s string) *ls.String { v := ls.String(s); return &v }

// adHocCheck is one of lws's checks after the round trips.
type adHocCheck struct {
	name  string
	check func(stdout io.Writer) error
}

// expectJSON serialises v and compares it with lws's bytes.
func expectJSON(stdout io.Writer, schema string, v any, flags ls.Flags, want string) error {
	out, err := ls.Marshal(schema, v, flags)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", out)
	if string(out) != want {
		return fmt.Errorf("got %s, expected %s", out, want)
	}
	return nil
}

var adHoc = []adHocCheck{
	{"meta", func(w io.Writer) error {
		// a struct of pointers to other mapped structs
		m := meta{T: &target{Name: str("mytargetname")}, B: &builder{Hostname: "myhostname"}}
		return expectJSON(w, "meta.schema", &m, 0, metaExpected)
	}},
	{"test set 2", func(io.Writer) error {
		// six schemas share one struct; junk after the object is left
		r, err := ls.Unmarshal([]byte(t2), t2Map)
		if err != nil {
			return err
		}
		c := r.Value.(*cancel)
		if r.Index != 5 || c.TaskUUID != "071ab46ab4296e5de674c628fec17c55088254679f7714ad991f8c4873dca" || r.Unused != 6 {
			return fmt.Errorf("schema %d, uuid %q, %d bytes left", r.Index, c.TaskUUID, r.Unused)
		}
		return nil
	}},
	{"test2", func(w io.Writer) error {
		// picked by its first member, escaped quotes, nulls; written
		// back without the schema
		r, err := ls.Unmarshal([]byte(test2JSON), []ls.Schema{{Name: "t2", New: func() any { return new(t2Configs) }}})
		if err != nil {
			return err
		}
		return expectJSON(w, "t2", r.Value, ls.OmitSchema, test2Expected)
	}},
	{"netdev credentials", func(w io.Writer) error {
		nd := netdevs{Creds: []wifiCreds{{SSID: "xxx", Passphrase: "yyy"}}}
		return expectJSON(w, "com.warmcat.sai.taskinfo", &nd, 0, credsExpected)
	}},
	{"jig config", func(io.Writer) error {
		r, err := ls.Unmarshal([]byte(jigConf), []ls.Schema{{Name: "sai-jig", New: func() any { return new(jig) }}})
		if err != nil {
			return err
		}
		j := r.Value.(*jig)
		if j.Port != 44000 || len(j.Targets) != 1 || len(j.Targets[0].GPIOs) != 2 ||
			len(j.Targets[0].Sequences) != 2 || len(j.Targets[0].Sequences[1].Seq) != 6 ||
			j.Targets[0].Sequences[1].Seq[2].Value != 300 || *j.Targets[0].GPIOs[1].Wire != "P6" {
			return fmt.Errorf("jig config read as %+v", j)
		}
		return nil
	}},
	{"taskinfo", func(io.Writer) error {
		r, err := ls.Unmarshal([]byte(taskinfoJSON), []ls.Schema{{Name: "com.warmcat.sai.internal.taskinfo_auth", New: func() any { return new(webToServerTaskinfo) }}})
		if err != nil {
			return err
		}
		wst := r.Value.(*webToServerTaskinfo)
		switch {
		case wst.TI == nil:
			return fmt.Errorf("ti not set")
		case wst.TI.TaskHash == "":
			return fmt.Errorf("no task hash")
		case wst.Authorized == 0:
			return fmt.Errorf("authorized not set")
		}
		return nil
	}},
	{"registration", func(io.Writer) error {
		// the list member last, then first
		for part, msg := range []string{registrationMsg, registrationMsg1} {
			r, err := ls.Unmarshal([]byte(msg), []ls.Schema{{Name: "com.warmcat.sai.builder_registration", New: func() any { return new(registration) }}})
			if err != nil {
				return err
			}
			reg := r.Value.(*registration)
			if reg.BuilderName != "freebsd" || reg.PowerControllerName != "p1" || len(reg.Platforms) != 1 {
				return fmt.Errorf("part%d: %+v", part+1, reg)
			}
		}
		return nil
	}},
}

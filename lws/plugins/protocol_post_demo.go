package plugins

import (
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/spa"
)

// postDemoParams are the form fields the demo reports, in lws's order.
var postDemoParams = []string{"text", "send", "file", "upload"}

// postDemoMaxFile is the largest upload the demo accepts, as in lws.
const postDemoMaxFile = 100000

type postDemoPss struct {
	spa        *spa.Spa
	filename   string
	fileLength int
	completed  bool
	sentHeader bool
	result     []byte
}

var errPostDemoFileTooBig = errors.New("post-demo: upload over 100000 bytes")

// upload counts the uploaded file. lws's demo writes it to /tmp/post-file;
// the stand-in keeps only its name and length, which is all it reports.
func (pss *postDemoPss) upload(_, filename string, data []byte, st spa.FileState) error {
	switch st {
	case spa.FileOpen:
		pss.filename = filename
	case spa.FileContent, spa.FileFinalContent:
		pss.fileLength += len(data)
		if pss.fileLength > postDemoMaxFile {
			return errPostDemoFileTooBig
		}
	}
	return nil
}

// format renders the page lws's post demo returns.
func (pss *postDemoPss) format() []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html lang=\"en\"><head><meta charset=utf-8 http-equiv=\"Content-Language\" content=\"en\"/>" +
		"<title>LWS Server Status</title></head><body><h1>Form results (after urldecoding)</h1>" +
		"<table><tr><td>Name</td><td>Length</td><td>Value</td></tr>")
	for n, name := range postDemoParams {
		if v, ok := pss.spa.String(n); ok {
			fmt.Fprintf(&b, "<tr><td><b>%s</b></td><td>%d</td><td>%s</td></tr>", name, len(v), html.EscapeString(v))
		} else {
			fmt.Fprintf(&b, "<tr><td><b>%s</b></td><td>0</td><td>NULL</td></tr>", name)
		}
	}
	fmt.Fprintf(&b, "</table><br><b>filename:</b> %s, <b>length</b> %d</body></html>", html.EscapeString(pss.filename), pss.fileLength)
	return []byte(b.String())
}

func callbackPostDemo(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*postDemoPss)

	switch reason {
	case lws.ReasonHTTPBody:
		// The parser is made with the first piece (lws_spa_create).
		if pss.spa == nil {
			pss.spa = spa.New(c.Header("Content-Type"), spa.Info{
				Params: postDemoParams, MaxStorage: 1024, File: pss.upload,
			})
		}
		if err := pss.spa.Process(in); err != nil {
			return fmt.Errorf("post-demo: %w", err)
		}

	case lws.ReasonHTTPBodyCompletion:
		if pss.spa == nil { // an empty body
			pss.spa = spa.New(c.Header("Content-Type"), spa.Info{Params: postDemoParams, MaxStorage: 1024})
		}
		if err := pss.spa.Finalize(); err != nil {
			return fmt.Errorf("post-demo: %w", err)
		}
		pss.completed = true
		pss.result = pss.format()
		c.CallbackOnWritable()

	case lws.ReasonHTTPWriteable:
		if !pss.completed {
			break
		}
		// Headers in one writeable callback, the body in the next, as
		// lws's demo does: one write per callback.
		if !pss.sentHeader {
			if err := c.AddHTTPCommonHeaders(200, "text/html", int64(len(pss.result))); err != nil {
				return err
			}
			if err := c.FinalizeWriteHTTPHeader(); err != nil {
				return fmt.Errorf("post-demo: headers: %w", err)
			}
			pss.sentHeader = true
			c.CallbackOnWritable()
			break
		}
		if _, err := c.Write(pss.result, lws.WriteHTTPFinal); err != nil {
			return fmt.Errorf("post-demo: write: %w", err)
		}

	case lws.ReasonClosedHTTP:
		if pss.spa != nil {
			pss.spa.Destroy()
		}
	}
	return nil
}

// PostDemo is "protocol-post-demo": the POST form handler lws's test server
// mounts at /formtest. It parses a urlencoded or multipart form (fields
// text, send, file, upload and one uploaded file) and answers with an HTML
// table of what it got. Mount it with a callback mount:
//
//	lws.Mount{Mountpoint: "/formtest", OriginProtocol: lws.OriginCallback, Protocol: "protocol-post-demo"}
//
// It mirrors lws's plugins/protocol_post_demo.c.
var PostDemo = &lws.Protocol{
	Name:         "protocol-post-demo",
	Callback:     callbackPostDemo,
	NewSession:   func() any { return &postDemoPss{} },
	RxBufferSize: 1024,
}

func init() {
	lws.RegisterPlugin(lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: PostDemo.Name, Protocols: []*lws.Protocol{PostDemo}})
}

package lws

import "strconv"

// Reason says why a protocol callback is being called: the mirror of
// enum lws_callback_reasons. The numbers are lws's own ABI values so that
// logs and code can be checked against lws.
type Reason int

// Callback reasons, named and numbered as LWS_CALLBACK_* in lws.
const (
	ReasonEstablished              Reason = 0    // LWS_CALLBACK_ESTABLISHED: ws server connection is up
	ReasonClientConnectionError    Reason = 1    // LWS_CALLBACK_CLIENT_CONNECTION_ERROR
	ReasonClientFilterPreEstablish Reason = 2    // LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH
	ReasonClientEstablished        Reason = 3    // LWS_CALLBACK_CLIENT_ESTABLISHED
	ReasonClosed                   Reason = 4    // LWS_CALLBACK_CLOSED: ws server connection closed
	ReasonClosedHTTP               Reason = 5    // LWS_CALLBACK_CLOSED_HTTP
	ReasonReceive                  Reason = 6    // LWS_CALLBACK_RECEIVE: ws data arrived (one fragment)
	ReasonReceivePong              Reason = 7    // LWS_CALLBACK_RECEIVE_PONG
	ReasonClientReceive            Reason = 8    // LWS_CALLBACK_CLIENT_RECEIVE
	ReasonClientReceivePong        Reason = 9    // LWS_CALLBACK_CLIENT_RECEIVE_PONG
	ReasonClientWriteable          Reason = 10   // LWS_CALLBACK_CLIENT_WRITEABLE
	ReasonServerWriteable          Reason = 11   // LWS_CALLBACK_SERVER_WRITEABLE
	ReasonHTTP                     Reason = 12   // LWS_CALLBACK_HTTP: in = URL path below the mountpoint
	ReasonHTTPBody                 Reason = 13   // LWS_CALLBACK_HTTP_BODY
	ReasonHTTPBodyCompletion       Reason = 14   // LWS_CALLBACK_HTTP_BODY_COMPLETION
	ReasonHTTPFileCompletion       Reason = 15   // LWS_CALLBACK_HTTP_FILE_COMPLETION
	ReasonHTTPWriteable            Reason = 16   // LWS_CALLBACK_HTTP_WRITEABLE
	ReasonFilterNetworkConnection  Reason = 17   // LWS_CALLBACK_FILTER_NETWORK_CONNECTION
	ReasonFilterHTTPConnection     Reason = 18   // LWS_CALLBACK_FILTER_HTTP_CONNECTION
	ReasonFilterProtocolConnection Reason = 20   // LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: nonzero refuses the upgrade
	ReasonClientAppendHandshakeHdr Reason = 24   // LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER
	ReasonProtocolInit             Reason = 27   // LWS_CALLBACK_PROTOCOL_INIT: once per (vhost, protocol); allocate the vhd here
	ReasonProtocolDestroy          Reason = 28   // LWS_CALLBACK_PROTOCOL_DESTROY: free the vhd
	ReasonWSICreate                Reason = 29   // LWS_CALLBACK_WSI_CREATE
	ReasonWSIDestroy               Reason = 30   // LWS_CALLBACK_WSI_DESTROY
	ReasonWSPeerInitiatedClose     Reason = 38   // LWS_CALLBACK_WS_PEER_INITIATED_CLOSE
	ReasonEstablishedClientHTTP    Reason = 44   // LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP
	ReasonClosedClientHTTP         Reason = 45   // LWS_CALLBACK_CLOSED_CLIENT_HTTP
	ReasonReceiveClientHTTP        Reason = 46   // LWS_CALLBACK_RECEIVE_CLIENT_HTTP
	ReasonCompletedClientHTTP      Reason = 47   // LWS_CALLBACK_COMPLETED_CLIENT_HTTP
	ReasonReceiveClientHTTPRead    Reason = 48   // LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ
	ReasonHTTPBindProtocol         Reason = 49   // LWS_CALLBACK_HTTP_BIND_PROTOCOL
	ReasonHTTPDropProtocol         Reason = 50   // LWS_CALLBACK_HTTP_DROP_PROTOCOL
	ReasonAddHeaders               Reason = 53   // LWS_CALLBACK_ADD_HEADERS
	ReasonClientHTTPWriteable      Reason = 57   // LWS_CALLBACK_CLIENT_HTTP_WRITEABLE
	ReasonRawRx                    Reason = 59   // LWS_CALLBACK_RAW_RX
	ReasonRawClose                 Reason = 60   // LWS_CALLBACK_RAW_CLOSE
	ReasonRawWriteable             Reason = 61   // LWS_CALLBACK_RAW_WRITEABLE
	ReasonRawAdopt                 Reason = 62   // LWS_CALLBACK_RAW_ADOPT
	ReasonRawAdoptFile             Reason = 63   // LWS_CALLBACK_RAW_ADOPT_FILE: a file (pipe, tty, ...) was adopted
	ReasonRawRxFile                Reason = 64   // LWS_CALLBACK_RAW_RX_FILE: the file has something to read; the protocol reads it (Conn.Descriptor)
	ReasonRawWriteableFile         Reason = 65   // LWS_CALLBACK_RAW_WRITEABLE_FILE
	ReasonRawCloseFile             Reason = 66   // LWS_CALLBACK_RAW_CLOSE_FILE
	ReasonEventWaitCancelled       Reason = 71   // LWS_CALLBACK_EVENT_WAIT_CANCELLED: lws_cancel_service woke the loop
	ReasonTimer                    Reason = 73   // LWS_CALLBACK_TIMER: the per-connection timer fired
	ReasonRawSktBindProtocol       Reason = 81   // LWS_CALLBACK_RAW_SKT_BIND_PROTOCOL
	ReasonRawSktDropProtocol       Reason = 82   // LWS_CALLBACK_RAW_SKT_DROP_PROTOCOL
	ReasonRawFileBindProtocol      Reason = 83   // LWS_CALLBACK_RAW_FILE_BIND_PROTOCOL
	ReasonRawFileDropProtocol      Reason = 84   // LWS_CALLBACK_RAW_FILE_DROP_PROTOCOL
	ReasonClientClosed             Reason = 75   // LWS_CALLBACK_CLIENT_CLOSED
	ReasonWSServerBindProtocol     Reason = 77   // LWS_CALLBACK_WS_SERVER_BIND_PROTOCOL
	ReasonWSServerDropProtocol     Reason = 78   // LWS_CALLBACK_WS_SERVER_DROP_PROTOCOL
	ReasonHTTPConfirmUpgrade       Reason = 86   // LWS_CALLBACK_HTTP_CONFIRM_UPGRADE
	ReasonRawConnected             Reason = 101  // LWS_CALLBACK_RAW_CONNECTED
	ReasonClientHTTPRedirect       Reason = 104  // LWS_CALLBACK_CLIENT_HTTP_REDIRECT
	ReasonUser                     Reason = 1000 // LWS_CALLBACK_USER: first value free for applications
)

var reasonNames = map[Reason]string{
	ReasonEstablished: "ESTABLISHED", ReasonClientConnectionError: "CLIENT_CONNECTION_ERROR",
	ReasonClientFilterPreEstablish: "CLIENT_FILTER_PRE_ESTABLISH", ReasonClientEstablished: "CLIENT_ESTABLISHED",
	ReasonClosed: "CLOSED", ReasonClosedHTTP: "CLOSED_HTTP", ReasonReceive: "RECEIVE",
	ReasonReceivePong: "RECEIVE_PONG", ReasonClientReceive: "CLIENT_RECEIVE",
	ReasonClientReceivePong: "CLIENT_RECEIVE_PONG", ReasonClientWriteable: "CLIENT_WRITEABLE",
	ReasonServerWriteable: "SERVER_WRITEABLE", ReasonHTTP: "HTTP", ReasonHTTPBody: "HTTP_BODY",
	ReasonHTTPBodyCompletion: "HTTP_BODY_COMPLETION", ReasonHTTPFileCompletion: "HTTP_FILE_COMPLETION",
	ReasonHTTPWriteable: "HTTP_WRITEABLE", ReasonFilterNetworkConnection: "FILTER_NETWORK_CONNECTION",
	ReasonFilterHTTPConnection: "FILTER_HTTP_CONNECTION", ReasonFilterProtocolConnection: "FILTER_PROTOCOL_CONNECTION",
	ReasonClientAppendHandshakeHdr: "CLIENT_APPEND_HANDSHAKE_HEADER", ReasonProtocolInit: "PROTOCOL_INIT",
	ReasonProtocolDestroy: "PROTOCOL_DESTROY", ReasonWSICreate: "WSI_CREATE", ReasonWSIDestroy: "WSI_DESTROY",
	ReasonWSPeerInitiatedClose: "WS_PEER_INITIATED_CLOSE", ReasonEstablishedClientHTTP: "ESTABLISHED_CLIENT_HTTP",
	ReasonClosedClientHTTP: "CLOSED_CLIENT_HTTP", ReasonReceiveClientHTTP: "RECEIVE_CLIENT_HTTP",
	ReasonCompletedClientHTTP: "COMPLETED_CLIENT_HTTP", ReasonReceiveClientHTTPRead: "RECEIVE_CLIENT_HTTP_READ",
	ReasonHTTPBindProtocol: "HTTP_BIND_PROTOCOL", ReasonHTTPDropProtocol: "HTTP_DROP_PROTOCOL",
	ReasonAddHeaders: "ADD_HEADERS", ReasonClientHTTPWriteable: "CLIENT_HTTP_WRITEABLE", ReasonRawRx: "RAW_RX",
	ReasonRawClose: "RAW_CLOSE", ReasonRawWriteable: "RAW_WRITEABLE", ReasonRawAdopt: "RAW_ADOPT",
	ReasonRawAdoptFile: "RAW_ADOPT_FILE", ReasonRawRxFile: "RAW_RX_FILE", ReasonRawWriteableFile: "RAW_WRITEABLE_FILE",
	ReasonRawCloseFile: "RAW_CLOSE_FILE", ReasonRawSktBindProtocol: "RAW_SKT_BIND_PROTOCOL",
	ReasonRawSktDropProtocol: "RAW_SKT_DROP_PROTOCOL", ReasonRawFileBindProtocol: "RAW_FILE_BIND_PROTOCOL",
	ReasonRawFileDropProtocol: "RAW_FILE_DROP_PROTOCOL",
	ReasonEventWaitCancelled:  "EVENT_WAIT_CANCELLED", ReasonTimer: "TIMER", ReasonClientClosed: "CLIENT_CLOSED",
	ReasonWSServerBindProtocol: "WS_SERVER_BIND_PROTOCOL", ReasonWSServerDropProtocol: "WS_SERVER_DROP_PROTOCOL",
	ReasonHTTPConfirmUpgrade: "HTTP_CONFIRM_UPGRADE", ReasonRawConnected: "RAW_CONNECTED",
	ReasonClientHTTPRedirect: "CLIENT_HTTP_REDIRECT", ReasonUser: "USER",
}

// String returns the lws name without the LWS_CALLBACK_ prefix, for logs.
func (r Reason) String() string {
	if n, ok := reasonNames[r]; ok {
		return n
	}
	return "REASON_" + strconv.Itoa(int(r))
}

// WriteProtocol says what kind of data a Write sends: the mirror of
// enum lws_write_protocol. Values and flags are lws's.
type WriteProtocol int

// Write kinds and flags, as LWS_WRITE_* in lws.
const (
	WriteText                    WriteProtocol = 0    // LWS_WRITE_TEXT: ws text (first fragment of a message)
	WriteBinary                  WriteProtocol = 1    // LWS_WRITE_BINARY: ws binary (first fragment of a message)
	WriteContinuation            WriteProtocol = 2    // LWS_WRITE_CONTINUATION: next fragment of a ws message
	WriteHTTP                    WriteProtocol = 3    // LWS_WRITE_HTTP: HTTP body, more follows
	WriteRaw                     WriteProtocol = 3    // LWS_WRITE_RAW (= LWS_WRITE_HTTP): bytes as they are, on a raw connection
	WritePing                    WriteProtocol = 5    // LWS_WRITE_PING
	WritePong                    WriteProtocol = 6    // LWS_WRITE_PONG
	WriteHTTPFinal               WriteProtocol = 7    // LWS_WRITE_HTTP_FINAL: last piece of the HTTP body
	WriteHTTPHeaders             WriteProtocol = 8    // LWS_WRITE_HTTP_HEADERS
	WriteHTTPHeadersContinuation WriteProtocol = 9    // LWS_WRITE_HTTP_HEADERS_CONTINUATION
	WriteNoFin                   WriteProtocol = 0x40 // LWS_WRITE_NO_FIN: more fragments of this ws message follow
	WriteH2StreamEnd             WriteProtocol = 0x80 // LWS_WRITE_H2_STREAM_END
)

// WriteWSFlags gives the write kind for one fragment of a ws message: the
// mirror of lws_write_ws_flags. The first fragment is text or binary, the
// others continuations; all but the final one carry WriteNoFin.
func WriteWSFlags(binary, first, final bool) WriteProtocol {
	wp := WriteContinuation
	if first {
		wp = WriteText
		if binary {
			wp = WriteBinary
		}
	}
	if !final {
		wp |= WriteNoFin
	}
	return wp
}

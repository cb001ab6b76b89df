package ss

import "strconv"

// State is a stream's state event: the mirror of lws_ss_constate_t with
// lws's numbering at the reference revision (CREATING is 0).
type State int

// Stream states, as LWSSSCS_* in lws.
const (
	StateCreating         State = 0  // LWSSSCS_CREATING: the handle exists; set metadata, maybe connect
	StateDisconnected     State = 1  // LWSSSCS_DISCONNECTED: the connection is gone, the stream remains
	StateUnreachable      State = 2  // LWSSSCS_UNREACHABLE: a connection attempt failed
	StateAuthFailed       State = 3  // LWSSSCS_AUTH_FAILED
	StateConnected        State = 4  // LWSSSCS_CONNECTED: transport up (h1: response headers in)
	StateConnecting       State = 5  // LWSSSCS_CONNECTING: an attempt is about to start
	StateDestroying       State = 6  // LWSSSCS_DESTROYING: the last event before the handle goes
	StatePoll             State = 7  // LWSSSCS_POLL: an idle stream starts an attempt
	StateAllRetriesFailed State = 8  // LWSSSCS_ALL_RETRIES_FAILED: concealed retries used up
	StateQOSAckRemote     State = 9  // LWSSSCS_QOS_ACK_REMOTE: the peer accepted (good status)
	StateQOSNackRemote    State = 10 // LWSSSCS_QOS_NACK_REMOTE: the peer rejected (bad status)
	StateQOSAckLocal      State = 11 // LWSSSCS_QOS_ACK_LOCAL: the local proxy accepted tx
	StateQOSNackLocal     State = 12 // LWSSSCS_QOS_NACK_LOCAL: the local proxy refused tx
	StateTimeout          State = 13 // LWSSSCS_TIMEOUT: the user's watchdog fired
	StateSinkJoin         State = 14 // LWSSSCS_SINK_JOIN
	StateSinkPart         State = 15 // LWSSSCS_SINK_PART
	StateUserBase         State = 1000
)

var stateNames = [...]string{
	"CREATING", "DISCONNECTED", "UNREACHABLE", "AUTH_FAILED", "CONNECTED",
	"CONNECTING", "DESTROYING", "POLL", "ALL_RETRIES_FAILED", "QOS_ACK_REMOTE",
	"QOS_NACK_REMOTE", "QOS_ACK_LOCAL", "QOS_NACK_LOCAL", "TIMEOUT", "SINK_JOIN",
	"SINK_PART",
}

// String is the state's lws name without LWSSSCS_ (lws_ss_state_name).
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	if s >= StateUserBase {
		return "USER_" + strconv.Itoa(int(s-StateUserBase))
	}
	return "STATE_" + strconv.Itoa(int(s))
}

// Result is what a callback returns: the mirror of lws_ss_state_return_t.
type Result int

// Callback results, as LWSSSSRET_* in lws.
const (
	ResultTxDontSend   Result = 1  // LWSSSSRET_TX_DONT_SEND: tx: send nothing now, not even empty
	ResultOK           Result = 0  // LWSSSSRET_OK
	ResultDisconnectMe Result = -1 // LWSSSSRET_DISCONNECT_ME: drop the connection, keep the stream
	ResultDestroyMe    Result = -2 // LWSSSSRET_DESTROY_ME: destroy the stream
)

// Flags are payload flags: the mirror of LWSSS_FLAG_*.
type Flags uint32

// Payload flags, with lws's values.
const (
	FlagSOM          Flags = 1  // LWSSS_FLAG_SOM: start of message
	FlagEOM          Flags = 2  // LWSSS_FLAG_EOM: end of message
	FlagPoll         Flags = 4  // LWSSS_FLAG_POLL
	FlagRelatedStart Flags = 8  // LWSSS_FLAG_RELATED_START
	FlagRelatedEnd   Flags = 16 // LWSSS_FLAG_RELATED_END
	FlagRideshare    Flags = 32 // LWSSS_FLAG_RIDESHARE
)

// InfoFlags are lws_ss_info_t flags.
type InfoFlags uint8

// Stream creation flags, as LWSSSINFLAGS_*.
const (
	RegisterSink InfoFlags = 1 // LWSSSINFLAGS_REGISTER_SINK
	Proxied      InfoFlags = 2 // LWSSSINFLAGS_PROXIED: the proxy's stand-in for a client's stream
)

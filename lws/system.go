package lws

import "fmt"

// SystemState is the mirror of lws_system_states_t: where the context is on
// its way from creation to being fully operational.
type SystemState int

// System states with lws's values.
const (
	StateUnknown        SystemState = iota // LWS_SYSTATE_UNKNOWN
	StateContextCreated                    // LWS_SYSTATE_CONTEXT_CREATED
	StateInitialized                       // LWS_SYSTATE_INITIALIZED
	StateIfaceColdplug                     // LWS_SYSTATE_IFACE_COLDPLUG
	StateDHCP                              // LWS_SYSTATE_DHCP
	StateCPDPreTime                        // LWS_SYSTATE_CPD_PRE_TIME
	StateTimeValid                         // LWS_SYSTATE_TIME_VALID
	StateCPDPostTime                       // LWS_SYSTATE_CPD_POST_TIME
	StatePolicyValid                       // LWS_SYSTATE_POLICY_VALID
	StateRegistered                        // LWS_SYSTATE_REGISTERED
	StateAuth1                             // LWS_SYSTATE_AUTH1
	StateAuth2                             // LWS_SYSTATE_AUTH2
	StateOperational                       // LWS_SYSTATE_OPERATIONAL
	StatePolicyInvalid                     // LWS_SYSTATE_POLICY_INVALID
)

var stateNames = [...]string{"UNKNOWN", "CONTEXT_CREATED", "INITIALIZED", "IFACE_COLDPLUG", "DHCP",
	"CPD_PRE_TIME", "TIME_VALID", "CPD_POST_TIME", "POLICY_VALID", "REGISTERED", "AUTH1", "AUTH2",
	"OPERATIONAL", "POLICY_INVALID"}

func (s SystemState) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("STATE_%d", int(s))
}

// SystemNotifier is told of each state transition on the loop, with the
// state being left and the one being entered: the mirror of an
// lws_state_notify_link_t. Returning true holds the context in the current
// state (lws's nonzero return); the notifier then calls
// Context.SystemStateContinue when its work is done.
type SystemNotifier func(c *Context, current, target SystemState) (hold bool)

// SystemState returns the context's current state (lws_system_get_state).
func (c *Context) SystemState() SystemState { return c.state }

// SystemStateContinue resumes the walk towards OPERATIONAL after a
// notifier held it. Call it on the loop.
func (c *Context) SystemStateContinue() { c.stepSystemState() }

// stepSystemState walks the states up to OPERATIONAL, asking every
// notifier at each transition; it stops where one holds.
func (c *Context) stepSystemState() {
	for c.state < StateOperational {
		target := c.state + 1
		for _, n := range c.info.Notifiers {
			if n(c, c.state, target) {
				c.log.Debug("system state held", "current", c.state, "target", target)
				return
			}
		}
		c.state = target
		for _, fn := range c.stateHooks {
			fn(target)
		}
	}
}

// OnSystemState adds fn to what hears each state the context has entered,
// after the notifiers let it through (lws sends the SYSTEM_STATE SMD
// message at this point). Call it on the loop or before Run.
func (c *Context) OnSystemState(fn func(SystemState)) { c.stateHooks = append(c.stateHooks, fn) }

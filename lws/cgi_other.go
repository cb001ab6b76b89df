//go:build !unix

package lws

import "os/exec"

// cgiProcessGroup: without process groups only the script itself is
// killed; cmd.WaitDelay still closes pipes a child keeps open.
func cgiProcessGroup(cmd *exec.Cmd) {}

//go:build unix

package lws

import (
	"os/exec"
	"syscall"
)

// cgiProcessGroup makes the script the leader of a process group of its
// own and its kill (on cancel) a SIGKILL to the whole group, so a
// pipeline or a background job the script started goes with it.
func cgiProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

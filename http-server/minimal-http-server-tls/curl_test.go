package main

import "os/exec"

// runCurl runs curl without lwstest's checks, for a call that must fail.
func runCurl(curl string, args ...string) ([]byte, error) {
	return exec.Command(curl, append([]string{"-sS", "-o", "/dev/null"}, args...)...).CombinedOutput()
}

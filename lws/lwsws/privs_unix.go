//go:build unix

package lwsws

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// dropPrivileges switches to the configured group and user once the ports
// are bound, as lwsws does for "uid"/"gid" or "username"/"groupname". It
// does nothing unless the process runs as root.
func dropPrivileges(g Global) error {
	if os.Geteuid() != 0 {
		return nil
	}
	gid, uid := g.GID, g.UID
	if g.Groupname != "" {
		grp, err := user.LookupGroup(g.Groupname)
		if err != nil {
			return fmt.Errorf("%s: groupname: %w", g.file, err)
		}
		gid = grp.Gid
	}
	if g.Username != "" {
		u, err := user.Lookup(g.Username)
		if err != nil {
			return fmt.Errorf("%s: username: %w", g.file, err)
		}
		uid = u.Uid
	}
	if gid != "" {
		n, err := strconv.Atoi(gid)
		if err != nil {
			return fmt.Errorf("%s: gid %q: %w", g.file, gid, err)
		}
		if err := syscall.Setgid(n); err != nil {
			return fmt.Errorf("setgid %d: %w", n, err)
		}
	}
	if uid != "" {
		n, err := strconv.Atoi(uid)
		if err != nil {
			return fmt.Errorf("%s: uid %q: %w", g.file, uid, err)
		}
		if err := syscall.Setuid(n); err != nil {
			return fmt.Errorf("setuid %d: %w", n, err)
		}
	}
	return nil
}

//go:build !unix

package lwsws

import "errors"

// dropPrivileges is Unix only.
func dropPrivileges(g Global) error {
	if g.UID != "" || g.GID != "" || g.Username != "" || g.Groupname != "" {
		return errors.New("uid/gid/username/groupname need a Unix system")
	}
	return nil
}

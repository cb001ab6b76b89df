// Package examples holds the workspace's checks that span examples: every
// example's binary against its README (--help, usage errors, --port), the
// README samples rerun, the protocol files as plugins, and examples run
// against each other (the pmd-bulk pair, the SS proxy with its client). An example's own tests use only its module
// and the core; these need the workspace.
package examples

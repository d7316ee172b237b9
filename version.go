package main

import "fmt"

// versionLine is what `staffdesk --version` prints: the name, version and build of the
// FyneApp.toml built into this binary, the one place the version is kept (About shows
// the same, and the installers are named and stamped from it).
func versionLine() string {
	m := metadata()
	return fmt.Sprintf("%s %s (build %d)", m.Name, m.Version, m.Build)
}

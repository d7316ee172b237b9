//go:build windows

package private

// Tighten does nothing on Windows. StaffDesk's files live in the per-user profile
// folder (%AppData%), whose ACL already keeps other users out; Chmod there would only
// flip the read-only bit, and fails on a file another handle holds open (SQLite's
// -shm), which is what kept StaffDesk from starting.
func Tighten(path string) error { return nil }

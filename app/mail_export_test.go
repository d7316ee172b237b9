package app

import "time"

// SetKeychainTimeout shortens KeychainTimeout for a test and returns the undo.
func SetKeychainTimeout(d time.Duration) (undo func()) {
	old := keychainTimeout
	keychainTimeout = d
	return func() { keychainTimeout = old }
}

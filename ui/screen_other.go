//go:build android || ios || wasm || js

package ui

// workArea is unknown where windows fill the screen anyway.
func workArea() (w, h int) { return 0, 0 }

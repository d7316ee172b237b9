//go:build !android && !ios && !wasm && !js

package ui

import "github.com/go-gl/glfw/v3.3/glfw"

// workArea is the primary monitor's work area (the screen less task bars and docks)
// in screen pixels, 0×0 when there is no monitor. GLFW must be initialised and this
// called on the main thread: Fyne's OnStarted is both.
func workArea() (w, h int) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return 0, 0
	}
	_, _, w, h = m.GetWorkarea()
	return w, h
}

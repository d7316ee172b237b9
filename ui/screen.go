package ui

import "fyne.io/fyne/v2"

// decorations is room left on a small screen for the window's title bar and border,
// which the work area does not take off.
const decorations = 48

// fitToScreen makes win no larger than the screen it opens on: on a 1024×640 laptop
// a window asked for at 1280×800 would put the grid's Status and actions off screen.
// It runs once the app has started, when the screen can be asked (at once for a
// window opened later, after Sign in); a screen that cannot be asked (the test driver,
// an unknown platform) leaves the size as it is.
func (d *Desk) fitToScreen(win fyne.Window, want fyne.Size) {
	fit := func() {
		w, h := workArea()
		if w <= 0 || h <= 0 {
			return
		}
		if size, smaller := fitSize(want, w, h, win.Canvas().Scale()); smaller {
			win.Resize(size)
		}
	}
	if d.started {
		fit()
		return
	}
	d.toFit = append(d.toFit, fit)
}

// fitSize is want made to fit a work area of w×h screen pixels at scale (screen pixels
// per Fyne unit), and whether that made it smaller.
func fitSize(want fyne.Size, w, h int, scale float32) (fyne.Size, bool) {
	if scale <= 0 {
		scale = 1
	}
	room := fyne.NewSize(float32(w)/scale, float32(h-decorations)/scale)
	if want.Width <= room.Width && want.Height <= room.Height {
		return want, false
	}
	return fyne.NewSize(min(want.Width, room.Width), min(want.Height, room.Height)), true
}

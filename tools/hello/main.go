// Command hello is the Fyne hello-world that StaffDesk's window timings are read
// against: built from the same module, so with the same Fyne, the same build tags and
// the same Go, a window with an Entry and a Label that echoes it. What it costs to
// start and to repaint after a key is what any Fyne window costs on this machine; what
// StaffDesk takes beyond that is its own.
package main

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := fyneapp.NewWithID("org.staffdesk.hello")
	w := a.NewWindow("Hello")
	echo := widget.NewLabel("You typed: nothing yet")
	entry := widget.NewEntry()
	entry.PlaceHolder = "Type here"
	entry.OnChanged = func(s string) { echo.SetText("You typed: " + s) }
	// The label sits in the middle of the window, away from the entry and its blinking
	// cursor, so that a screen poll of the middle sees only the echo change.
	w.SetContent(container.NewBorder(entry, nil, nil, nil, container.NewCenter(echo)))
	// The size of the Staff window, so that both paint as many pixels.
	w.Resize(fyne.NewSize(1280, 800))
	w.Canvas().Focus(entry)
	w.ShowAndRun()
}

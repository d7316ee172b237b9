package ui

import (
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

func shot(t *testing.T, w fyne.Window, name string) {
	img := w.Canvas().Capture()
	f, err := os.Create("/tmp/u3/shots/" + name + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, img)
}

func TestZZShots(t *testing.T) {
	td, w := showStaffGrid(t, true)
	td.fyneApp.Settings().SetTheme(theme.DarkTheme())
	for _, sz := range []fyne.Size{{Width: 1024, Height: 640}, {Width: 1280, Height: 800}} {
		w.win.Resize(sz)
		td.waitIdle()
		shot(t, w.win, "grid"+fmtSize(sz))
		td.openDashboard()
		td.waitIdle()
		shot(t, w.win, "dash"+fmtSize(sz))
		w.showStaffPage()
	}
	w.win.Resize(fyne.NewSize(1024, 640))
	w.setFilter(w.filter)
	w.statusChoice.SetSelectedIndex(4)
	td.waitIdle()
	shot(t, w.win, "locked1024")
}

func fmtSize(s fyne.Size) string {
	if s.Width == 1024 {
		return "1024"
	}
	return "1280"
}

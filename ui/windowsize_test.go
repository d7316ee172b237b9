package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// Every window opens small enough for a 1024×640 screen with a 40-pixel panel, and
// its content fits the size it opens at (what does not fit scrolls).
func TestWindowsOpenWithinSmallScreen(t *testing.T) {
	td := newTestDesk(t, true)
	screen := fyne.NewSize(1024, 600)
	camille := staffByUsername(t, td, "camilles")
	mail, err := td.svc.Outbox.List(td.ctx())
	if err != nil || len(mail) == 0 {
		t.Fatalf("no demo email to view (%v)", err)
	}
	windows := map[string]fyne.Window{
		"New Office Staff":   td.showStaffForm(0).win,
		"Edit Office Staff":  td.showStaffForm(camille.ID).win,
		"Staff view":         td.showView(camille.ID).win,
		"Activate Account":   td.showActivate().win,
		"Set a New Password": td.showSetPassword().win,
		"Email Settings":     td.showEmailSettings().win,
		"Outbox":             td.showOutbox().win,
		"Email":              td.openMailView(mail[0].ID).win,
		"Offices":            td.openDirectory(officeKind).win,
	}
	td.waitIdle()
	for name, w := range windows {
		size := w.Canvas().Size()
		if size.Width > screen.Width || size.Height > screen.Height {
			t.Errorf("%s opens at %v, larger than %v", name, size, screen)
		}
		if min := w.Content().MinSize(); min.Width > size.Width || min.Height > size.Height {
			t.Errorf("%s needs %v but opens at %v", name, min, size)
		}
	}
}

package ui

import (
	"strconv"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/staffdesk/staffdesk/app"
)

// The table reuses a cell for another row when the rows change under it. A row button
// that had the keyboard pressed, after a sort or a search, for whichever account its
// cell showed by then: Enter on Abello's Edit, then a search for Volkov, opened
// Volkov's. Enter must act on the
// account the keyboard was on, or on none.
func TestStaffGridFocusedButtonKeepsItsAccount(t *testing.T) {
	for _, tc := range []struct {
		name    string
		reorder func(*testDesk, *staffWindow)
		stillOn bool // the focused account is still shown afterwards
	}{
		{"sort", func(td *testDesk, w *staffWindow) {
			// Descending: the first row is now the last. (A click on a header takes the
			// keyboard off the button; a reload after a save elsewhere keeps it there.)
			w.onSort(int(app.ColLogin))
			td.waitIdle()
		}, true},
		{"search", func(td *testDesk, w *staffWindow) {
			w.search.SetText("dvolkov") // as a reload or Clear search would, the focus staying put
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			td, w := showStaffGrid(t, true)
			c := w.win.Canvas()
			abello := staffByUsername(t, td, "abello")
			cell := gridCell(t, w, gridRowOf(t, w, "abello"), colActions)
			c.Focus(cell.edit)
			if c.Focused() != cell.edit {
				t.Fatal("Abello's Edit does not take the focus")
			}

			tc.reorder(td, w)
			other := cell.id // the account the cell shows now
			if other == abello.ID || other == 0 {
				t.Fatalf("the cell that showed Abello now shows account %d: the test does not reuse it", other)
			}
			if f := c.Focused(); f != nil {
				f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			}
			td.waitIdle()
			if isOpen(td, "edit:"+strconv.FormatInt(other, 10)) {
				t.Fatalf("Enter on Abello's Edit opened account %d, the one its cell shows now", other)
			}
			if open := isOpen(td, "edit:"+strconv.FormatInt(abello.ID, 10)); open != tc.stillOn {
				t.Errorf("Abello's Edit open: %v; want %v (she is shown: %v)", open, tc.stillOn, tc.stillOn)
			}
			if c.Focused() == cell.edit || c.Focused() == cell.view || c.Focused() == cell.more {
				t.Error("a button of the reused cell still has the keyboard")
			}
		})
	}
}

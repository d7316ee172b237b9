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

// Escape in the search box clears a search, showing every row again; in an empty
// search box it leaves the keyboard there, as Escape anywhere else in the window
// brings it there.
func TestStaffGridSearchEscape(t *testing.T) {
	_, w := showStaffGrid(t, true)
	c := w.win.Canvas()
	c.Focus(w.search)
	typeSearch(w, "camille")
	if w.footer.Text != "Showing 1 of 12 records" {
		t.Fatalf("the search shows %q", w.footer.Text)
	}
	pressOn(t, w.win, w.search, fyne.KeyEscape)
	if w.search.Text != "" || w.footer.Text != "Showing 10 of 12 records" || len(gridLogins(t, w)) != 10 {
		t.Errorf("Escape left the search %q, footer %q", w.search.Text, w.footer.Text)
	}
	if c.Focused() != w.search {
		t.Errorf("after Escape the keyboard is on %v, not the search box", c.Focused())
	}

	typeSearch(w, "zzz")
	if !w.noMatch.Visible() {
		t.Fatal("a search matching no one shows rows")
	}
	pressOn(t, w.win, w.search, fyne.KeyEscape)
	if w.search.Text != "" || !w.table.Visible() || w.noMatch.Visible() {
		t.Errorf("Escape on a search matching no one: search %q, grid shown %v", w.search.Text, w.table.Visible())
	}

	pressOn(t, w.win, w.search, fyne.KeyEscape)
	if w.search.Text != "" || c.Focused() != w.search || w.footer.Text != "Showing 10 of 12 records" {
		t.Errorf("Escape in the empty search: %q, keyboard on %v, footer %q", w.search.Text, c.Focused(), w.footer.Text)
	}
}

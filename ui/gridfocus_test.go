package ui

import (
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
)

// The table reuses a cell for another row when the rows change under it. A row button
// that had the keyboard pressed, after a scroll, a sort or a search, for whichever account its
// cell showed by then: Enter on Abello's Edit, then a search for Volkov, opened
// Volkov's. Enter must act on the account the keyboard was on, or on none: the
// keyboard goes to the grid with that account selected, where Enter opens it for
// editing.
func TestStaffGridFocusedButtonKeepsItsAccount(t *testing.T) {
	for _, tc := range []struct {
		name    string
		reorder func(*testDesk, *staffWindow)
		stillOn bool // the focused account is still shown afterwards
		bulk    int  // accounts added to the demo practice's
	}{
		{"scroll", func(td *testDesk, w *staffWindow) {
			for y := float32(0); y <= 1500; y += 50 { // as the mouse wheel does, the keyboard staying put
				w.table.ScrollToOffset(fyne.NewPos(0, y))
			}
		}, true, 200},
		{"sort", func(td *testDesk, w *staffWindow) {
			// Descending: the first row is now the last. (A click on a header takes the
			// keyboard off the button; a reload after a save elsewhere keeps it there.)
			w.onSort(int(app.ColLogin))
			td.waitIdle()
		}, true, 0},
		{"search", func(td *testDesk, w *staffWindow) {
			w.search.SetText("dvolkov") // as a reload or Clear search would, the focus staying put
		}, false, 0},
	} {
		for _, which := range []string{"View", "Edit", "⋯"} {
			t.Run(tc.name+" "+which, func(t *testing.T) {
				td := newTestDesk(t, true)
				seedBulkStaff(t, td, tc.bulk)
				td.ShowMain()
				td.waitIdle()
				w := td.staff
				t.Cleanup(w.win.Close)
				c := w.win.Canvas()
				abello := staffByUsername(t, td, "abello")
				cell := gridCell(t, w, gridRowOf(t, w, "abello"), colActions)
				b := map[string]*rowButton{"View": cell.view, "Edit": cell.edit, "⋯": cell.more}[which]
				// As the keyboard gets there: the arrows select her row in the grid, Tab
				// goes on to its buttons.
				c.Focus(w.table)
				w.selectRow(gridRowOf(t, w, "abello"))
				for range 3 {
					if c.Focused() == b {
						break
					}
					test.FocusNext(c)
				}
				if c.Focused() != b {
					t.Fatalf("Tab from the grid with Abello selected does not reach her %s (the keyboard is on %v)", which, c.Focused())
				}

				tc.reorder(td, w)
				other := cell.id // the account the cell shows now
				if other == abello.ID || other == 0 {
					if raceEnabled {
						// Fyne's table keeps spare cells in a sync.Pool, which the race
						// detector empties at random: this cell was dropped, not reused.
						t.Skip("the table dropped the cell instead of reusing it, as it may under -race")
					}
					t.Fatalf("the cell that showed Abello now shows account %d: the test does not reuse it", other)
				}
				w.menu = nil
				if f := c.Focused(); f != nil {
					f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
				}
				td.waitIdle()
				for _, key := range []string{"view:", "edit:"} {
					if isOpen(td, key+strconv.FormatInt(other, 10)) {
						t.Fatalf("Enter on Abello's %s opened %s%d, the account its cell shows now", which, key, other)
					}
				}
				if w.menu != nil {
					t.Fatalf("Enter on Abello's %s opened a row's menu", which)
				}
				if open := isOpen(td, "edit:"+strconv.FormatInt(abello.ID, 10)); open != tc.stillOn {
					t.Errorf("Abello's Edit open: %v; want %v (she is shown: %v)", open, tc.stillOn, tc.stillOn)
				}
				if c.Focused() != w.table || w.selected != abello.ID {
					t.Errorf("the keyboard is on %v with account %d selected; want the grid, with Abello (%d)", c.Focused(), w.selected, abello.ID)
				}
			})
		}
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
	if w.footer.Text != "Showing 1 of 13 records" { // the demo's 12 staff and its office manager
		t.Fatalf("the search shows %q", w.footer.Text)
	}
	pressOn(t, w.win, w.search, fyne.KeyEscape)
	if w.search.Text != "" || w.footer.Text != "Showing 11 of 13 records" || len(gridLogins(t, w)) != 11 {
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
	if w.search.Text != "" || c.Focused() != w.search || w.footer.Text != "Showing 11 of 13 records" {
		t.Errorf("Escape in the empty search: %q, keyboard on %v, footer %q", w.search.Text, c.Focused(), w.footer.Text)
	}
}

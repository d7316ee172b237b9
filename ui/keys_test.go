package ui

import (
	"image/color"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/staffdesk/staffdesk/app"
)

// Tab in the office's multi-line Address moves on to Phone; no tab is typed.
func TestOfficeAddressTabMovesOn(t *testing.T) {
	td := newTestDesk(t, true)
	w := openDirectoryWindow(t, td, officeKind)
	test.Tap(w.add)
	addr, phone := w.form.entries[app.FieldAddress], w.form.entries[app.FieldPhone]
	c := w.win.Canvas()
	c.Focus(addr)
	test.Type(addr, "100 Main Street")
	if addr.AcceptsTab() {
		t.Error("the Address takes Tab as text: the window would not move the focus on")
	}
	addr.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	if strings.Contains(addr.Text, "\t") {
		t.Errorf("Tab typed a tab into the address: %q", addr.Text)
	}
	if c.Focused() != phone {
		t.Errorf("after Tab in Address the focus is on %s, not Phone", describe(c.Focused()))
	}
	// Enter still starts a new line there.
	c.Focus(addr)
	addr.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !strings.Contains(addr.Text, "\n") || w.form == nil {
		t.Errorf("Enter in Address: text %q, form open %v", addr.Text, w.form != nil)
	}
}

// visibleIn reports whether all of o is inside the scroll's view.
func visibleIn(s fyne.CanvasObject, o fyne.CanvasObject) bool {
	drv := fyne.CurrentApp().Driver()
	top := drv.AbsolutePositionForObject(o).Y - drv.AbsolutePositionForObject(s).Y
	return top >= 0 && top+o.Size().Height <= s.Size().Height
}

// Tab to a field below the fold scrolls the form so that the field is in view, and
// Shift+Tab back up scrolls up again.
func TestStaffFormTabScrollsFieldIntoView(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	f.win.Resize(fyne.NewSize(720, 420))
	c := f.win.Canvas()
	c.Focus(f.firstName)
	for c.Focused() != f.emergencyAccess {
		test.FocusNext(c)
		o := c.Focused().(fyne.CanvasObject)
		if o == f.cancel || o == f.submit { // in the footer, outside the scroll
			continue
		}
		if !visibleIn(f.scroll, o) {
			t.Fatalf("Tab to %s left it out of view (scrolled to %v)", describe(c.Focused()), f.scroll.Offset)
		}
		if o == f.unlockPIN && !visibleIn(f.scroll, f.fields.byName[app.FieldUnlockPIN].hint) {
			t.Errorf("Tab to App Unlock PIN left its hint out of view")
		}
	}
	if f.scroll.Offset.Y == 0 {
		t.Fatal("the form never scrolled")
	}
	for c.Focused() != f.firstName {
		test.FocusPrevious(c)
		if o := c.Focused().(fyne.CanvasObject); o != f.cancel && o != f.submit && !visibleIn(f.scroll, o) {
			t.Fatalf("Shift+Tab to %s left it out of view", describe(c.Focused()))
		}
	}
}

// In a confirmation dialog Enter confirms and Escape cancels.
func TestConfirmDialogKeys(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	test.Type(f.firstName, "Olivia")
	c := f.win.Canvas()
	f.firstName.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // asks "Discard changes?"
	if f.discard == nil {
		t.Fatal("Escape with changes did not ask")
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) // as the window sends it: nothing in the dialog is focused
	if f.discard != nil || !isOpen(td, "new-staff") {
		t.Fatalf("Escape in the question: still asking %v, window open %v", f.discard != nil, isOpen(td, "new-staff"))
	}
	f.firstName.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if isOpen(td, "new-staff") {
		t.Error("Enter in \"Discard changes?\" did not discard")
	}
}

// Escape works while a button has focus, and Enter presses the focused button.
func TestEscapeWithButtonFocused(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	c := f.win.Canvas()
	pin := f.unlockPIN.Text
	c.Focus(f.newUnlockPIN)
	f.newUnlockPIN.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.unlockPIN.Text == pin {
		t.Error("Enter on New PIN did not make a new PIN")
	}
	f.baseline = f.state() // nothing to discard
	c.Focus(f.cancel)
	f.cancel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if isOpen(td, "new-staff") {
		t.Error("Escape with the Cancel button focused did nothing")
	}

	a := td.showActivate()
	a.win.Canvas().Focus(a.submit)
	a.submit.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if isOpen(td, "activate") {
		t.Error("Escape with Activate focused did not close Activate Account")
	}
}

// focusRingOf is the visible ring drawn round o, if any.
func focusRingOf(o fyne.Widget) *canvas.Rectangle {
	for _, obj := range test.WidgetRenderer(o).Objects() {
		if r, ok := obj.(*canvas.Rectangle); ok && r.Visible() && r.StrokeWidth >= 2 {
			return r
		}
	}
	return nil
}

// The focus on a check box and on a blue (primary) button is a ring that stands out
// (3:1, WCAG's minimum for a focus indicator) against the window and the button, in
// the light and the dark theme.
func TestFocusRingIsVisible(t *testing.T) {
	td := newTestDesk(t, true)
	td.fyneApp.Settings().SetTheme(theme.DefaultTheme()) // the app's own, not the test driver's
	f := openForm(t, td, 0)
	c := f.win.Canvas()
	th := td.fyneApp.Settings().Theme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		bg := th.Color(theme.ColorNameBackground, v)
		for _, w := range []struct {
			name   string
			o      fyne.Widget
			behind color.Color
		}{
			{"check box", f.dailyBilling, bg},
			{"Create button", f.submit, th.Color(theme.ColorNamePrimary, v)},
		} {
			c.Focus(w.o.(fyne.Focusable))
			ring := focusRingOf(w.o)
			if ring == nil {
				t.Errorf("a focused %s has no ring", w.name)
				continue
			}
			stroke := focusRingColor(th, v)
			if v == td.fyneApp.Settings().ThemeVariant() && ring.StrokeColor != stroke {
				t.Errorf("the %s's ring is drawn in %v, not %v", w.name, ring.StrokeColor, stroke)
			}
			if got := contrast(stroke, w.behind); got < 3 {
				t.Errorf("variant %v: the %s's ring has contrast %.1f:1 with what is behind it", v, w.name, got)
			}
			if got := contrast(stroke, bg); got < 3 {
				t.Errorf("variant %v: the %s's ring has contrast %.1f:1 with the window", v, w.name, got)
			}
		}
	}
	c.Focus(f.firstName)
	if focusRingOf(f.dailyBilling) != nil || focusRingOf(f.submit) != nil {
		t.Error("the ring stays after the focus has moved on")
	}
}

// The grid's questions take Enter and Escape too: Enter in "Deactivate staff member"
// deactivates, Escape in "Resend activation email" sends nothing.
func TestStaffGridConfirmKeys(t *testing.T) {
	td, w := showStaffGrid(t, true)
	camille := staffByUsername(t, td, "camilles")
	w.onDeactivate(camille)
	pressWithNothingFocused(t, w.win, fyne.KeyReturn)
	td.waitIdle()
	if got := staffByUsername(t, td, "camilles"); got.Status != app.StatusInactive {
		t.Errorf("Enter in the Deactivate question left Camille %s", got.Status)
	}
	jamie := staffByUsername(t, td, "jamie_demo_staff")
	before, err := td.svc.Outbox.List(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	w.onResendActivation(jamie)
	pressWithNothingFocused(t, w.win, fyne.KeyEscape)
	td.waitIdle()
	after, err := td.svc.Outbox.List(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if w.confirm != nil || len(after) != len(before) {
		t.Errorf("Escape in the Resend question: still asking %v, %d emails became %d", w.confirm != nil, len(before), len(after))
	}
}

// pressWithNothingFocused sends key to win as the window does when no widget has focus.
func pressWithNothingFocused(t *testing.T, win fyne.Window, key fyne.KeyName) {
	t.Helper()
	h := win.Canvas().OnTypedKey()
	if h == nil {
		t.Fatalf("%s: nothing takes %s", win.Title(), key)
	}
	h(&fyne.KeyEvent{Name: key})
}

// Enter sends the password reset from its question, and Escape closes the notice that
// follows.
func TestResetPasswordKeys(t *testing.T) {
	td := newTestDesk(t, true)
	camille := staffByUsername(t, td, "camilles")
	f := openForm(t, td, camille.ID)
	test.Tap(f.resetPassword)
	pressWithNothingFocused(t, f.win, fyne.KeyReturn)
	td.waitIdle()
	if !strings.Contains(overlayText(f.win), "password reset email") {
		t.Fatalf("after Enter in the question the window shows %q", overlayText(f.win))
	}
	pressWithNothingFocused(t, f.win, fyne.KeyEscape)
	if top := f.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("Escape left the notice up: %q", overlayText(f.win))
	}
	if !isOpen(td, "edit:"+strconv.FormatInt(camille.ID, 10)) {
		t.Error("Escape on the notice closed the Edit window too")
	}
}

// pressOn gives key to the focused widget o, as the window does.
func pressOn(t *testing.T, win fyne.Window, o fyne.Focusable, key fyne.KeyName) {
	t.Helper()
	win.Canvas().Focus(o)
	if win.Canvas().Focused() != o {
		t.Fatalf("%s does not take the focus", describe(o))
	}
	o.TypedKey(&fyne.KeyEvent{Name: key})
}

// The Staff window's buttons take Enter as a press and pass Escape on, as the other
// windows' do: in the grid's rows (View, Edit, ⋯), the toolbar, the mail banner, the
// empty search and the Delete dialog. Escape closes the Delete dialog, and otherwise
// brings the keyboard back to the search box (the main window does not close).
func TestStaffGridButtonKeys(t *testing.T) {
	td, w := showStaffGrid(t, true)
	c := w.win.Canvas()
	camille := staffByUsername(t, td, "camilles")
	row := func() *staffCell { return hoverRow(t, w, gridRowOf(t, w, "camilles")) }

	pressOn(t, w.win, row().view, fyne.KeyReturn)
	viewKey := "view:" + strconv.FormatInt(camille.ID, 10)
	if !isOpen(td, viewKey) {
		t.Error("Enter on View did not open the account")
	} else {
		win, _ := td.window(viewKey)
		win.Close()
	}
	pressOn(t, w.win, row().edit, fyne.KeyEscape)
	if c.Focused() != w.search {
		t.Errorf("Escape on Edit left the keyboard on %s, not the search box", describe(c.Focused()))
	}
	pressOn(t, w.win, w.table, fyne.KeyEscape)
	if c.Focused() != w.search {
		t.Errorf("Escape in the grid left the keyboard on %v, not the search box", c.Focused())
	}
	pressOn(t, w.win, row().edit, fyne.KeyReturn)
	editKey := "edit:" + strconv.FormatInt(camille.ID, 10)
	if !isOpen(td, editKey) {
		t.Error("Enter on Edit did not open the account")
	} else {
		win, _ := td.window(editKey)
		win.Close()
	}
	td.waitIdle()

	w.menu = nil
	pressOn(t, w.win, row().more, fyne.KeyReturn)
	if w.menu == nil || !w.menu.Visible() {
		t.Fatal("Enter on ⋯ did not open the row's menu")
	}
	w.menu.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.menu.Visible() {
		t.Error("Escape left the row's menu open")
	}

	chooseRowMenu(t, w, "camilles", "Delete…")
	if w.deletion == nil {
		t.Fatal("Delete did not open its dialog")
	}
	pressOn(t, w.win, w.deletion.cancel, fyne.KeyEscape)
	if w.deletion != nil {
		t.Error("Escape with the Delete dialog's Cancel focused left the dialog open")
	}
	chooseRowMenu(t, w, "camilles", "Delete…")
	del := w.deletion
	test.Type(del.entry, "camilles")
	pressOn(t, w.win, del.cancel, fyne.KeyReturn)
	td.waitIdle()
	if w.deletion != nil || staffByUsername(t, td, "camilles") == nil {
		t.Error("Enter on the Delete dialog's Cancel did not cancel")
	}

	pressOn(t, w.win, w.addButton, fyne.KeyEscape)
	if c.Focused() != w.search {
		t.Errorf("Escape on Add Staff Member left the keyboard on %s", describe(c.Focused()))
	}
	pressOn(t, w.win, w.addButton, fyne.KeyReturn)
	if !isOpen(td, "new-staff") {
		t.Error("Enter on Add Staff Member opened nothing")
	} else {
		win, _ := td.window("new-staff")
		win.Close()
	}
	td.waitIdle()

	if !w.mailBanner.Visible() || w.mailAction.Text != "Set up email" {
		t.Fatalf("the mail banner: shown %v, %q", w.mailBanner.Visible(), w.mailAction.Text)
	}
	pressOn(t, w.win, w.mailAction, fyne.KeyReturn)
	td.waitIdle()
	if !isOpen(td, "email-settings") {
		t.Error("Enter on Set up email opened nothing")
	}

	typeSearch(w, "no such person")
	if !w.noMatch.Visible() {
		t.Fatal("a search matching no one shows rows")
	}
	pressOn(t, w.win, w.clearSearch, fyne.KeyReturn)
	if w.search.Text != "" || c.Focused() != w.search {
		t.Errorf("Enter on Clear search: search %q, focus on %s", w.search.Text, describe(c.Focused()))
	}
}

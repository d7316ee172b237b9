package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
)

// showsText reports whether a label in o says text where a person sees it: shown,
// and laid out (a label shown in a row that nothing lays out again has no size).
func showsText(o fyne.CanvasObject, text string) bool {
	if !o.Visible() {
		return false
	}
	if l, ok := o.(*widget.Label); ok && l.Text == text {
		return l.Size().Width > 0 && l.Size().Height > 0
	}
	var kids []fyne.CanvasObject
	switch o := o.(type) {
	case *fyne.Container:
		kids = o.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(o).Objects()
	}
	for _, c := range kids {
		if showsText(c, text) {
			return true
		}
	}
	return false
}

// runUntil runs the UI changes the desk queues, as the UI thread would, until cond
// holds or within has passed; it reports whether cond held.
func (td *testDesk) runUntil(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		select {
		case fn := <-td.run.queue:
			fn()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}

// Another desk is saving (a real second connection holds the file's write lock) while
// the manager creates an account: the form says it waits, then saves once the other
// desk is done, and the notice goes away.
func TestStaffFormCreateWaitsForAnotherDesk(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	fillValid(f)
	release, err := data.HoldWriteLock(td.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	test.Tap(f.submit)
	if !td.runUntil(10*time.Second, func() bool { return showsText(f.win.Content(), app.WaitingMessage) }) {
		release()
		td.waitIdle()
		t.Fatalf("the form never said it waits for another StaffDesk; summary %q, open %v", f.summary.Text, isOpen(td, "new-staff"))
	}
	if !f.submit.Disabled() || f.firstName.Text != "Olivia" {
		t.Fatalf("while waiting: submit disabled %v, first name %q", f.submit.Disabled(), f.firstName.Text)
	}
	release()
	td.waitIdle()
	if showsText(f.win.Content(), app.WaitingMessage) {
		t.Error("the waiting notice stayed after the save")
	}
	if isOpen(td, "new-staff") || staffByUsername(t, td, "ohart") == nil {
		t.Fatalf("not saved after the other desk finished: open %v, summary %q", isOpen(td, "new-staff"), f.summary.Text)
	}
}

// The other desk keeps the lock for longer than a save waits: the form says so beside
// its buttons in the app's words (never "database is locked"), keeps every typed value,
// and the same button works once the other desk is done.
func TestStaffFormCreateBusyKeepsTheValues(t *testing.T) {
	defer data.SetWriteWait(time.Second)()
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	fillValid(f)
	release, err := data.HoldWriteLock(td.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	submit(td, f)
	release()

	busy := app.Busy(nil).Message
	if !showsText(f.win.Content(), busy) {
		t.Fatalf("the form does not say %q; summary %q (shown %v)", busy, f.summary.Text, f.summary.Visible())
	}
	for _, o := range f.win.Canvas().Overlays().List() {
		t.Errorf("a dialog covers the form: %T", o)
	}
	if showsText(f.win.Content(), app.WaitingMessage) {
		t.Error("it still says it waits")
	}
	if !isOpen(td, "new-staff") || f.firstName.Text != "Olivia" || f.email.Text != "olivia.hart@example.com" ||
		f.password.Text != goodPassword || f.submit.Disabled() {
		t.Fatalf("after EBUSY: open %v, first name %q, email %q, submit disabled %v",
			isOpen(td, "new-staff"), f.firstName.Text, f.email.Text, f.submit.Disabled())
	}
	if showsText(f.win.Content(), "database is locked") || strings.Contains(f.summary.Text, "locked") {
		t.Error("SQLite's words reach the person")
	}

	submit(td, f)
	if isOpen(td, "new-staff") || staffByUsername(t, td, "ohart") == nil {
		t.Fatalf("the second try did not save: summary %q", f.summary.Text)
	}
	if showsText(f.win.Content(), busy) {
		t.Error("the busy note stayed")
	}
}

// A window without a place of its own for the notice (the Roles window's form): while
// its save waits for another desk, the Staff window says so at its top, and stops once
// the save is through.
func TestStaffWindowSaysASaveWaits(t *testing.T) {
	td := newTestDesk(t, false)
	td.ShowMain()
	td.waitIdle()
	w := openDirectoryWindow(t, td, roleKind)
	test.Tap(w.add)
	fill(t, w.form, map[string]string{app.FieldName: "Scheduler"})
	release, err := data.HoldWriteLock(td.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	test.Tap(w.form.save)
	staff := td.staff.win.Content()
	if !td.runUntil(10*time.Second, func() bool { return showsText(staff, app.WaitingMessage) }) {
		release()
		td.waitIdle()
		t.Fatal("the Staff window never said a save waits for another StaffDesk")
	}
	release()
	td.waitIdle()
	if showsText(staff, app.WaitingMessage) {
		t.Error("the notice stayed after the save")
	}
	if _, ok := findItem(w, "Scheduler"); !ok {
		t.Errorf("not saved: %v", shownTitles(w))
	}
}

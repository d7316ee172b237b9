package ui

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
)

// Two windows on one account: the Save of the one opened first, after the other has
// saved, does not silently undo that save. The manager is told and chooses: Keep my
// changes saves their values over the account as it is now; Reload shows it as it is
// now and drops their edits.
func TestStaffFormStaleSave(t *testing.T) {
	td := newTestDesk(t, true)
	camille := staffByUsername(t, td, "camilles")
	f := openForm(t, td, camille.ID)

	other := *camille // a second desk saves first
	other.LastName = "Nurse"
	if _, err := td.svc.Staff.Update(td.ctx(), &other); err != nil {
		t.Fatal(err)
	}
	f.cellPhone.SetText("(212) 555-0177")
	submit(td, f)
	if f.stale == nil || f.finished {
		t.Fatal("the stale save was not refused")
	}
	if got := overlayText(f.win); !strings.Contains(got, "Camille's account was changed since you opened it: reload or keep your changes") {
		t.Fatalf("the question says %q", got)
	}
	if s := staffByUsername(t, td, "camilles"); s.LastName != "Nurse" || s.CellPhone == "+12125550177" {
		t.Fatalf("the stale save wrote: %s, %s", s.LastName, s.CellPhone)
	}
	test.Tap(f.stale.keep)
	td.waitIdle()
	if !f.finished {
		t.Fatalf("Keep my changes did not save: %v", f.fields.errorOf(app.FieldCellPhone))
	}
	if s := staffByUsername(t, td, "camilles"); s.CellPhone != "+12125550177" || s.LastName != "Staff" {
		t.Fatalf("after Keep my changes: %s, %s; want the form's values", s.LastName, s.CellPhone)
	}

	// Reload: the form shows the account as the other desk left it.
	f = openForm(t, td, camille.ID)
	other = *staffByUsername(t, td, "camilles")
	other.FirstName = "Camila"
	if _, err := td.svc.Staff.Update(td.ctx(), &other); err != nil {
		t.Fatal(err)
	}
	f.lastName.SetText("Nurse")
	submit(td, f)
	if f.stale == nil {
		t.Fatal("the second stale save was not refused")
	}
	test.Tap(f.stale.reload)
	td.waitIdle()
	if f.finished || f.firstName.Text != "Camila" || f.lastName.Text != "Staff" || f.changed() {
		t.Fatalf("after Reload: open %v, %q %q, changed %v", !f.finished, f.firstName.Text, f.lastName.Text, f.changed())
	}
	submit(td, f) // now at the current version: saves
	if !f.finished {
		t.Fatal("saving after Reload was refused")
	}
}

// The directory's forms ask the same when the record changed since the list loaded it.
func TestDirectoryFormStaleSave(t *testing.T) {
	td := newTestDesk(t, true)
	w := openDirectoryWindow(t, td, officeKind)
	it := selectRow(t, w, "Main Street Clinic")
	test.Tap(w.edit)
	f := w.form
	var cur *app.Office
	for _, o := range loadDirectory(t, td).Offices {
		if o.ID == it.id {
			cur = o
		}
	}
	cur.Phone = "(217) 555-0111"
	if _, err := td.svc.Directory.SaveOffice(td.ctx(), cur); err != nil {
		t.Fatal(err)
	}
	fill(t, f, map[string]string{app.FieldName: "Main Street Family Clinic"})
	saveForm(td, f)
	if f.stale == nil || w.form != f {
		t.Fatal("the stale save was not refused")
	}
	if got := overlayText(w.win); !strings.Contains(got, "The office Main Street Clinic was changed since you opened it") {
		t.Fatalf("the question says %q", got)
	}
	test.Tap(f.stale.reload)
	td.waitIdle()
	if w.form == nil || w.form == f || w.form.entries[app.FieldName].Text != "Main Street Clinic" || w.form.entries[app.FieldPhone].Text != "(217) 555-0111" {
		t.Fatalf("Reload did not show the office as it is now: %+v", w.form)
	}
	f = w.form
	fill(t, f, map[string]string{app.FieldName: "Main Street Family Clinic"})
	saveForm(td, f)
	if w.form != nil {
		t.Fatalf("saving after Reload: %q", f.problem.Text)
	}
}

// Deleting a Pending account cancels its waiting activation email and says so.
func TestStaffGridDeleteSaysMailCancelled(t *testing.T) {
	td, w := showStaffGrid(t, true)
	var pending *app.Staff
	for _, s := range mustList(t, td) {
		if s.Status == app.StatusPending {
			pending = s
			break
		}
	}
	if pending == nil {
		t.Fatal("the demo has no Pending account")
	}
	chooseRowMenu(t, w, pending.Username, "Delete…")
	test.Type(w.deletion.entry, pending.Username)
	test.Tap(w.deletion.delete)
	td.waitIdle()
	if got := overlayText(w.win); !strings.Contains(got, "Deleted. 1 waiting email was cancelled.") {
		t.Fatalf("after Delete the window says %q", got)
	}
	pressWithNothingFocused(t, w.win, fyne.KeyReturn) // as every other notice
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("Enter left the notice up: %q", overlayText(w.win))
	}
}

func mustList(t *testing.T, td *testDesk) []*app.Staff {
	t.Helper()
	list, err := td.svc.Staff.List(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// A Pending account's mistyped address is corrected in Edit, and the new address gets
// an activation email at once, which the window says.
func TestStaffFormCorrectPendingEmail(t *testing.T) {
	td, w := showStaffGrid(t, true)
	var pending *app.Staff
	for _, s := range mustList(t, td) {
		if s.Status == app.StatusPending {
			pending = s
			break
		}
	}
	f := openForm(t, td, pending.ID)
	if f.email == nil || f.emailChange != nil || f.email.Text != pending.Email {
		t.Fatalf("a Pending account's address is not an entry showing %q", pending.Email)
	}
	f.email.SetText("corrected@example.com")
	submit(td, f)
	if !f.finished {
		t.Fatalf("not saved: %q", f.fields.errorOf(app.FieldEmail))
	}
	if got := overlayText(w.win); !strings.Contains(got, "An activation email was sent to the new address, corrected@example.com.") {
		t.Fatalf("the window says %q", got)
	}
	pressWithNothingFocused(t, w.win, fyne.KeyReturn)
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("Enter left the notice up: %q", overlayText(w.win))
	}
	list, err := td.svc.Outbox.List(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	var toNew, toOld app.MailStatus
	for _, m := range list {
		if m.Kind != app.MailActivation {
			continue
		}
		switch m.ToAddress {
		case "corrected@example.com":
			toNew = m.Status
		case pending.Email:
			toOld = m.Status
		}
	}
	if toNew != app.MailQueued || toOld != app.MailCancelled {
		t.Fatalf("activation to the new address %q, to the old %q", toNew, toOld)
	}
}

// The "changed since you opened it" question takes Enter and Escape as the other
// questions do: Escape puts it away and leaves the form as it was (it does not close
// the form behind it, leaving the question up); Enter keeps the person's changes.
// Its buttons take them too when focused.
func TestStaleQuestionKeys(t *testing.T) {
	td := newTestDesk(t, true)
	w := openDirectoryWindow(t, td, officeKind)
	it := selectRow(t, w, "Main Street Clinic")
	moveOn := func() {
		t.Helper()
		for _, o := range loadDirectory(t, td).Offices {
			if o.ID == it.id {
				o.Phone = "(217) 555-01" + strconv.Itoa(10+int(o.Version))
				if _, err := td.svc.Directory.SaveOffice(td.ctx(), o); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	test.Tap(w.edit)
	f := w.form
	fill(t, f, map[string]string{app.FieldName: "Main Street Family Clinic"})
	moveOn()
	saveForm(td, f)
	if f.stale == nil {
		t.Fatal("the stale save was not refused")
	}
	pressWithNothingFocused(t, w.win, fyne.KeyEscape)
	overlays := func() int { return len(w.win.Canvas().Overlays().List()) }
	if overlays() != 1 {
		t.Fatalf("after Escape in the question the window shows %q on top (form open %v)", overlayText(w.win), w.form != nil)
	}
	if w.form != f || f.entries[app.FieldName].Text != "Main Street Family Clinic" {
		t.Fatal("Escape in the question closed the form or lost the edit")
	}

	saveForm(td, f)
	if f.stale == nil || overlays() != 2 {
		t.Fatal("the second stale save was not asked about")
	}
	pressWithNothingFocused(t, w.win, fyne.KeyReturn)
	td.waitIdle()
	if w.form != nil {
		t.Fatalf("Enter in the question did not keep the changes: %q", f.problem.Text)
	}
	for _, o := range loadDirectory(t, td).Offices {
		if o.ID == it.id && o.Name != "Main Street Family Clinic" {
			t.Fatalf("after Enter the office is %q", o.Name)
		}
	}

	// The same with the question's buttons focused.
	selectRow(t, w, "Main Street Family Clinic")
	test.Tap(w.edit)
	f = w.form
	fill(t, f, map[string]string{app.FieldName: "Main Street Clinic"})
	moveOn()
	saveForm(td, f)
	if f.stale == nil {
		t.Fatal("the third stale save was not refused")
	}
	pressOn(t, w.win, f.stale.reload, fyne.KeyEscape)
	if w.form != f || overlays() != 1 {
		t.Fatal("Escape on Reload did not just put the question away")
	}
	saveForm(td, f)
	pressOn(t, w.win, f.stale.reload, fyne.KeyReturn)
	td.waitIdle()
	if w.form == nil || w.form == f || w.form.entries[app.FieldName].Text != "Main Street Family Clinic" {
		t.Fatal("Enter on Reload did not reload the form")
	}
}

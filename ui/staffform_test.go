package ui

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

const goodPassword = "Violet-Harbor-Lantern-93"

// openForm opens the New (id 0) or Edit window and waits until it has loaded.
func openForm(t *testing.T, td *testDesk, id int64) *staffForm {
	t.Helper()
	f := td.showStaffForm(id)
	if f == nil {
		t.Fatal("the window was already open")
	}
	td.waitIdle()
	if !f.ready {
		t.Fatalf("the form did not load; window shows %T", f.win.Content())
	}
	return f
}

// fillValid types a complete, acceptable new account into f.
func fillValid(f *staffForm) {
	test.Type(f.firstName, "Olivia")
	test.Type(f.lastName, "Hart")
	f.provider.SetSelected("Kate Provider, MD")
	f.role.SetSelected("Nurse")
	test.Type(f.email, "olivia.hart@example.com")
	test.Type(f.username, "ohart")
	test.Type(f.password, goodPassword)
	test.Type(f.confirm, goodPassword)
	test.Type(f.cellPhone, "(212) 555-0199")
}

func submit(td *testDesk, f *staffForm) {
	test.Tap(f.submit)
	td.waitIdle()
}

// staffByUsername is the account as the person signed in at the desk sees it, or nil.
func staffByUsername(t *testing.T, td *testDesk, username string) *app.Staff {
	t.Helper()
	return staffAs(t, td, td.ctx(), username)
}

// staffAs is the account as the person of ctx's session sees it, or nil.
func staffAs(t *testing.T, td *testDesk, ctx context.Context, username string) *app.Staff {
	t.Helper()
	all, err := td.svc.Staff.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Username == username {
			full, err := td.svc.Staff.Get(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			return full
		}
	}
	return nil
}

func isOpen(td *testDesk, key string) bool {
	_, ok := td.window(key)
	return ok
}

func TestStaffFormCreate(t *testing.T) {
	td := newTestDesk(t, true)
	td.ShowMain()
	td.waitIdle() // the test driver runs fyne.Do on the calling goroutine: keep the loads apart
	f := openForm(t, td, 0)
	if got := f.win.Title(); got != "New Office Staff" {
		t.Errorf("title = %q", got)
	}
	if !f.dailyBilling.Checked || !f.emailUpdate.Checked || f.newDashboard.Checked || f.emergencyAccess.Checked || f.restrictOffices.Checked {
		t.Errorf("defaults: billing %v, email update %v, dashboard %v, emergency %v, restrict %v",
			f.dailyBilling.Checked, f.emailUpdate.Checked, f.newDashboard.Checked, f.emergencyAccess.Checked, f.restrictOffices.Checked)
	}
	pin := f.unlockPIN.Text
	if err := app.CheckUnlockPIN(pin); err != nil {
		t.Errorf("the generated PIN is refused: %v", err)
	}
	for _, o := range f.provider.Options {
		if strings.Contains(o, "Robert") {
			t.Errorf("the inactive provider is offered: %q", o)
		}
	}

	fillValid(f)
	f.careTeamRole.SetSelected("General nurse (occupation)")
	f.careTeamIDType.SetSelected("NPI")
	test.Type(f.careTeamID, "1245319599")
	f.emergencyAccess.SetChecked(true)
	f.restrictOffices.SetChecked(true)
	f.officeChecks[1].SetChecked(true)
	submit(td, f)

	if msg := f.summary.Text; f.summary.Visible() {
		t.Fatalf("not created: %s; email %q, password %q, phone %q", msg,
			f.fields.errorOf(app.FieldEmail), f.fields.errorOf(app.FieldPassword), f.fields.errorOf(app.FieldCellPhone))
	}
	if isOpen(td, "new-staff") {
		t.Error("the window is still open after a successful create")
	}
	s := staffByUsername(t, td, "ohart")
	if s == nil {
		t.Fatal("ohart is not in the database")
	}
	if td.staff.roster == nil || td.staff.roster.IndexOf(s.ID) < 0 {
		t.Error("the new account is not in the Staff grid")
	} else if td.staff.selected != s.ID {
		t.Errorf("the grid selects %d, not the new account %d", td.staff.selected, s.ID)
	}
	if s.FullName() != "Olivia Hart" || s.Email != "olivia.hart@example.com" || s.ProviderName != "Kate Provider, MD" || s.RoleName != "Nurse" {
		t.Errorf("saved %q %q %q %q", s.FullName(), s.Email, s.ProviderName, s.RoleName)
	}
	if s.Status != app.StatusPending {
		t.Errorf("status = %s, want pending activation", s.Status)
	}
	if s.CellPhone != "+12125550199" || s.HomePhone != "" {
		t.Errorf("phones = %q / %q", s.CellPhone, s.HomePhone)
	}
	if s.CareTeamRoleName != "General nurse (occupation)" || s.CareTeamIDType != app.CareTeamIDNPI || s.CareTeamID != "1245319599" {
		t.Errorf("care team = %q %q %q", s.CareTeamRoleName, s.CareTeamIDType, s.CareTeamID)
	}
	if !s.SendDailyBilling || !s.EnableEmailUpdate || s.UseNewDashboard || !s.EmergencyAccess {
		t.Errorf("settings: billing %v, email update %v, dashboard %v, emergency %v",
			s.SendDailyBilling, s.EnableEmailUpdate, s.UseNewDashboard, s.EmergencyAccess)
	}
	if s.UnlockPIN != pin {
		t.Errorf("unlock PIN = %q, want the one shown, %q", s.UnlockPIN, pin)
	}
	if len(s.SupportPIN) != 6 {
		t.Errorf("support PIN %q was not generated", s.SupportPIN)
	}
	if !s.RestrictOffices || len(s.OfficeIDs) != 1 || s.OfficeIDs[0] != f.officeIDs[1] {
		t.Errorf("offices = %v %v, want [%d]", s.RestrictOffices, s.OfficeIDs, f.officeIDs[1])
	}
}

func TestStaffFormRequiredFields(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	// Enter in any field submits.
	f.firstName.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	td.waitIdle()

	if !isOpen(td, "new-staff") {
		t.Fatal("the window closed on an empty form")
	}
	for _, name := range []string{app.FieldFirstName, app.FieldLastName, app.FieldProvider, app.FieldRole,
		app.FieldEmail, app.FieldUsername, app.FieldPassword} {
		if f.fields.errorOf(name) == "" {
			t.Errorf("no message under %s", name)
		}
	}
	for _, name := range []string{app.FieldCareTeamRole, app.FieldHomePhone, app.FieldCellPhone, app.FieldUnlockPIN, app.FieldOffices} {
		if msg := f.fields.errorOf(name); msg != "" {
			t.Errorf("%s has a message though it is fine: %q", name, msg)
		}
	}
	if !f.summary.Visible() || !strings.HasPrefix(f.summary.Text, "Please fix the ") {
		t.Errorf("summary = %q (visible %v)", f.summary.Text, f.summary.Visible())
	}
	if f.submit.Disabled() || f.cancel.Disabled() {
		t.Error("the buttons stay disabled after the errors came back")
	}
	if got := f.win.Canvas().Focused(); got != f.firstName {
		t.Errorf("focus is on %T, want the first name", got)
	}

	// Typing a password hands over from the old message to the live meter.
	test.Type(f.password, "abc")
	if msg := f.fields.errorOf(app.FieldPassword); msg != "" || f.strength.score() < 0 {
		t.Errorf("password still says %q; meter %d", msg, f.strength.score())
	}
	f.password.SetText("")

	// Fixing a field and submitting again clears its message.
	test.Type(f.firstName, "Olivia")
	submit(td, f)
	if msg := f.fields.errorOf(app.FieldFirstName); msg != "" {
		t.Errorf("first name still says %q", msg)
	}
	if got := f.win.Canvas().Focused(); got != f.lastName {
		t.Errorf("focus is on %T, want the last name", got)
	}
}

func TestStaffFormFieldErrors(t *testing.T) {
	cases := []struct {
		name   string
		change func(f *staffForm)
		field  string
		want   string // part of the message, "" for any
	}{
		{"bad email", func(f *staffForm) { f.email.SetText("olivia.example.com") }, app.FieldEmail, ""},
		{"duplicate email", func(f *staffForm) { f.email.SetText("camilles@email.xyz") }, app.FieldEmail, "already used by camilles"},
		{"duplicate username", func(f *staffForm) { f.username.SetText("camilles") }, app.FieldUsername, "camilles"},
		{"short password", func(f *staffForm) { f.password.SetText("Ab1!"); f.confirm.SetText("Ab1!") }, app.FieldPassword, ""},
		{"weak password", func(f *staffForm) { f.password.SetText("password123"); f.confirm.SetText("password123") }, app.FieldPassword, ""},
		{"mismatched confirmation", func(f *staffForm) { f.confirm.SetText(goodPassword + "x") }, app.FieldConfirmPassword, ""},
		{"bad phone", func(f *staffForm) { f.homePhone.SetText("555-01") }, app.FieldHomePhone, ""},
		{"weak PIN", func(f *staffForm) { f.unlockPIN.SetText("1234") }, app.FieldUnlockPIN, ""},
		{"no office chosen", func(f *staffForm) { f.restrictOffices.SetChecked(true) }, app.FieldOffices, ""},
		{"NPI that fails its check digit", func(f *staffForm) {
			f.careTeamIDType.SetSelected("NPI")
			f.careTeamID.SetText("1234567890")
		}, app.FieldCareTeamID, ""},
	}
	td := newTestDesk(t, true)
	before, err := td.svc.Staff.List(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := openForm(t, td, 0)
			fillValid(f)
			c.change(f)
			typed := f.state()
			submit(td, f)

			msg := f.fields.errorOf(c.field)
			if msg == "" || !strings.Contains(msg, c.want) {
				t.Errorf("message under %s = %q, want one containing %q", c.field, msg, c.want)
			}
			if !isOpen(td, "new-staff") {
				t.Fatal("the window closed")
			}
			if f.summary.Text != "Please fix the problem highlighted above." {
				t.Errorf("summary = %q", f.summary.Text)
			}
			if got := f.state(); !reflect.DeepEqual(got, typed) {
				t.Errorf("the typed values changed:\n got %+v\nwant %+v", got, typed)
			}
			f.close()
		})
	}
	after, err := td.svc.Staff.List(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("%d accounts were created by invalid forms", len(after)-len(before))
	}
}

func TestStaffFormLiveMismatch(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	test.Type(f.password, goodPassword)
	if msg := f.fields.errorOf(app.FieldConfirmPassword); msg != "" {
		t.Errorf("mismatch shown before the confirmation was typed: %q", msg)
	}
	test.Type(f.confirm, "Violet")
	if msg := f.fields.errorOf(app.FieldConfirmPassword); msg != mismatchMessage {
		t.Errorf("confirm says %q while the passwords differ", msg)
	}
	test.Type(f.confirm, "-Harbor-Lantern-93")
	if msg := f.fields.errorOf(app.FieldConfirmPassword); msg != "" {
		t.Errorf("confirm still says %q once they match", msg)
	}
}

func TestStaffFormStrengthMeter(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	if f.strength.score() != -1 || f.strength.label.Visible() {
		t.Errorf("the meter shows %d %q before anything is typed", f.strength.score(), f.strength.label.Text)
	}
	test.Type(f.password, "abc")
	weak, weakLabel := f.strength.score(), f.strength.label.Text
	if weak < 0 || weakLabel == "" {
		t.Fatalf("no strength shown for abc: %d %q", weak, weakLabel)
	}
	test.Type(f.password, "-Violet-Harbor-Lantern-93")
	strong, strongLabel := f.strength.score(), f.strength.label.Text
	if strong <= weak || strongLabel == weakLabel {
		t.Errorf("strength went from %d %q to %d %q as the password grew", weak, weakLabel, strong, strongLabel)
	}
	want := app.PasswordStrength(f.password.Text, app.PasswordContext{})
	if strong != want.Score {
		t.Errorf("meter score %d, app says %d", strong, want.Score)
	}
	f.password.SetText("")
	if f.strength.score() != -1 {
		t.Error("the meter did not empty with the password")
	}
}

func TestStaffFormNewPIN(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	first := f.unlockPIN.Text
	changed := false
	for range 5 { // a new random PIN may, rarely, be the same one
		test.Tap(f.newUnlockPIN)
		if err := app.CheckUnlockPIN(f.unlockPIN.Text); err != nil {
			t.Fatalf("New PIN gave %q: %v", f.unlockPIN.Text, err)
		}
		if f.unlockPIN.Text != first {
			changed = true
			break
		}
	}
	if !changed {
		t.Error("New PIN never changed the PIN")
	}
}

func TestStaffFormEdit(t *testing.T) {
	td := newTestDesk(t, true)
	td.ShowMain()
	td.waitIdle()
	camille := staffByUsername(t, td, "camilles")
	f := openForm(t, td, camille.ID)

	if got := f.win.Title(); got != "Edit Office Staff — camilles" {
		t.Errorf("title = %q", got)
	}
	if f.firstName.Text != "Camille" || f.lastName.Text != "Staff" || f.emailChange.address.Text != "camilles@email.xyz" || f.username.Text != "camilles" {
		t.Errorf("loaded %q %q %q %q", f.firstName.Text, f.lastName.Text, f.emailChange.address.Text, f.username.Text)
	}
	if f.provider.Selected != "Kate Provider, MD" || f.role.Selected != "Nurse" || f.careTeamRole.Selected != "General nurse (occupation)" {
		t.Errorf("loaded choices %q %q %q", f.provider.Selected, f.role.Selected, f.careTeamRole.Selected)
	}
	if f.careTeamIDType.Selected != "NCSBN ID" || f.careTeamID.Text != "12345678" {
		t.Errorf("care team identifier %q %q", f.careTeamIDType.Selected, f.careTeamID.Text)
	}
	if f.cellPhone.Text != "(212) 555-0123" || f.homePhone.Text != "" {
		t.Errorf("phones %q / %q", f.cellPhone.Text, f.homePhone.Text)
	}
	if f.unlockPIN.Text != camille.UnlockPIN || f.supportPIN.Text != camille.SupportPIN {
		t.Errorf("PINs %q %q, want %q %q", f.unlockPIN.Text, f.supportPIN.Text, camille.UnlockPIN, camille.SupportPIN)
	}
	if !f.emergencyAccess.Checked || !f.newDashboard.Checked {
		t.Error("settings not loaded")
	}
	if f.password != nil || f.confirm != nil || f.email != nil {
		t.Error("Edit has password fields or an email entry")
	}
	// The password is only reset (by email), and the address only changed with a code:
	// neither is typed over here.
	var buttons []string
	walk(f.win.Content(), func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *entry:
			if o.Password {
				t.Error("Edit shows a password entry")
			}
			if strings.Contains(o.Text, "@") || strings.Contains(o.PlaceHolder, "@") {
				t.Errorf("Edit shows an editable email entry (%q)", o.Text)
			}
		case *button:
			buttons = append(buttons, o.Text)
		}
	})
	for _, want := range []string{"Change Email", "Reset Password"} {
		if !slices.Contains(buttons, want) {
			t.Errorf("Edit has no %q button; buttons: %q", want, buttons)
		}
	}
	if f.changed() {
		t.Error("a freshly loaded account counts as changed")
	}

	f.lastName.SetText("Nurse")
	f.homePhone.SetText("212.555.0177")
	f.dailyBilling.SetChecked(!camille.SendDailyBilling)
	oldSupport := camille.SupportPIN
	for range 5 {
		test.Tap(f.newSupportPIN)
		if f.supportPIN.Text != oldSupport {
			break
		}
	}
	newSupport := f.supportPIN.Text
	submit(td, f)

	if f.summary.Visible() {
		t.Fatalf("not saved: %s", f.summary.Text)
	}
	if isOpen(td, "edit:"+strconv.FormatInt(camille.ID, 10)) {
		t.Error("the window is still open after saving")
	}
	s := staffByUsername(t, td, "camilles")
	if s.LastName != "Nurse" || s.HomePhone != "+12125550177" || s.Email != camille.Email || s.SendDailyBilling == camille.SendDailyBilling {
		t.Errorf("saved %q %q %q %v", s.LastName, s.HomePhone, s.Email, s.SendDailyBilling)
	}
	if s.SupportPIN != newSupport || s.SupportPIN == oldSupport {
		t.Errorf("support PIN = %q, want the new one %q (was %q)", s.SupportPIN, newSupport, oldSupport)
	}
	if s.Status != camille.Status || s.CellPhone != camille.CellPhone || s.CareTeamID != camille.CareTeamID {
		t.Errorf("unchanged fields moved: %s %q %q", s.Status, s.CellPhone, s.CareTeamID)
	}
}

// In Edit the address changes through Change Email, whose dialog says when the new
// address is taken.
func TestStaffFormEditDuplicateEmail(t *testing.T) {
	td := newTestDesk(t, true)
	marcus := staffByUsername(t, td, "marcusstaff")
	f := openForm(t, td, marcus.ID)
	test.Tap(f.emailChange.change)
	ask := f.emailChange.ask
	test.Type(ask.input, "CAMILLES@email.xyz")
	test.Tap(ask.submit)
	td.waitIdle()
	if msg := ask.fields.errorOf(app.FieldEmail); !strings.Contains(msg, "already used by camilles") {
		t.Errorf("email says %q", msg)
	}
	if ask.input.Text != "CAMILLES@email.xyz" || ask.closed {
		t.Errorf("the typed email became %q (dialog closed: %v)", ask.input.Text, ask.closed)
	}
	if s := staffByUsername(t, td, "marcusstaff"); s.Email != marcus.Email || s.PendingEmail != "" {
		t.Errorf("email changed anyway: %q, pending %q", s.Email, s.PendingEmail)
	}
	if f.emailChange.pendingRow.Visible() {
		t.Error("a refused change shows as pending")
	}
}

func TestStaffFormEditRestrictedOffices(t *testing.T) {
	td := newTestDesk(t, true)
	grace := staffByUsername(t, td, "gkim")
	f := openForm(t, td, grace.ID)
	if !f.restrictOffices.Checked || !f.officeList.Visible() {
		t.Fatal("restriction not shown")
	}
	checked := 0
	for _, c := range f.officeChecks {
		if c.Checked {
			checked++
		}
	}
	if checked != len(grace.OfficeIDs) {
		t.Errorf("%d offices checked, want %d", checked, len(grace.OfficeIDs))
	}
	f.officeChecks[0].SetChecked(false)
	submit(td, f)
	s := staffByUsername(t, td, "gkim")
	if len(s.OfficeIDs) != 1 || s.OfficeIDs[0] != f.officeIDs[1] {
		t.Errorf("offices = %v, want [%d]", s.OfficeIDs, f.officeIDs[1])
	}
}

func TestStaffFormDiscardChanges(t *testing.T) {
	td := newTestDesk(t, true)

	// Nothing changed: Cancel closes at once.
	f := openForm(t, td, 0)
	test.Tap(f.cancel)
	if isOpen(td, "new-staff") || f.discard != nil {
		t.Fatal("Cancel on an untouched form did not simply close")
	}

	f = openForm(t, td, 0)
	test.Type(f.firstName, "Olivia")

	// The window's close button asks first.
	f.onCancel()
	if f.discard == nil || !isOpen(td, "new-staff") {
		t.Fatal("closing with changes did not ask")
	}
	f.discard.Dismiss() // Keep editing
	if !isOpen(td, "new-staff") || f.firstName.Text != "Olivia" {
		t.Fatal("Keep editing lost the window or its text")
	}

	// Escape asks too, and Discard closes.
	f.lastName.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.discard == nil {
		t.Fatal("Escape with changes did not ask")
	}
	f.discard.Confirm()
	if isOpen(td, "new-staff") {
		t.Error("Discard did not close the window")
	}

	// Edit: going back to the loaded value is no change.
	camille := staffByUsername(t, td, "camilles")
	f = openForm(t, td, camille.ID)
	f.lastName.SetText("Other")
	f.lastName.SetText("Staff")
	test.Tap(f.cancel)
	if f.discard != nil || isOpen(td, "edit:"+strconv.FormatInt(camille.ID, 10)) {
		t.Error("Cancel asked although the values are back to what was loaded")
	}
}

func TestStaffFormTabOrder(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	want := []fyne.Focusable{f.firstName, f.lastName, f.provider, f.role, f.careTeamRole, f.careTeamIDType, f.careTeamID,
		f.email, f.username, f.password, f.confirm, f.homePhone, f.cellPhone,
		f.dailyBilling, f.unlockPIN, f.newUnlockPIN, f.restrictOffices, f.newDashboard, f.emailUpdate, f.emergencyAccess,
		f.cancel, f.submit}
	assertTabOrder(t, f, want)

	// Turning on the restriction puts the offices right after it.
	f.restrictOffices.SetChecked(true)
	want = []fyne.Focusable{f.firstName, f.lastName, f.provider, f.role, f.careTeamRole, f.careTeamIDType, f.careTeamID,
		f.email, f.username, f.password, f.confirm, f.homePhone, f.cellPhone,
		f.dailyBilling, f.unlockPIN, f.newUnlockPIN, f.restrictOffices}
	for _, c := range f.officeChecks {
		want = append(want, c)
	}
	want = append(want, f.newDashboard, f.emailUpdate, f.emergencyAccess, f.cancel, f.submit)
	assertTabOrder(t, f, want)

	camille := staffByUsername(t, td, "camilles")
	e := openForm(t, td, camille.ID)
	want = []fyne.Focusable{e.firstName, e.lastName, e.provider, e.role, e.careTeamRole, e.careTeamIDType, e.careTeamID,
		e.emailChange.change, e.username, e.resetPassword, e.homePhone, e.cellPhone,
		e.dailyBilling, e.unlockPIN, e.newUnlockPIN, e.newSupportPIN, e.restrictOffices, e.newDashboard, e.emailUpdate, e.emergencyAccess,
		e.cancel, e.submit}
	assertTabOrder(t, e, want)
}

func assertTabOrder(t *testing.T, f *staffForm, want []fyne.Focusable) {
	t.Helper()
	c := f.win.Canvas()
	c.Unfocus()
	var got []fyne.Focusable
	for range len(want) + 1 {
		c.FocusNext()
		got = append(got, c.Focused())
	}
	for i, w := range want {
		if got[i] != w {
			t.Fatalf("Tab stop %d is %s, want %s (got %s)", i+1, describe(got[i]), describe(w), describeAll(got))
		}
	}
	if got[len(want)] != want[0] {
		t.Errorf("after the last button Tab goes to %s, not back to the first name", describe(got[len(want)]))
	}
}

func describe(o fyne.Focusable) string {
	switch o := o.(type) {
	case *entry:
		return "entry " + o.PlaceHolder + "|" + o.Text
	case *choice:
		return "choice " + o.Selected
	case *check:
		return "check " + o.Text
	case *button:
		return "button " + o.Text
	case nil:
		return "nothing"
	}
	return strings.TrimPrefix(strings.TrimPrefix(fmt.Sprintf("%T", o), "*"), "widget.")
}

func describeAll(os []fyne.Focusable) string {
	var parts []string
	for _, o := range os {
		parts = append(parts, describe(o))
	}
	return strings.Join(parts, ", ")
}

func TestStaffFormFitsSmallWindow(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	if min := f.win.Content().MinSize(); min.Width > 600 || min.Height > 450 {
		t.Errorf("the form needs %v, more than a 600x450 window", min)
	}
	f.win.Resize(fyne.NewSize(600, 450))
	// The buttons stay on screen however long the form.
	drv := td.fyneApp.Driver()
	pos := drv.AbsolutePositionForObject(f.submit)
	size := f.win.Canvas().Size()
	if pos.Y+f.submit.Size().Height > size.Height || pos.X+f.submit.Size().Width > size.Width {
		t.Errorf("Create button at %v (%v) is outside the %v window", pos, f.submit.Size(), size)
	}
	// A problem far down the form is scrolled into view.
	fillValid(f)
	f.restrictOffices.SetChecked(true)
	submit(td, f)
	if f.scroll.Offset.Y <= 0 {
		t.Errorf("the form did not scroll to the office restriction (offset %v)", f.scroll.Offset)
	}
	if got := f.win.Canvas().Focused(); got != f.officeChecks[0] {
		t.Errorf("focus is on %s, want the first office", describe(got))
	}
}

// walk calls fn for o and everything inside it.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			walk(c, fn)
		}
	}
}

func TestStaffFormEditInactiveProvider(t *testing.T) {
	td := newTestDesk(t, true)
	ctx := td.ctx()
	zoe, err := td.svc.Directory.SaveProvider(ctx, &app.Provider{FirstName: "Zoe", LastName: "Park", Credentials: "NP"})
	if err != nil {
		t.Fatal(err)
	}
	// Only an inactive account may keep a provider who is then deactivated.
	tom := staffByUsername(t, td, "tbecker")
	tom.ProviderID = zoe.ID
	if _, err := td.svc.Staff.Update(ctx, tom); err != nil {
		t.Fatal(err)
	}
	if err := td.svc.Directory.SetProviderActive(ctx, zoe.ID, zoe.Version, false); err != nil {
		t.Fatal(err)
	}

	f := openForm(t, td, tom.ID)
	if f.provider.Selected != "Zoe Park, NP (inactive)" {
		t.Errorf("provider shows %q", f.provider.Selected)
	}
	submit(td, f)
	if msg := f.fields.errorOf(app.FieldProvider); !strings.Contains(msg, "inactive") {
		t.Errorf("provider says %q", msg)
	}
	f.provider.SetSelected("Kate Provider, MD")
	submit(td, f)
	if s := staffByUsername(t, td, "tbecker"); s.ProviderName != "Kate Provider, MD" {
		t.Errorf("provider saved as %q", s.ProviderName)
	}
}

// Edit of an account deleted meanwhile says so, and Close closes the window.
func TestStaffFormEditOfDeletedAccount(t *testing.T) {
	td := newTestDesk(t, false)
	f := td.showStaffForm(424242)
	td.waitIdle()
	if f.cancel == nil || f.cancel.Text != "Close" {
		t.Fatalf("no Close button on the failure screen: %+v", f.cancel)
	}
	found := false
	for _, o := range test.LaidOutObjects(f.win.Content()) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "no longer exists") {
			found = true
		}
	}
	if !found {
		t.Error("the failure screen does not say the staff member no longer exists")
	}
	test.Tap(f.cancel)
	if _, open := td.window("edit:424242"); open {
		t.Error("Close left the window open")
	}
}

func TestStaffFormRolesOnlyThoseOneMayGive(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, 0)
	if !slices.Contains(f.role.Options, app.AdministratorRole) {
		t.Errorf("the administrator is not offered %s: %q", app.AdministratorRole, f.role.Options)
	}
	f.close()

	signInAs(t, td, "gkim") // Office Manager: no Manage Permissions
	f = openForm(t, td, 0)
	if slices.Contains(f.role.Options, app.AdministratorRole) {
		t.Errorf("Grace is offered %s, which carries Manage Permissions", app.AdministratorRole)
	}
	for _, want := range []string{"Nurse", "Office Manager", "Biller"} {
		if !slices.Contains(f.role.Options, want) {
			t.Errorf("Grace is not offered %s: %q", want, f.role.Options)
		}
	}
	if f.role.Disabled() {
		t.Error("the role is fixed on a new account")
	}
}

func TestStaffFormOwnRoleFixed(t *testing.T) {
	td := newTestDesk(t, true)
	f := openForm(t, td, td.me.ID)
	if !f.role.Disabled() || f.role.Selected != app.AdministratorRole {
		t.Errorf("own role: disabled %v, selected %q", f.role.Disabled(), f.role.Selected)
	}
	if got := f.fields.byName[app.FieldRole].hint.Text; got != ownRoleHint || !f.fields.byName[app.FieldRole].hint.Visible() {
		t.Errorf("role hint = %q", got)
	}
	// The rest of one's own account still saves.
	f.cellPhone.SetText("(217) 555-0109")
	submit(td, f)
	if f.summary.Visible() {
		t.Fatalf("own account not saved: %s", f.summary.Text)
	}
	if s := staffByUsername(t, td, "omanning"); s.CellPhone != "+12175550109" || s.RoleName != app.AdministratorRole {
		t.Errorf("saved %q %q", s.CellPhone, s.RoleName)
	}
}

// restrictGrace restricts Grace Kim to Main Street Clinic alone and gives Dmitri Volkov
// both offices, as the administrator; it returns the two offices' ids.
func restrictGrace(t *testing.T, td *testDesk) (mainID, riverID int64) {
	t.Helper()
	dir, err := td.svc.Directory.Load(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range dir.Offices {
		switch o.Name {
		case "Main Street Clinic":
			mainID = o.ID
		case "Riverside Office":
			riverID = o.ID
		}
	}
	for username, offices := range map[string][]int64{"gkim": {mainID}, "dvolkov": {mainID, riverID}} {
		s := staffByUsername(t, td, username)
		s.RestrictOffices, s.OfficeIDs = true, offices
		if _, err := td.svc.Staff.Update(td.ctx(), s); err != nil {
			t.Fatalf("restrict %s: %v", username, err)
		}
	}
	return mainID, riverID
}

func TestStaffFormRestrictedManagerOffices(t *testing.T) {
	td := newTestDesk(t, true)
	mainID, riverID := restrictGrace(t, td)
	signInAs(t, td, "gkim")

	f := openForm(t, td, 0)
	if !f.restrictOffices.Checked || !f.restrictOffices.Disabled() || !f.officeList.Visible() {
		t.Errorf("Restrict offices: checked %v, disabled %v", f.restrictOffices.Checked, f.restrictOffices.Disabled())
	}
	if !slices.Equal(f.officeIDs, []int64{mainID}) || !f.officeChecks[0].Checked {
		t.Errorf("offices offered %v (want only Main Street %d)", f.officeIDs, mainID)
	}
	if hint := f.fields.byName[app.FieldOffices].hint; !hint.Visible() || hint.Text != restrictedOfficesHint {
		t.Errorf("offices hint = %q", hint.Text)
	}
	fillValid(f)
	submit(td, f)
	if f.summary.Visible() {
		t.Fatalf("not created: %s (offices: %q)", f.summary.Text, f.fields.errorOf(app.FieldOffices))
	}
	if s := staffByUsername(t, td, "ohart"); s == nil || !s.RestrictOffices || !slices.Equal(s.OfficeIDs, []int64{mainID}) {
		t.Errorf("created with offices %+v", s)
	}

	// Dmitri also works at Riverside, which Grace does not: shown, kept, not hers to change.
	dmitri := staffByUsername(t, td, "dvolkov")
	f = openForm(t, td, dmitri.ID)
	if !slices.Equal(f.officeIDs, []int64{mainID, riverID}) {
		t.Fatalf("offices shown %v", f.officeIDs)
	}
	if f.officeChecks[0].Disabled() || !f.officeChecks[1].Disabled() || !f.officeChecks[1].Checked {
		t.Errorf("Main disabled %v; Riverside disabled %v, checked %v",
			f.officeChecks[0].Disabled(), f.officeChecks[1].Disabled(), f.officeChecks[1].Checked)
	}
	if hint := f.fields.byName[app.FieldOffices].hint.Text; !strings.Contains(hint, fixedOfficesHint) {
		t.Errorf("offices hint = %q", hint)
	}
	f.cellPhone.SetText("(217) 555-0111")
	submit(td, f)
	if f.summary.Visible() {
		t.Fatalf("not saved: %s (offices: %q)", f.summary.Text, f.fields.errorOf(app.FieldOffices))
	}
	if s := staffByUsername(t, td, "dvolkov"); !slices.Equal(s.OfficeIDs, []int64{mainID, riverID}) || s.CellPhone != "+12175550111" {
		t.Errorf("saved offices %v, phone %q", s.OfficeIDs, s.CellPhone)
	}
}

func TestStaffFormHiddenPINsKept(t *testing.T) {
	td := newTestDesk(t, true)
	admin := td.ctx()
	dmitri := staffByUsername(t, td, "dvolkov") // with its PINs, as the administrator sees it
	// Office Managers no longer see PINs.
	om := storedRole(t, td, admin, "Office Manager")
	if _, err := td.svc.Permissions.SetRolePermission(admin, om.ID, om.Version, app.PermSeePINs, false); err != nil {
		t.Fatal(err)
	}
	signInAs(t, td, "gkim")

	f := openForm(t, td, dmitri.ID)
	if !f.cur.PINsHidden {
		t.Fatal("the account came with its PINs")
	}
	if !f.unlockPIN.Disabled() || f.unlockPIN.Text != "" || f.unlockPIN.PlaceHolder != pinsHiddenPlaceholder {
		t.Errorf("App Unlock PIN: disabled %v, text %q, placeholder %q", f.unlockPIN.Disabled(), f.unlockPIN.Text, f.unlockPIN.PlaceHolder)
	}
	if hint := f.fields.byName[app.FieldUnlockPIN].hint.Text; hint != pinsKeptHint {
		t.Errorf("App Unlock PIN hint = %q", hint)
	}
	if !f.newUnlockPIN.Disabled() || !f.newSupportPIN.Disabled() || f.supportPIN.Text != pinsHiddenText {
		t.Errorf("Support PIN %q; New PIN buttons disabled %v %v", f.supportPIN.Text, f.newUnlockPIN.Disabled(), f.newSupportPIN.Disabled())
	}
	f.cellPhone.SetText("(217) 555-0112")
	submit(td, f)
	if f.summary.Visible() {
		t.Fatalf("not saved: %s (PIN: %q)", f.summary.Text, f.fields.errorOf(app.FieldUnlockPIN))
	}
	s := staffAs(t, td, admin, "dvolkov")
	if s.CellPhone != "+12175550112" || s.UnlockPIN != dmitri.UnlockPIN || s.SupportPIN != dmitri.SupportPIN {
		t.Errorf("saved phone %q, PINs %q %q (were %q %q)", s.CellPhone, s.UnlockPIN, s.SupportPIN, dmitri.UnlockPIN, dmitri.SupportPIN)
	}
}

func TestStaffFormStaffLimitRefusal(t *testing.T) {
	td := newTestDesk(t, true)
	info, err := td.svc.Practice.Get(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	used := info.Usage.Used
	if _, err := td.svc.Practice.Save(td.ctx(), info.Practice.Name, used, info.Practice.Version); err != nil {
		t.Fatal(err)
	}
	f := openForm(t, td, 0)
	want := fmt.Sprintf("%d of %d staff accounts used", used, used)
	if !f.usage.Visible() || !strings.HasPrefix(f.usage.Text, want) {
		t.Errorf("usage = %q (shown %v), want %q", f.usage.Text, f.usage.Visible(), want)
	}
	fillValid(f)
	submit(td, f)
	if !isOpen(td, "new-staff") {
		t.Fatal("the window closed: the account was created over the limit")
	}
	if msg := f.summary.Text; !f.summary.Visible() || !strings.Contains(msg, fmt.Sprintf("allows %d staff accounts", used)) {
		t.Errorf("form message = %q (shown %v)", msg, f.summary.Visible())
	}
	if top := f.win.Canvas().Overlays().Top(); top != nil {
		t.Error("the refusal is also in a dialog")
	}
	if staffByUsername(t, td, "ohart") != nil {
		t.Error("the account was created")
	}
}

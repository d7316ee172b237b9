package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
)

// startSetup starts td and returns Set up your practice, which must be all it shows.
func startSetup(t *testing.T, td *testDesk) *setupWindow {
	t.Helper()
	if err := td.Start(); err != nil {
		t.Fatal(err)
	}
	td.waitIdle()
	if td.setup == nil || td.signIn != nil || td.staff != nil {
		t.Fatalf("set up %v, sign in %v, staff %v: Set up your practice must come alone", td.setup != nil, td.signIn != nil, td.staff != nil)
	}
	return td.setup
}

const setupPassword = "Harbor-Violet-Pine-63"

func TestSetUpNewPractice(t *testing.T) {
	td := openTestDesk(t, t.TempDir(), nil)
	w := startSetup(t, td)
	if w.win.Title() != titleSetup || w.mode != nil {
		t.Fatalf("title %q, upgrade choices %v", w.win.Title(), w.mode != nil)
	}
	test.Type(w.name, "Lakeside Pediatrics")
	test.Tap(w.unlimited) // off: a limit
	test.Type(w.limit, "3")
	test.Type(w.provFirst, "Nora")
	test.Type(w.provLast, "Lind")
	test.Type(w.provCredentials, "MD")
	test.Type(w.provNPI, "1245319599")
	test.Type(w.first, "Dana")
	test.Type(w.last, "Reyes")
	test.Type(w.email, "dana.reyes@example.com")
	test.Type(w.username, "dreyes")
	test.Type(w.password, setupPassword)
	test.Type(w.confirm, setupPassword)
	test.Tap(w.submit)
	td.waitIdle()
	if td.setup != nil || td.staff == nil {
		t.Fatalf("after set up: set up %v (%q), staff %v", td.setup != nil, w.banner.Text, td.staff != nil)
	}
	if td.me == nil || td.me.Username != "dreyes" {
		t.Fatalf("signed in as %+v", td.me)
	}
	for _, p := range app.AllPermissions {
		if !td.can(p) {
			t.Errorf("the administrator lacks %s", p.Label())
		}
	}
	info, err := td.svc.Practice.Get(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if info.Practice.Name != "Lakeside Pediatrics" || info.Practice.StaffLimit != 3 || info.Usage.Used != 1 {
		t.Errorf("practice %+v, usage %+v", info.Practice, info.Usage)
	}
	dir, err := td.svc.Directory.Load(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if len(dir.Providers) != 1 || dir.Providers[0].NPI != "1245319599" || dir.Providers[0].Credentials != "MD" {
		t.Errorf("providers %+v", dir.Providers)
	}
	// The next start asks to sign in, and the administrator can.
	td.signOut()
	td.waitIdle()
	td.signInAs(t, "dreyes", setupPassword)
	if td.staff == nil {
		t.Fatal("the administrator cannot sign in")
	}
}

// What is missing or wrong is said next to its field, and nothing opens.
func TestSetUpFieldErrors(t *testing.T) {
	td := openTestDesk(t, t.TempDir(), nil)
	w := startSetup(t, td)
	test.Tap(w.unlimited)
	test.Type(w.limit, "three")
	test.Tap(w.submit)
	td.waitIdle()
	if w.fields.errorOf(app.FieldStaffLimit) == "" {
		t.Error("no message for a limit that is not a number")
	}
	w.limit.SetText("")
	test.Tap(w.unlimited)          // back to Unlimited
	test.Type(w.provFirst, "Nora") // a provider begun: its other fields are checked
	test.Type(w.provNPI, "1234")
	test.Type(w.password, setupPassword)
	test.Type(w.confirm, setupPassword+"x")
	test.Tap(w.submit)
	td.waitIdle()
	if td.setup == nil || td.staff != nil || td.token != "" {
		t.Fatal("an empty form set the practice up")
	}
	for _, f := range []string{app.FieldPracticeName, fieldProviderLastName, fieldProviderNPI,
		app.FieldFirstName, app.FieldLastName, app.FieldEmail, app.FieldUsername, app.FieldConfirmPassword} {
		if w.fields.errorOf(f) == "" {
			t.Errorf("no message next to %s", f)
		}
	}
	if w.fields.errorOf(app.FieldStaffLimit) != "" {
		t.Error("Unlimited still has the limit's message")
	}
	if state, err := td.svc.Practice.State(context.Background()); err != nil || state != app.SetupNew {
		t.Errorf("state %v, %v", state, err)
	}
}

// copyRelease copies the database made by release 0.1.0, and its PIN key, into a
// folder of the test's, as openTestDesk opens them.
func copyRelease(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for from, to := range map[string]string{"release-0.1.0.db": "staffdesk.db", "pin.key": "staffdesk.key"} {
		b, err := os.ReadFile(filepath.Join("..", "data", "testdata", "release-0.1.0", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// chooseCandidate selects the account of username among the upgrade's choices.
func chooseCandidate(t *testing.T, w *setupWindow, username string) {
	t.Helper()
	for i, c := range w.candidates {
		if c.Username == username {
			w.candidate.SetSelectedIndex(i)
			return
		}
	}
	t.Fatalf("%s is not among the %d accounts offered", username, len(w.candidates))
}

// A database from today's release: choose an existing account, give it a password,
// and it administers the practice and signs in.
func TestSetUpUpgradeChoosesAccount(t *testing.T) {
	td := openTestDesk(t, copyRelease(t), nil)
	w := startSetup(t, td)
	if w.mode == nil || w.mode.Selected != adminExisting {
		t.Fatal("the upgrade does not offer the existing accounts first")
	}
	if w.provFirst != nil {
		t.Error("the upgrade asks for a first provider")
	}
	if !strings.Contains(windowText(w.win), "This StaffDesk now signs people in") {
		t.Error("the upgrade does not say why it asks")
	}
	for _, f := range w.created {
		if f.cell.Visible() {
			t.Errorf("%q shows while choosing an existing account", f.label.Text)
		}
	}
	if len(w.candidates) == 0 {
		t.Fatal("no accounts to choose from")
	}
	for _, c := range w.candidates {
		if c.Username == "tbecker" || c.Username == "jamie_demo_staff" {
			t.Errorf("%s (not active) is offered", c.Username)
		}
	}
	test.Type(w.name, "Springfield Family Practice")
	test.Tap(w.submit)
	td.waitIdle()
	if w.fields.errorOf(app.FieldAdministrator) == "" || td.setup == nil {
		t.Fatal("no account chosen, and no message")
	}
	chooseCandidate(t, w, "gkim")
	test.Type(w.password, setupPassword)
	test.Type(w.confirm, setupPassword)
	test.Tap(w.submit)
	td.waitIdle()
	if td.setup != nil || td.staff == nil {
		t.Fatalf("after set up: set up %v (%q %v), staff %v", td.setup != nil, w.banner.Text, app.ErrorFields(nil), td.staff != nil)
	}
	if td.me.Username != "gkim" || !td.can(app.PermManagePermissions) {
		t.Fatalf("signed in as %s with %v", td.me.Username, td.me.Permissions)
	}
	// Every account of the release is still there.
	list, err := td.svc.Staff.List(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 12 {
		t.Errorf("%d accounts after the upgrade; the release had 12", len(list))
	}
	td.signOut()
	td.waitIdle()
	td.signInAs(t, "gkim", setupPassword)
	if td.staff == nil || td.me.Username != "gkim" {
		t.Fatal("the chosen administrator cannot sign in with the new password")
	}
}

// Or create a new administrator, with one of the existing providers.
func TestSetUpUpgradeCreatesAdministrator(t *testing.T) {
	td := openTestDesk(t, copyRelease(t), nil)
	w := startSetup(t, td)
	w.mode.SetSelected(adminNew)
	for _, f := range w.existing {
		if f.cell.Visible() {
			t.Errorf("%q shows while creating an account", f.label.Text)
		}
	}
	if len(w.provider.Options) == 0 {
		t.Fatal("no providers to choose from")
	}
	test.Type(w.name, "Springfield Family Practice")
	test.Type(w.first, "Ada")
	test.Type(w.last, "Quist")
	test.Type(w.email, "ada.quist@example.com")
	test.Type(w.username, "aquist")
	w.provider.SetSelectedIndex(0)
	test.Type(w.password, setupPassword)
	test.Type(w.confirm, setupPassword)
	test.Tap(w.submit)
	td.waitIdle()
	if td.setup != nil || td.staff == nil {
		t.Fatalf("after set up: %q; fields %v", w.banner.Text, w.fields.errorOf(app.FieldProvider))
	}
	if td.me.Username != "aquist" || !slices.Equal(td.me.Permissions, app.NewPermissionSet(app.AllPermissions...)) {
		t.Errorf("signed in as %s with %v", td.me.Username, td.me.Permissions)
	}
}

// Set up on another desk meanwhile: this one goes to Sign in saying so.
func TestSetUpMeanwhileElsewhere(t *testing.T) {
	td := openTestDesk(t, t.TempDir(), nil)
	w := startSetup(t, td)
	if _, err := td.otherDesk(t).Practice.SetUp(context.Background(), testSetup()); err != nil {
		t.Fatal(err)
	}
	test.Type(w.name, "Lakeside Pediatrics")
	test.Type(w.provFirst, "Nora")
	test.Type(w.provLast, "Lind")
	test.Type(w.first, "Dana")
	test.Type(w.last, "Reyes")
	test.Type(w.email, "dana.reyes@example.com")
	test.Type(w.username, "dreyes")
	test.Type(w.password, setupPassword)
	test.Type(w.confirm, setupPassword)
	test.Tap(w.submit)
	td.waitIdle()
	if td.setup != nil || td.signIn == nil || td.token != "" {
		t.Fatal("a practice set up elsewhere did not send this desk to Sign in")
	}
	if !strings.Contains(td.signIn.reason.Text, "another desk") {
		t.Errorf("Sign in says %q", td.signIn.reason.Text)
	}
}

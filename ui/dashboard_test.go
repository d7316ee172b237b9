package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/demo"
)

// showDashboard opens the main window and then its Dashboard, counted.
func showDashboard(t *testing.T, seed bool) (*testDesk, *staffWindow) {
	t.Helper()
	td, w := showStaffGrid(t, seed)
	td.openDashboard()
	td.waitIdle()
	if w.dash == nil || !w.dash.page.Visible() || w.staffPage.Visible() {
		t.Fatal("openDashboard does not show the Dashboard in the main window")
	}
	return td, w
}

// The demo's Dashboard counts what needs Olivia, and every count is a click away from
// the grid filtered to the accounts it counts.
func TestDashboardCountsAndOpensTheFilteredGrid(t *testing.T) {
	td, w := showDashboard(t, true)
	db := w.dash
	if got := w.win.Title(); got != dashboardTitle {
		t.Errorf("title = %q", got)
	}
	if db.title.Text != "Dashboard — Springfield Family Practice" || db.usage.Text != "11 of 15 staff accounts used" {
		t.Errorf("heading %q, usage %q", db.title.Text, db.usage.Text)
	}
	var items []string
	for _, key := range []string{"pending", "expiring", "locked", "never", "mail waiting", "mail failed"} {
		if b := db.items[key]; b != nil {
			items = append(items, b.Text)
		}
	}
	// The demo's codes were just sent (3 days to go), mail is not set up, nothing failed.
	want := "3 pending activations|1 locked account|4 accounts never signed in|3 emails waiting"
	if got := strings.Join(items, "|"); got != want {
		t.Errorf("attention items = %s; want %s", got, want)
	}
	if db.calm.Visible() {
		t.Error("Nothing needs your attention is shown over four items")
	}

	for _, step := range []struct {
		tap          func()
		status       string
		office, role string
		inactive     bool
		want         string
	}{
		{func() { test.Tap(db.items["locked"]) }, "Locked", "All offices", "All roles", false, "mchen"},
		{func() { test.Tap(db.items["pending"]) }, "Pending activation", "All offices", "All roles", false, "dvolkov jamie_demo_staff nfischer"},
		{func() { test.Tap(db.items["never"]) }, "Never signed in", "All offices", "All roles", false, "gkim lortega mchen praman"},
		// An office's staff count has its inactive accounts too: so has the grid then.
		{func() { tapLink(db.cells["office:Riverside Office:staff"]) }, "All statuses", "Riverside Office", "All roles", true, "dvolkov gkim rdelgado"},
		{func() { tapLink(db.cells["office:Riverside Office:pending"]) }, "Pending activation", "Riverside Office", "All roles", false, "dvolkov"},
		{func() { tapLink(db.cells["office:Main Street Clinic:never"]) }, "Never signed in", "Main Street Clinic", "All roles", false, "gkim praman"},
		{func() { tapLink(db.cells["role:Nurse:locked"]) }, "Locked", "All offices", "Nurse", false, "mchen"},
		{func() { tapLink(db.cells["role:Front Desk:pending"]) }, "Pending activation", "All offices", "Front Desk", false, "jamie_demo_staff nfischer"},
	} {
		td.openDashboard()
		td.waitIdle()
		typeSearch(w, "") // a search left over is cleared by the click
		step.tap()
		td.waitIdle()
		name := step.status + " / " + step.office + " / " + step.role
		if !w.staffPage.Visible() || db.page.Visible() || w.win.Title() != staffTitle {
			t.Fatalf("%s: the click did not bring the grid back", name)
		}
		if w.statusChoice.Selected != step.status || w.officeChoice.Selected != step.office || w.roleChoice.Selected != step.role ||
			w.showInactive.Checked != step.inactive {
			t.Errorf("%s: the grid is filtered by %q / %q / %q (inactive %v)", name,
				w.statusChoice.Selected, w.officeChoice.Selected, w.roleChoice.Selected, w.showInactive.Checked)
		}
		if got := strings.Join(gridLogins(t, w), " "); got != step.want {
			t.Errorf("%s: the grid shows %s; want %s", name, got, step.want)
		}
	}

	td.openDashboard()
	td.waitIdle()
	test.Tap(db.items["mail waiting"])
	td.waitIdle()
	if _, ok := td.window("outbox"); !ok {
		t.Error("emails waiting does not open the outbox")
	}
}

// View → Dashboard and View → Staff, and the pages' own buttons, switch both ways.
func TestDashboardAndStaffSwitch(t *testing.T) {
	td, w := showStaffGrid(t, true)
	items := menuItems(w)
	items["View/Dashboard"].Action()
	td.waitIdle()
	if w.dash == nil || !w.dash.page.Visible() || w.staffPage.Visible() || w.win.Title() != dashboardTitle {
		t.Fatal("View → Dashboard does not show the Dashboard")
	}
	items["View/Staff"].Action()
	if w.dash.page.Visible() || !w.staffPage.Visible() || w.win.Title() != staffTitle {
		t.Fatal("View → Staff does not show the grid")
	}
	if w.win.Canvas().Focused() != w.search {
		t.Error("back on the grid, the keyboard is not in the search box")
	}
	test.Tap(w.toDashboard)
	td.waitIdle()
	if !w.dash.page.Visible() {
		t.Fatal("the grid's Dashboard button does not show the Dashboard")
	}
	test.Tap(w.dash.toStaff)
	if !w.staffPage.Visible() {
		t.Fatal("the Dashboard's Staff list button does not show the grid")
	}
	// Find Staff from the Dashboard goes to the grid's search.
	w.d.openDashboard()
	td.waitIdle()
	items["File/Find Staff"].Action()
	if !w.staffPage.Visible() || w.win.Canvas().Focused() != w.search {
		t.Error("Find Staff on the Dashboard does not go to the search")
	}
}

// A practice with nothing to do says so.
func TestDashboardNothingNeedsAttention(t *testing.T) {
	_, w := showDashboard(t, false)
	db := w.dash
	if !db.calm.Visible() || len(db.items) != 0 || len(db.list.Objects) != 0 {
		t.Errorf("a new practice: calm shown %v, items %v", db.calm.Visible(), db.items)
	}
	if db.usage.Visible() {
		t.Errorf("a practice without a limit counts its accounts: %q", db.usage.Text)
	}
	var said []string
	visit(db.offices, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			said = append(said, l.Text)
		}
	})
	if got := strings.Join(said, "|"); got != "By office|No staff member is restricted to an office." {
		t.Errorf("by office: %s", got)
	}
}

// The Dashboard counts again while it is shown, every dashboardEvery.
func TestDashboardCountsAgainWhileShown(t *testing.T) {
	old := dashboardEvery
	dashboardEvery = 20 * time.Millisecond
	t.Cleanup(func() { dashboardEvery = old })
	td, w := showDashboard(t, false)
	if w.dash.items["pending"] != nil {
		t.Fatal("a new practice has pending activations")
	}
	newcomer := createStaffIn(t, td, "newcomer") // as at another desk: nothing here is told
	deadline := time.Now().Add(5 * time.Second)
	for w.dash.items["pending"] == nil && time.Now().Before(deadline) {
		time.Sleep(30 * time.Millisecond)
		td.waitIdle()
	}
	if b := w.dash.items["pending"]; b == nil || b.Text != "1 pending activation" || w.dash.calm.Visible() {
		t.Fatal("the Dashboard did not count the new pending account")
	}
	if b := w.dash.cells["role:"+newcomer.RoleName+":pending"]; b == nil || b.Text != "1" {
		t.Errorf("the by-role table does not count the newcomer's %s", newcomer.RoleName)
	}
}

// tapLink taps a link on its text, where a click acts.
func tapLink(l *widget.Hyperlink) {
	test.TapAt(l, fyne.NewPos(l.Size().Width/2, l.Size().Height/2))
}

// A change made at this desk while the Dashboard is shown is counted at once.
func TestDashboardCountsAgainAfterAChangeHere(t *testing.T) {
	td, w := showDashboard(t, false)
	td.staffSaved(createStaffIn(t, td, "newcomer"))
	td.waitIdle()
	if b := w.dash.items["pending"]; b == nil || b.Text != "1 pending activation" || !w.dash.page.Visible() {
		t.Fatal("the Dashboard did not count the account created here")
	}
}

// People with Use new dashboard? on land on the Dashboard after signing in, the others
// on the Staff grid.
func TestLandingFollowsUseNewDashboard(t *testing.T) {
	for _, tc := range []struct {
		login string
		dash  bool
	}{{demo.Manager, true}, {"gkim", true}, {"abello", false}, {"marcusstaff", false}} {
		t.Run(tc.login, func(t *testing.T) {
			td := openTestDesk(t, t.TempDir(), nil)
			td.seedDemo(t)
			in, err := td.svc.Session.SignIn(context.Background(), tc.login, demo.Password, "test desk")
			if err != nil {
				t.Fatal(err)
			}
			if in.MustChangePassword { // the manager chose their first password: they choose their own first
				ctx := app.WithSession(context.Background(), in.Token)
				if err := td.svc.Session.ChooseOwnPassword(ctx, ownPassword, ownPassword); err != nil {
					t.Fatal(err)
				}
			}
			td.enter(&app.SignedIn{Token: in.Token, Me: in.Me, Landing: in.Landing})
			td.waitIdle()
			w := td.staff
			if w == nil {
				t.Fatal("signing in shows no main window")
			}
			t.Cleanup(w.win.Close)
			onDash := w.dash != nil && w.dash.page.Visible() && !w.staffPage.Visible()
			if onDash != tc.dash {
				t.Errorf("%s (Use new dashboard? %v) lands on the Dashboard: %v", tc.login, in.Me.UseNewDashboard, onDash)
			}
			if want := map[bool]string{true: dashboardTitle, false: staffTitle}[tc.dash]; w.win.Title() != want {
				t.Errorf("title %q", w.win.Title())
			}
		})
	}
}

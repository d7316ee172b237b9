package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// showStaffGrid opens the Staff window over a fresh database and waits for its list.
func showStaffGrid(t *testing.T, seed bool) (*testDesk, *staffWindow) {
	t.Helper()
	td := newTestDesk(t, seed)
	td.ShowMain()
	td.waitIdle()
	t.Cleanup(td.staff.win.Close) // ends the mail banner's refreshing
	return td, td.staff
}

// visit calls f for every visible object drawn under o, widgets' insides included.
func visit(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			visit(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			visit(c, f)
		}
	}
}

// gridCell returns the cell the table shows at row and col.
func gridCell(t *testing.T, w *staffWindow, row, col int) *staffCell {
	t.Helper()
	var found *staffCell
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*staffCell); ok && c.id != 0 && c.row == row && c.col == col {
			found = c
		}
	})
	if found == nil {
		t.Fatalf("no cell drawn at row %d, column %d", row, col)
	}
	return found
}

// gridRowOf returns the row showing username, or -1.
func gridRowOf(t *testing.T, w *staffWindow, username string) int {
	t.Helper()
	row := -1
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*staffCell); ok && c.id != 0 && c.col == int(app.ColLogin) && c.full == username {
			row = c.row
		}
	})
	return row
}

// gridLogins returns the logins of the drawn rows, top to bottom.
func gridLogins(t *testing.T, w *staffWindow) []string {
	t.Helper()
	byRow := map[int]string{}
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*staffCell); ok && c.id != 0 && c.col == int(app.ColLogin) {
			byRow[c.row] = c.full
		}
	})
	out := make([]string, len(byRow))
	for row, login := range byRow {
		if row >= len(out) {
			t.Fatalf("rows drawn are not contiguous: %v", byRow)
		}
		out[row] = login
	}
	return out
}

func gridHeader(t *testing.T, w *staffWindow, col int) *columnHeader {
	t.Helper()
	var found *columnHeader
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if h, ok := o.(*columnHeader); ok && h.col == col {
			found = h
		}
	})
	if found == nil {
		t.Fatalf("no header drawn for column %d", col)
	}
	return found
}

// rowMenuItem taps the More button of username's row and returns the item of its menu
// labelled label, or nil when the menu has none.
func rowMenuItem(t *testing.T, w *staffWindow, username, label string) *fyne.MenuItem {
	t.Helper()
	row := gridRowOf(t, w, username)
	if row < 0 {
		t.Fatalf("%s is not shown", username)
	}
	w.menu, w.menuOf = nil, nil
	test.Tap(gridCell(t, w, row, colActions).more)
	if w.menu == nil || !w.menu.Visible() || w.menuOf == nil {
		t.Fatalf("More on %s's row shows no menu", username)
	}
	for _, it := range w.menuOf.Items {
		if it.Label == label {
			return it
		}
	}
	return nil
}

// chooseRowMenu picks label from the More menu of username's row, as a click would.
func chooseRowMenu(t *testing.T, w *staffWindow, username, label string) {
	t.Helper()
	it := rowMenuItem(t, w, username, label)
	if it == nil || it.Action == nil {
		t.Fatalf("the More menu of %s has no %q", username, label)
	}
	w.menu.Hide()
	it.Action()
}

func typeSearch(w *staffWindow, q string) {
	w.search.SetText("")
	test.Type(w.search, q)
}

func TestStaffGridShowsSeededStaff(t *testing.T) {
	td, w := showStaffGrid(t, true)

	if got := w.win.Title(); got != "StaffDesk — Staff" {
		t.Errorf("title = %q", got)
	}
	if got := w.footer.Text; got != "Showing 11 of 13 records" {
		t.Errorf("footer = %q; want the 11 accounts that are not inactive of 13", got)
	}
	if w.showInactive.Checked {
		t.Error("Show inactive is on by default")
	}
	if !w.table.Visible() || w.noMatch.Visible() || w.loading.Visible() {
		t.Error("the grid is not what is shown")
	}
	want := []string{"abello", "camilles", "dvolkov", "gkim", "jamie_demo_staff", "lortega", "marcusstaff", "mchen", "nfischer", "omanning", "praman"}
	if got := gridLogins(t, w); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rows = %v; want %v (sorted by login, inactive hidden)", got, want)
	}

	row := gridRowOf(t, w, "camilles")
	name := gridCell(t, w, row, int(app.ColName))
	if name.full != "Camille Staff" || !name.text.TextStyle.Bold || name.subFull != "Nurse" || !name.sub.Visible() {
		t.Errorf("name cell = %q (bold %v) over %q; want Camille Staff in bold over Nurse", name.full, name.text.TextStyle.Bold, name.subFull)
	}
	for col, want := range map[app.StaffColumn]string{
		app.ColEmail:     "camilles@email.xyz",
		app.ColProvider:  "Kate Provider, MD",
		app.ColCell:      app.FormatPhone("+12125550123"),
		app.ColHome:      "",
		app.ColTwoFactor: "Inactive",
		app.ColStatus:    "Active",
	} {
		if got := gridCell(t, w, row, int(col)).full; got != want {
			t.Errorf("column %d = %q; want %q", col, got, want)
		}
	}
	if got := gridCell(t, w, row, int(app.ColCell)).full; got != "(212) 555-0123" {
		t.Errorf("cell phone shown as %q", got)
	}
	if !gridCell(t, w, row, int(app.ColEmergency)).check.Visible() {
		t.Error("Camille has emergency access but no check is shown")
	}
	if gridCell(t, w, gridRowOf(t, w, "marcusstaff"), int(app.ColEmergency)).check.Visible() {
		t.Error("Marcus has no emergency access but a check is shown")
	}
	jamie := gridCell(t, w, gridRowOf(t, w, "jamie_demo_staff"), int(app.ColStatus))
	if jamie.full != "Pending activation" || !jamie.sub.Visible() || !strings.HasPrefix(jamie.subFull, "expires in ") {
		t.Errorf("Jamie's status = %q over %q; want Pending activation over its expiry", jamie.full, jamie.subFull)
	}
	if c := gridCell(t, w, row, int(app.ColStatus)); !c.sub.Visible() || !strings.HasPrefix(c.subFull, "signed in ") || c.warnSub {
		t.Errorf("an active account that signed in has under its status %q (warning %v); want when it signed in", c.subFull, c.warnSub)
	}
	actions := gridCell(t, w, row, colActions)
	if !actions.actions.Visible() || actions.view.Text != "View" || actions.edit.Text != "Edit" || actions.more.Icon != theme.MoreHorizontalIcon() {
		t.Error("the Actions cell does not offer View, Edit and More")
	}
	var labels []string
	for _, it := range w.rowMenu(staffByUsername(t, td, "camilles")).Items {
		labels = append(labels, it.Label)
	}
	if got := strings.Join(labels, "|"); got != "Deactivate…||Delete…" {
		t.Errorf("an active row's More menu = %q", got)
	}
	labels = nil
	for _, it := range w.rowMenu(staffByUsername(t, td, "jamie_demo_staff")).Items {
		labels = append(labels, it.Label)
	}
	if got := strings.Join(labels, "|"); got != "Resend activation email…|Deactivate…||Delete…" {
		t.Errorf("a pending row's More menu = %q", got)
	}
	if got := gridHeader(t, w, int(app.ColProvider)).title; got != "Primary\nProvider" {
		t.Errorf("provider header = %q", got)
	}
}

func TestStaffGridSearchNarrowsAsYouType(t *testing.T) {
	_, w := showStaffGrid(t, true)

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"Raman", []string{"praman"}},                                                       // last name
		{"camille staff", []string{"camilles"}},                                             // whole name
		{"jamie_demo", []string{"jamie_demo_staff"}},                                        // username
		{"MSTAFF@", []string{"marcusstaff"}},                                                // email, any case
		{"212555", []string{"camilles"}},                                                    // cell digits
		{"(217) 555-0147", []string{"jamie_demo_staff"}},                                    // home phone as typed
		{"hannah", []string{"dvolkov", "gkim", "jamie_demo_staff", "marcusstaff", "mchen"}}, // provider
	} {
		typeSearch(w, tc.query)
		if got := gridLogins(t, w); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("search %q shows %v; want %v", tc.query, got, tc.want)
		}
		if want := fmt.Sprintf("Showing %d of 13 records", len(tc.want)); w.footer.Text != want {
			t.Errorf("search %q: footer %q; want %q", tc.query, w.footer.Text, want)
		}
	}

	typeSearch(w, "zzz")
	if !w.noMatch.Visible() || w.table.Visible() {
		t.Fatal("a search that matches nothing does not say so")
	}
	if got := w.noMatchLabel.Text; got != "No staff members match “zzz”." {
		t.Errorf("no-match message = %q", got)
	}
	test.Tap(w.clearSearch)
	if w.search.Text != "" || !w.table.Visible() || w.footer.Text != "Showing 11 of 13 records" {
		t.Errorf("Clear search left %q, footer %q", w.search.Text, w.footer.Text)
	}
}

func TestStaffGridSortsByClickedHeader(t *testing.T) {
	td, w := showStaffGrid(t, true)

	login := gridHeader(t, w, int(app.ColLogin))
	if !login.arrow.Visible() || login.arrow.Resource.Name() != theme.MenuDropUpIcon().Name() {
		t.Error("the Login header does not show the ascending arrow")
	}

	test.Tap(gridHeader(t, w, int(app.ColName)))
	td.waitIdle() // a column's first sort runs in the background
	if got := gridLogins(t, w); got[0] != "abello" || got[len(got)-1] != "dvolkov" {
		t.Errorf("sorted by name: %v; want Bello first and Volkov last", got)
	}
	name := gridHeader(t, w, int(app.ColName))
	if !name.arrow.Visible() || name.arrow.Resource.Name() != theme.MenuDropUpIcon().Name() {
		t.Error("the Name header does not show the ascending arrow")
	}
	if gridHeader(t, w, int(app.ColLogin)).arrow.Visible() {
		t.Error("the Login header still shows an arrow")
	}

	test.Tap(gridHeader(t, w, int(app.ColName)))
	td.waitIdle() // a column's first sort runs in the background
	if got := gridLogins(t, w); got[0] != "dvolkov" || got[len(got)-1] != "abello" {
		t.Errorf("sorted by name again: %v; want the order reversed", got)
	}
	if h := gridHeader(t, w, int(app.ColName)); h.arrow.Resource.Name() != theme.MenuDropDownIcon().Name() {
		t.Error("the Name header does not show the descending arrow")
	}

	test.Tap(gridHeader(t, w, int(app.ColStatus)))
	td.waitIdle() // a column's first sort runs in the background
	if got := gridLogins(t, w); got[0] != "abello" || got[len(got)-1] != "nfischer" {
		t.Errorf("sorted by status: %v; want Active first and Pending activation last", got)
	}

	before := gridLogins(t, w)
	actions := gridHeader(t, w, colActions)
	test.Tap(actions)
	if got := gridLogins(t, w); strings.Join(got, " ") != strings.Join(before, " ") {
		t.Error("clicking the Actions header changed the order")
	}
	if actions.sortable() || actions.arrow.Visible() {
		t.Error("the Actions header presents itself as sortable")
	}
}

func TestStaffGridShowInactive(t *testing.T) {
	_, w := showStaffGrid(t, true)
	if gridRowOf(t, w, "tbecker") >= 0 {
		t.Fatal("an inactive account is shown while Show inactive is off")
	}
	test.Tap(w.showInactive)
	if w.footer.Text != "Showing 13 of 13 records" {
		t.Errorf("footer = %q", w.footer.Text)
	}
	row := gridRowOf(t, w, "tbecker")
	if row < 0 {
		t.Fatal("Show inactive does not show Tom Becker")
	}
	if got := gridCell(t, w, row, int(app.ColStatus)).full; got != "Inactive" {
		t.Errorf("status = %q", got)
	}
	if rowMenuItem(t, w, "tbecker", "Reactivate") == nil || rowMenuItem(t, w, "tbecker", "Deactivate…") != nil {
		t.Error("an inactive row does not offer Reactivate instead of Deactivate")
	}
	w.menu.Hide()
	test.Tap(w.showInactive)
	if gridRowOf(t, w, "tbecker") >= 0 || w.footer.Text != "Showing 11 of 13 records" {
		t.Error("turning Show inactive off does not hide the inactive accounts again")
	}
}

func TestStaffGridDeactivateAndReactivate(t *testing.T) {
	td, w := showStaffGrid(t, true)
	camille := staffByUsername(t, td, "camilles")

	chooseRowMenu(t, w, "camilles", "Deactivate…")
	if w.confirm == nil {
		t.Fatal("Deactivate did not ask first")
	}
	w.confirm.Confirm()
	td.waitIdle()

	if got := staffByUsername(t, td, "camilles").Status; got != app.StatusInactive {
		t.Fatalf("status in the database = %q", got)
	}
	if gridRowOf(t, w, "camilles") >= 0 || w.footer.Text != "Showing 10 of 13 records" {
		t.Errorf("the deactivated account is still shown (footer %q)", w.footer.Text)
	}
	if w.selected != camille.ID {
		t.Error("the selection was lost")
	}

	test.Tap(w.showInactive)
	row := gridRowOf(t, w, "camilles")
	if got := gridCell(t, w, row, int(app.ColStatus)).full; got != "Inactive" {
		t.Errorf("status shown = %q", got)
	}
	if !gridCell(t, w, row, int(app.ColLogin)).highlight.Visible() || w.selectedRow() != row {
		t.Error("the deactivated row is not selected")
	}
	chooseRowMenu(t, w, "camilles", "Reactivate")
	td.waitIdle()
	if got := staffByUsername(t, td, "camilles").Status; got != app.StatusActive {
		t.Errorf("status after Reactivate = %q", got)
	}
	if got := gridCell(t, w, gridRowOf(t, w, "camilles"), int(app.ColStatus)).full; got != "Active" {
		t.Errorf("status shown after Reactivate = %q", got)
	}
}

func TestStaffGridDeactivateCanBeCancelled(t *testing.T) {
	td, w := showStaffGrid(t, true)
	chooseRowMenu(t, w, "gkim", "Deactivate…")
	if w.confirm == nil {
		t.Fatal("Deactivate did not ask first")
	}
	w.confirm.Hide()
	td.waitIdle()
	if got := staffByUsername(t, td, "gkim").Status; got != app.StatusActive {
		t.Errorf("status after cancelling = %q", got)
	}
}

func TestStaffGridDeleteNeedsTheUsername(t *testing.T) {
	td, w := showStaffGrid(t, true)
	marcus := staffByUsername(t, td, "marcusstaff")

	chooseRowMenu(t, w, "marcusstaff", "Delete…")
	del := w.deletion
	if del == nil {
		t.Fatal("Delete did not open its dialog")
	}
	if !del.delete.Disabled() {
		t.Error("Delete is enabled before anything is typed")
	}
	test.Type(del.entry, "marcus")
	if !del.delete.Disabled() {
		t.Error("Delete is enabled for a partial username")
	}
	test.Tap(del.delete)
	td.waitIdle()
	if _, err := td.svc.Staff.Get(td.ctx(), marcus.ID); err != nil {
		t.Fatalf("the account is gone after a wrong confirmation: %v", err)
	}

	test.Type(del.entry, "Staff")
	if del.delete.Disabled() {
		t.Fatal("Delete stays disabled when the username is typed (in another case)")
	}
	test.Tap(del.delete)
	td.waitIdle()

	if _, err := td.svc.Staff.Get(td.ctx(), marcus.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("after Delete, Get says %v; want not found", err)
	}
	if w.deletion != nil {
		t.Error("the Delete dialog is still open")
	}
	if gridRowOf(t, w, "marcusstaff") >= 0 || w.footer.Text != "Showing 10 of 12 records" {
		t.Errorf("the deleted row is still shown (footer %q)", w.footer.Text)
	}
}

// A practice just set up has one account, its administrator's, who sees it: the grid
// is never empty for someone signed in.
func TestStaffGridNewPracticeShowsItsAdministrator(t *testing.T) {
	_, w := showStaffGrid(t, false)
	if !w.table.Visible() || w.footer.Text != "Showing 1 of 1 records" {
		t.Fatalf("a new practice's grid: footer %q", w.footer.Text)
	}
	if got := gridLogins(t, w); strings.Join(got, " ") != testAdmin {
		t.Errorf("rows = %v; want the administrator alone", got)
	}
	name := gridCell(t, w, 0, int(app.ColName))
	if name.full != "Pat Admin" || name.subFull != app.AdministratorRole {
		t.Errorf("name cell = %q over %q", name.full, name.subFull)
	}
	// Nobody deactivates or deletes themselves: their own row has no More menu.
	if c := gridCell(t, w, 0, colActions); !c.edit.Visible() || c.more.Visible() {
		t.Errorf("the administrator's own row: Edit shown %v, More shown %v; want Edit and no More", c.edit.Visible(), c.more.Visible())
	}
}

func TestStaffGridStaffSavedRevealsTheAccount(t *testing.T) {
	td, w := showStaffGrid(t, true)
	typeSearch(w, "zzz")

	tom := staffByUsername(t, td, "tbecker")
	td.staffSaved(tom)
	td.waitIdle()

	if w.search.Text != "" || !w.showInactive.Checked {
		t.Errorf("search %q, show inactive %v: the saved account would be hidden", w.search.Text, w.showInactive.Checked)
	}
	row := gridRowOf(t, w, "tbecker")
	if row < 0 || w.selectedRow() != row || !gridCell(t, w, row, int(app.ColName)).highlight.Visible() {
		t.Error("the saved account is not shown selected")
	}
}

func TestStaffGridKeyboardAndDoubleTapOpenEdit(t *testing.T) {
	td, w := showStaffGrid(t, true)
	gkim := staffByUsername(t, td, "gkim")
	camille := staffByUsername(t, td, "camilles")

	test.Tap(gridCell(t, w, gridRowOf(t, w, "camilles"), int(app.ColEmail)))
	if w.selected != camille.ID {
		t.Fatal("a tap does not select the row")
	}
	if w.win.Canvas().Focused() != fyne.Focusable(w.table) {
		t.Error("a tap does not give the grid the keyboard")
	}
	w.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	w.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if w.selected != gkim.ID {
		t.Fatalf("two Down arrows from camilles select %d; want gkim", w.selected)
	}
	w.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	td.waitIdle()
	if _, ok := td.window(fmt.Sprintf("edit:%d", gkim.ID)); !ok {
		t.Error("Enter does not open the selected account")
	}

	test.DoubleTap(gridCell(t, w, gridRowOf(t, w, "camilles"), int(app.ColName)))
	td.waitIdle()
	if _, ok := td.window(fmt.Sprintf("edit:%d", camille.ID)); !ok {
		t.Error("a double click does not open the account")
	}
}

func TestStaffGridMenusAndShortcuts(t *testing.T) {
	_, w := showStaffGrid(t, true)
	items := map[string]*fyne.MenuItem{}
	for _, m := range w.win.MainMenu().Items {
		for _, it := range m.Items {
			items[m.Label+"/"+it.Label] = it
		}
	}
	for _, name := range []string{"File/New Staff Member", "File/Find Staff", "File/Quit", "Practice/Providers…", "Practice/Offices…",
		"Practice/Roles…", "Practice/Care Team Roles…", "Help/About StaffDesk"} {
		if it := items[name]; it == nil || it.Action == nil {
			t.Errorf("menu item %s is missing or does nothing", name)
		}
	}
	items["File/Find Staff"].Action()
	if w.win.Canvas().Focused() != fyne.Focusable(w.search) {
		t.Error("Find Staff does not focus the search")
	}
	if s, ok := items["File/New Staff Member"].Shortcut.(interface{ ShortcutName() string }); !ok || !strings.Contains(s.ShortcutName(), "N") {
		t.Error("New Staff Member has no Ctrl+N")
	}
	if w.addButton.Text != "+ Add Staff Member" || w.addButton.Importance != widget.HighImportance {
		t.Errorf("add button = %q", w.addButton.Text)
	}
}

package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/demo"
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

// hoverRow puts the pointer on row's Name cell, as a person does to act on the row,
// and returns the row's actions cell, its buttons shown.
func hoverRow(t *testing.T, w *staffWindow, row int) *staffCell {
	t.Helper()
	name := gridCell(t, w, row, int(app.ColName))
	if h := w.table.hover; h != 0 && h != name.id {
		gridCellOf(t, w, h).MouseOut()
	}
	name.MouseIn(&desktop.MouseEvent{})
	actions := gridCell(t, w, row, colActions)
	if actions.actions == nil || !actions.actions.Visible() {
		t.Fatalf("the pointer on row %d shows no buttons", row)
	}
	return actions
}

// gridCellOf is a drawn cell of account id's row.
func gridCellOf(t *testing.T, w *staffWindow, id int64) *staffCell {
	t.Helper()
	var found *staffCell
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*staffCell); ok && c.id == id && c.col == int(app.ColName) {
			found = c
		}
	})
	if found == nil {
		t.Fatalf("no cell drawn for account %d", id)
	}
	return found
}

// rowMenuItem taps the More button of username's row, the pointer on the row, and
// returns the item of its menu labelled label, or nil when the menu has none.
func rowMenuItem(t *testing.T, w *staffWindow, username, label string) *fyne.MenuItem {
	t.Helper()
	row := gridRowOf(t, w, username)
	if row < 0 {
		t.Fatalf("%s is not shown", username)
	}
	w.menu, w.menuOf = nil, nil
	more := hoverRow(t, w, row).more
	if !more.Visible() {
		t.Fatalf("%s's row shows no More button", username)
	}
	test.Tap(more)
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
	actions := hoverRow(t, w, row)
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

// menuItems returns the window's main menu items by "Menu/Item".
func menuItems(w *staffWindow) map[string]*fyne.MenuItem {
	items := map[string]*fyne.MenuItem{}
	for _, m := range w.win.MainMenu().Items {
		for _, it := range m.Items {
			if !it.IsSeparator {
				items[m.Label+"/"+it.Label] = it
			}
		}
	}
	return items
}

// shownButtonTexts returns the texts of the buttons drawn in the window, the grid's
// included.
func shownButtonTexts(w *staffWindow) map[string]bool {
	out := map[string]bool{}
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		switch b := o.(type) {
		case *button:
			out[b.Text] = true
		case *rowButton:
			out[b.Text] = true
		}
	})
	return out
}

// chooseFilter picks label in one of the grid's filter drop-downs, as a click would.
func chooseFilter(t *testing.T, c *choice, label string) {
	t.Helper()
	if !slices.Contains(c.Options, label) {
		t.Fatalf("the drop-down has no %q: %v", label, c.Options)
	}
	c.SetSelected(label)
}

func TestStaffGridFilters(t *testing.T) {
	_, w := showStaffGrid(t, true)
	if w.statusChoice.Selected != "All statuses" || w.officeChoice.Selected != "All offices" || w.roleChoice.Selected != "All roles" {
		t.Fatalf("the filters start at %q, %q, %q", w.statusChoice.Selected, w.officeChoice.Selected, w.roleChoice.Selected)
	}
	if got := strings.Join(w.officeChoice.Options, "|"); got != "All offices|Not restricted|Main Street Clinic|Riverside Office" {
		t.Errorf("office choices = %s", got)
	}
	if !slices.Contains(w.roleChoice.Options, "Nurse") || !slices.Contains(w.roleChoice.Options, app.AdministratorRole) {
		t.Errorf("role choices = %v", w.roleChoice.Options)
	}
	for _, step := range []struct {
		status, office, role string
		want                 string
		footer               string
	}{
		{"Pending activation", "All offices", "All roles", "dvolkov jamie_demo_staff nfischer", "Showing 3 of 13 records"},
		{"Locked", "All offices", "All roles", "mchen", "Showing 1 of 13 records"},
		{"Never signed in", "All offices", "All roles", "gkim lortega mchen praman", ""},
		{"Inactive", "All offices", "All roles", "rdelgado tbecker", ""},
		{"Inactive", "Riverside Office", "All roles", "rdelgado", ""},
		{"All statuses", "Riverside Office", "All roles", "dvolkov gkim", ""}, // rdelgado is inactive
		{"All statuses", "Main Street Clinic", "All roles", "gkim praman", ""},
		{"All statuses", "Not restricted", "Nurse", "abello camilles marcusstaff mchen", ""},
		{"Active", "Not restricted", "Nurse", "abello camilles marcusstaff mchen", ""},
		{"Active", "All offices", app.AdministratorRole, "omanning", ""},
	} {
		chooseFilter(t, w.statusChoice, step.status)
		chooseFilter(t, w.officeChoice, step.office)
		chooseFilter(t, w.roleChoice, step.role)
		name := step.status + " / " + step.office + " / " + step.role
		if got := strings.Join(gridLogins(t, w), " "); got != step.want {
			t.Errorf("%s shows %s; want %s", name, got, step.want)
		}
		if step.footer != "" && w.footer.Text != step.footer {
			t.Errorf("%s: footer %q", name, w.footer.Text)
		}
		// Show inactive is about All statuses only.
		if w.showInactive.Disabled() != (step.status != "All statuses") {
			t.Errorf("%s: Show inactive disabled = %v", name, w.showInactive.Disabled())
		}
	}

	// Show inactive adds the office's inactive accounts under All statuses.
	chooseFilter(t, w.statusChoice, "All statuses")
	chooseFilter(t, w.officeChoice, "Riverside Office")
	chooseFilter(t, w.roleChoice, "All roles")
	test.Tap(w.showInactive)
	if got := strings.Join(gridLogins(t, w), " "); got != "dvolkov gkim rdelgado" {
		t.Errorf("Riverside with Show inactive: %s", got)
	}
	test.Tap(w.showInactive)

	// A filter and a search together; a search cleared keeps the filter.
	typeSearch(w, "kim")
	if got := strings.Join(gridLogins(t, w), " "); got != "gkim" {
		t.Errorf("Riverside, searching kim: %s", got)
	}
	typeSearch(w, "")
	w.search.SetText("")

	// A filter nobody passes says so and offers to clear the filters.
	chooseFilter(t, w.statusChoice, "Locked")
	if !w.noMatch.Visible() || w.noMatchLabel.Text != "No staff members match the filters." || w.clearSearch.Text != "Clear filters" {
		t.Fatalf("an empty filter shows %q (no match shown %v) with %q", w.noMatchLabel.Text, w.noMatch.Visible(), w.clearSearch.Text)
	}
	test.Tap(w.clearSearch)
	if w.filter != (app.RosterFilter{}) || w.statusChoice.Selected != "All statuses" || w.officeChoice.Selected != "All offices" ||
		w.footer.Text != "Showing 11 of 13 records" {
		t.Errorf("Clear filters left %+v (%q, %q), footer %q", w.filter, w.statusChoice.Selected, w.officeChoice.Selected, w.footer.Text)
	}
}

// A filter holds over a reload, and an account saved while a filter hides it is shown:
// the filters let go.
func TestStaffGridFilterHoldsOverReloadAndRevealsSaved(t *testing.T) {
	td, w := showStaffGrid(t, true)
	chooseFilter(t, w.roleChoice, "Nurse")
	w.reload()
	td.waitIdle()
	if got := strings.Join(gridLogins(t, w), " "); got != "abello camilles marcusstaff mchen" || w.roleChoice.Selected != "Nurse" {
		t.Fatalf("after a reload the Nurse filter shows %s (%q)", got, w.roleChoice.Selected)
	}
	td.staffSaved(staffByUsername(t, td, "gkim"))
	td.waitIdle()
	row := gridRowOf(t, w, "gkim")
	if row < 0 || w.selectedRow() != row || w.filter.Narrows() || w.roleChoice.Selected != "All roles" {
		t.Errorf("the saved Office Manager is hidden (row %d, filter %+v)", row, w.filter)
	}
}

// A locked account says so until when, with its failed sign-ins, and Unlock in its More
// menu ends the lock.
func TestStaffGridLockedAndUnlock(t *testing.T) {
	td, w := showStaffGrid(t, true)
	mchen := staffByUsername(t, td, "mchen")
	c := gridCell(t, w, gridRowOf(t, w, "mchen"), int(app.ColStatus))
	until := "Locked until " + mchen.SignIn.LockedUntil.Local().Format("15:04")
	if c.full != until || c.subFull != "10 failed sign-ins" || !c.warnSub {
		t.Errorf("mchen's status = %q over %q (warning %v); want %q over 10 failed sign-ins", c.full, c.subFull, c.warnSub, until)
	}
	if c := gridCell(t, w, gridRowOf(t, w, "lortega"), int(app.ColStatus)); c.full != "Active" || c.subFull != "3 failed sign-ins" || !c.warnSub {
		t.Errorf("lortega's status = %q over %q (warning %v)", c.full, c.subFull, c.warnSub)
	}
	if c := gridCell(t, w, gridRowOf(t, w, "gkim"), int(app.ColStatus)); c.subFull != "never signed in" || c.warnSub {
		t.Errorf("gkim's status = %q over %q", c.full, c.subFull)
	}
	if rowMenuItem(t, w, "camilles", "Unlock") != nil {
		t.Error("an account that is not locked offers Unlock")
	}
	w.menu.Hide()
	chooseRowMenu(t, w, "mchen", "Unlock")
	td.waitIdle()
	if got := staffByUsername(t, td, "mchen"); got.Locked(time.Now()) || got.SignIn.Failures != 0 {
		t.Fatalf("after Unlock: locked %v, %d failures", got.Locked(time.Now()), got.SignIn.Failures)
	}
	if c := gridCell(t, w, gridRowOf(t, w, "mchen"), int(app.ColStatus)); c.full != "Active" || c.subFull != "never signed in" {
		t.Errorf("after Unlock mchen's status = %q over %q", c.full, c.subFull)
	}
}

// A nurse, without Manage Accounts or Manage Practice, is offered none of their
// actions: no Add, no Edit, no More menu, no practice settings or outbox.
func TestStaffGridOffersOnlyWhatThePersonMayDo(t *testing.T) {
	td := newTestDesk(t, true)
	in, err := td.svc.Session.SignIn(context.Background(), "abello", demo.Password, "t")
	if err != nil {
		t.Fatal(err)
	}
	td.Desk.signedIn(in)
	td.ShowMain()
	td.waitIdle()
	w := td.staff
	t.Cleanup(w.win.Close)

	if w.addButton != nil || w.manage || w.practice {
		t.Error("a nurse's window has the Add button or thinks they manage")
	}
	hoverRow(t, w, 0) // a row shows its buttons under the pointer
	shown := shownButtonTexts(w)
	for _, text := range []string{"+ Add Staff Member", "Edit", "Set up email", "Open outbox", "Add a provider"} {
		if shown[text] {
			t.Errorf("a nurse is shown %q", text)
		}
	}
	if !shown["View"] {
		t.Error("a nurse is not offered View")
	}
	row := gridRowOf(t, w, "camilles")
	if row < 0 {
		t.Fatal("the nurse does not see Camille")
	}
	cell := gridCell(t, w, row, colActions)
	for _, o := range cell.actions.Objects {
		if o != cell.view {
			t.Errorf("the actions cell holds %v besides View", o)
		}
	}
	if got := w.rowMenu(staffByUsername(t, td, "camilles")); len(got.Items) != 0 {
		t.Errorf("the nurse's More menu has %d items", len(got.Items))
	}
	items := menuItems(w)
	for _, name := range []string{"File/New Staff Member", "Practice/Providers…", "Practice/Offices…", "Practice/Roles…",
		"Practice/Care Team Roles…", "Practice/Practice Settings…", "Practice/Permissions…", "Email/Email Settings…", "Email/Outbox…"} {
		if items[name] != nil {
			t.Errorf("a nurse's menu has %s", name)
		}
	}
	for _, name := range []string{"File/Find Staff", "View/Dashboard", "View/Staff", "Email/Activate Account…", "Email/Set a New Password…",
		"Account/My Account…", "Account/Sign Out"} {
		if items[name] == nil {
			t.Errorf("a nurse's menu lacks %s", name)
		}
	}
	// Enter and a double click open the account to view, not to edit.
	test.DoubleTap(gridCell(t, w, row, int(app.ColName)))
	td.waitIdle()
	camille := staffByUsername(t, td, "camilles")
	if _, ok := td.window(fmt.Sprintf("edit:%d", camille.ID)); ok {
		t.Error("a double click opened Edit for a nurse")
	}
	if _, ok := td.window(fmt.Sprintf("view:%d", camille.ID)); !ok {
		t.Error("a double click did not open View for a nurse")
	}
	// The mail banner tells, but offers no settings.
	if w.mailBanner.Visible() && w.mailAction.Visible() && shown[w.mailAction.Text] {
		t.Error("the mail banner offers a nurse its action")
	}
	// Their Dashboard has no outbox, and names no action they are not offered.
	td.openDashboard()
	td.waitIdle()
	if w.dash.items["locked"] == nil || w.dash.items["mail waiting"] != nil {
		t.Errorf("a nurse's Dashboard items: %v", w.dash.items)
	}
	visit(w.dash.page, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && (strings.Contains(l.Text, "More menu") || strings.Contains(l.Text, "resend")) {
			t.Errorf("a nurse's Dashboard says %q", l.Text)
		}
	})
}

// The office manager is offered everything.
func TestStaffGridOffersTheManagerEverything(t *testing.T) {
	td, w := showStaffGrid(t, true)
	hoverRow(t, w, 0) // a row shows its buttons under the pointer
	shown := shownButtonTexts(w)
	for _, text := range []string{"+ Add Staff Member", "Edit", "View", "Set up email"} {
		if !shown[text] {
			t.Errorf("Olivia is not shown %q", text)
		}
	}
	items := menuItems(w)
	for _, name := range []string{"File/New Staff Member", "Practice/Providers…", "Practice/Offices…", "Practice/Roles…",
		"Practice/Care Team Roles…", "Practice/Practice Settings…", "Practice/Permissions…", "Email/Email Settings…", "Email/Outbox…",
		"View/Dashboard", "View/Staff", "Account/My Account…", "Account/Sign Out"} {
		if it := items[name]; it == nil || it.Action == nil {
			t.Errorf("Olivia's menu lacks %s", name)
		}
	}
	var labels []string
	for _, it := range w.rowMenu(staffByUsername(t, td, "mchen")).Items {
		labels = append(labels, it.Label)
	}
	if got := strings.Join(labels, "|"); got != "Unlock|Deactivate…||Delete…" {
		t.Errorf("a locked row's More menu = %q", got)
	}
	// Her own row: nothing in More but what she may do to herself.
	own := gridCell(t, w, gridRowOf(t, w, "omanning"), colActions)
	if !own.edit.Visible() || own.more.Visible() {
		t.Errorf("Olivia's own row: Edit %v, More %v; want Edit and no More", own.edit.Visible(), own.more.Visible())
	}
	if got := w.rowMenu(staffByUsername(t, td, "omanning")); len(got.Items) != 0 {
		t.Errorf("Olivia's own More menu has %d items", len(got.Items))
	}
}

// Near the plan's limit "+ Add Staff Member" says how many accounts are used; at it,
// Add says why no more can be added instead of opening a form the save would refuse.
// Creating, deactivating and reactivating count again.
func TestStaffGridStaffAccountUsage(t *testing.T) {
	td, w := showStaffGrid(t, true)
	if w.usageLabel.Visible() {
		t.Fatalf("11 of 15 used shows %q", w.usageLabel.Text)
	}
	// A limit saved in Practice Settings is counted against at once.
	setLimit := func(limit int) {
		t.Helper()
		info, err := td.svc.Practice.Get(td.ctx())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := td.svc.Practice.Save(td.ctx(), info.Practice.Name, limit, info.Practice.Version); err != nil {
			t.Fatal(err)
		}
		td.practiceChanged()
		td.waitIdle()
	}
	setLimit(12)
	if !w.usageLabel.Visible() || w.usageLabel.Text != "11 of 12 staff accounts used" {
		t.Fatalf("with a limit of 12 the label shows %q (visible %v)", w.usageLabel.Text, w.usageLabel.Visible())
	}
	// Drawn whole, beside the button: the search box made room for it.
	if l := w.usageLabel; l.Size().Width < l.MinSize().Width || l.Position().X+l.Size().Width > w.addButton.Position().X {
		t.Errorf("the label is %v wide at %v, the button at %v", l.Size().Width, l.Position(), w.addButton.Position())
	}
	setLimit(15)
	if w.usageLabel.Visible() {
		t.Fatalf("back at 15 the label shows %q", w.usageLabel.Text)
	}
	for _, name := range []string{"usage1", "usage2"} {
		createStaffIn(t, td, name)
	}
	w.reload()
	td.waitIdle()
	if w.usageLabel.Visible() {
		t.Fatalf("13 of 15 used shows %q", w.usageLabel.Text)
	}
	td.staffSaved(createStaffIn(t, td, "usage3"))
	td.waitIdle()
	if !w.usageLabel.Visible() || w.usageLabel.Text != "14 of 15 staff accounts used" {
		t.Fatalf("one left: the label shows %q (visible %v)", w.usageLabel.Text, w.usageLabel.Visible())
	}
	test.Tap(w.addButton)
	td.waitIdle()
	form, ok := td.window("new-staff")
	if !ok {
		t.Fatal("with one account left Add does not open New Staff Member")
	}
	form.Close()

	td.staffSaved(createStaffIn(t, td, "usage4"))
	td.waitIdle()
	if w.usageLabel.Text != "15 of 15 staff accounts used" || !w.usageLabel.Visible() {
		t.Fatalf("at the limit the label shows %q", w.usageLabel.Text)
	}
	test.Tap(w.addButton)
	td.waitIdle()
	if _, ok := td.window("new-staff"); ok {
		t.Error("at the limit Add opened New Staff Member")
	}
	if top := w.win.Canvas().Overlays().Top(); top == nil {
		t.Error("at the limit Add says nothing")
	} else {
		top.Hide()
	}

	// Deactivating one frees it.
	chooseRowMenu(t, w, "usage4", "Deactivate…")
	w.confirm.Confirm()
	td.waitIdle()
	if w.usageLabel.Text != "14 of 15 staff accounts used" {
		t.Errorf("after a deactivation the label shows %q", w.usageLabel.Text)
	}
}

// An Office Manager not restricted to offices sees the practice administrator's row,
// whose role carries Manage Permissions, which they do not hold: the service refuses
// them any change to it, so the row offers only View (no Edit, no More menu), and a
// double click opens View.
func TestStaffGridOffersNoChangeOfSomeoneAbove(t *testing.T) {
	td := newTestDesk(t, true)
	grace := staffByUsername(t, td, "gkim")
	full, err := td.svc.Staff.Get(td.ctx(), grace.ID)
	if err != nil {
		t.Fatal(err)
	}
	full.RestrictOffices, full.OfficeIDs = false, nil
	if _, err := td.svc.Staff.Update(td.ctx(), full); err != nil {
		t.Fatal(err)
	}
	signInAs(t, td, "gkim")
	td.ShowMain()
	td.waitIdle()
	w := td.staff
	t.Cleanup(w.win.Close)

	olivia := staffByUsername(t, td, "omanning")
	row := gridRowOf(t, w, "omanning")
	if row < 0 {
		t.Fatal("an unrestricted Office Manager does not see the administrator")
	}
	hoverRow(t, w, row)
	cell := gridCell(t, w, row, colActions)
	if !cell.view.Visible() || cell.edit.Visible() || cell.more.Visible() {
		t.Errorf("the administrator's row offers Grace: view %v, edit %v, more %v; want View only",
			cell.view.Visible(), cell.edit.Visible(), cell.more.Visible())
	}
	if got := w.rowMenu(olivia); len(got.Items) != 0 {
		t.Errorf("Grace's More menu for the administrator has %d items", len(got.Items))
	}
	test.DoubleTap(gridCell(t, w, row, int(app.ColName)))
	td.waitIdle()
	if _, ok := td.window(fmt.Sprintf("edit:%d", olivia.ID)); ok {
		t.Error("a double click opened Edit of the administrator for Grace")
	}
	if _, ok := td.window(fmt.Sprintf("view:%d", olivia.ID)); !ok {
		t.Error("a double click did not open View of the administrator")
	}
	// A nurse's row is hers to change.
	row = gridRowOf(t, w, "abello")
	hoverRow(t, w, row)
	if cell := gridCell(t, w, row, colActions); !cell.edit.Visible() || !cell.more.Visible() {
		t.Errorf("a nurse's row offers Grace: edit %v, more %v; want both", cell.edit.Visible(), cell.more.Visible())
	}
}

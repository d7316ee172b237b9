package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// openDirectoryWindow opens the window of kind k and waits for its first load.
func openDirectoryWindow(t *testing.T, td *testDesk, k *directoryKind) *directoryWindow {
	t.Helper()
	w := td.openDirectory(k)
	if w == nil {
		t.Fatalf("%s window was already open", k.title)
	}
	td.waitIdle()
	return w
}

// selectRow selects the list row titled title, as a click on it would.
func selectRow(t *testing.T, w *directoryWindow, title string) directoryItem {
	t.Helper()
	for i, it := range w.shown {
		if it.title == title {
			w.list.Select(i)
			if w.selected != it.id {
				t.Fatalf("selecting %q selected id %d, want %d", title, w.selected, it.id)
			}
			return it
		}
	}
	t.Fatalf("no row %q in %v", title, shownTitles(w))
	return directoryItem{}
}

func shownTitles(w *directoryWindow) []string {
	var titles []string
	for _, it := range w.shown {
		titles = append(titles, it.title)
	}
	return titles
}

func findItem(w *directoryWindow, title string) (directoryItem, bool) {
	for _, it := range w.shown {
		if it.title == title {
			return it, true
		}
	}
	return directoryItem{}, false
}

// fill types values into the open form's fields, replacing what they held.
func fill(t *testing.T, f *recordForm, values map[string]string) {
	t.Helper()
	for name, v := range values {
		e, ok := f.entries[name]
		if !ok {
			t.Fatalf("form %q has no field %s", f.title, name)
		}
		e.SetText("")
		test.Type(e, v)
	}
}

// saveForm taps Save and waits for the service to answer.
func saveForm(td *testDesk, f *recordForm) {
	test.Tap(f.save)
	td.waitIdle()
}

func loadDirectory(t *testing.T, td *testDesk) *app.Directory {
	t.Helper()
	dir, err := td.svc.Directory.Load(td.ctx())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// overlayText returns the text of every label in the window's top dialog.
func overlayText(win fyne.Window) string {
	top := win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok && o.Visible() {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// A new practice has its first provider (Set up your practice asks for one) but no
// offices yet.
func TestDirectoryOfficesEmptyState(t *testing.T) {
	td := newTestDesk(t, false)
	w := openDirectoryWindow(t, td, officeKind)
	win, ok := td.window("offices")
	if !ok || win != w.win {
		t.Fatal("Offices window is not registered")
	}
	if win.Title() != "Offices" {
		t.Errorf("title %q, want Offices", win.Title())
	}
	// Opening again, as the menu does, raises the same window rather than a second one.
	windows := len(td.fyneApp.Driver().AllWindows())
	td.openOffices()
	if n := len(td.fyneApp.Driver().AllWindows()); n != windows {
		t.Errorf("%d windows after opening Offices again, want %d", n, windows)
	}

	if !w.empty.Visible() || !strings.HasPrefix(w.empty.Text, "No offices yet.") {
		t.Errorf("empty state %q (visible %v)", w.empty.Text, w.empty.Visible())
	}
	if w.list.Visible() {
		t.Error("the empty list is shown instead of the empty-state text")
	}
	if w.add.Disabled() || !w.edit.Disabled() || !w.toggle.Disabled() {
		t.Errorf("buttons add/edit/toggle disabled = %v/%v/%v, want false/true/true",
			w.add.Disabled(), w.edit.Disabled(), w.toggle.Disabled())
	}
}

func TestDirectoryAddProvider(t *testing.T) {
	td := newTestDesk(t, false)
	w := openDirectoryWindow(t, td, providerKind)
	test.Tap(w.add)
	f := w.form
	if f == nil || f.title != "Add provider" {
		t.Fatalf("Add did not open the Add provider form: %+v", f)
	}
	fill(t, f, map[string]string{
		app.FieldFirstName:   "Kate",
		app.FieldLastName:    "Provider",
		app.FieldSuffix:      "Jr.",
		app.FieldCredentials: "MD",
		app.FieldNPI:         "1234567893",
	})
	saveForm(td, f)
	if w.form != nil {
		t.Fatalf("form still open; NPI message %q, problem %q", f.fields.errorOf(app.FieldNPI), f.problem.Text)
	}

	dir := loadDirectory(t, td)
	if len(dir.Providers) != 2 { // the practice's first, and Kate
		t.Fatalf("%d providers in the database, want 2", len(dir.Providers))
	}
	p := providerWithNPI(t, dir, "1234567893")
	if p.FirstName != "Kate" || p.LastName != "Provider" || p.Suffix != "Jr." || p.Credentials != "MD" || p.NPI != "1234567893" || !p.Active {
		t.Errorf("saved provider %+v", p)
	}
	it, ok := findItem(w, "Kate Provider, Jr., MD")
	if !ok {
		t.Fatalf("new provider not in the list: %v", shownTitles(w))
	}
	if it.detail != "NPI 1234567893" || !it.active {
		t.Errorf("row %+v", it)
	}
	if w.selected != p.ID {
		t.Errorf("selected %d, want the new provider %d", w.selected, p.ID)
	}
	if w.empty.Visible() {
		t.Error("empty-state text still shown")
	}
	if w.edit.Disabled() || w.toggle.Text != "Deactivate" {
		t.Errorf("edit disabled %v, toggle %q", w.edit.Disabled(), w.toggle.Text)
	}
}

func TestDirectoryProviderBadNPIKeepsForm(t *testing.T) {
	td := newTestDesk(t, false)
	w := openDirectoryWindow(t, td, providerKind)
	test.Tap(w.add)
	f := w.form
	fill(t, f, map[string]string{
		app.FieldFirstName: "Hannah",
		app.FieldLastName:  "Provider",
		app.FieldNPI:       "1234567890", // fails the Luhn check
	})
	saveForm(td, f)
	if w.form != f {
		t.Fatal("the form closed on a bad NPI")
	}
	if msg := f.fields.errorOf(app.FieldNPI); msg == "" {
		t.Error("no message under NPI")
	}
	if msg := f.fields.errorOf(app.FieldFirstName); msg != "" {
		t.Errorf("message under a good first name: %q", msg)
	}
	if f.entries[app.FieldFirstName].Text != "Hannah" || f.entries[app.FieldNPI].Text != "1234567890" {
		t.Error("the form lost what was typed")
	}
	if n := len(loadDirectory(t, td).Providers); n != 1 {
		t.Fatalf("%d providers besides the first saved despite the bad NPI", n-1)
	}

	// Fixing the NPI and pressing Enter in the field saves.
	fill(t, f, map[string]string{app.FieldNPI: "1245319599"})
	f.entries[app.FieldNPI].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	td.waitIdle()
	if w.form != nil {
		t.Fatalf("form still open after fixing the NPI: %q", f.fields.errorOf(app.FieldNPI))
	}
	if dir := loadDirectory(t, td); len(dir.Providers) != 2 || providerWithNPI(t, dir, "1245319599").FirstName != "Hannah" {
		t.Errorf("providers after the fix: %+v", dir.Providers)
	}
}

func TestDirectoryFormEscapeCancels(t *testing.T) {
	td := newTestDesk(t, false)
	w := openDirectoryWindow(t, td, providerKind)
	test.Tap(w.add)
	f := w.form
	fill(t, f, map[string]string{app.FieldFirstName: "Nobody"})
	f.entries[app.FieldFirstName].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	td.waitIdle()
	if w.form != nil || w.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape did not close the form")
	}
	if n := len(loadDirectory(t, td).Providers); n != 1 {
		t.Errorf("Escape saved %d providers", n-1)
	}
	if _, open := td.window("providers"); !open {
		t.Error("Escape in the form closed the list window too")
	}

	// With no form open, Escape closes the list window.
	w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if _, open := td.window("providers"); open {
		t.Error("Escape did not close the Providers window")
	}
}

func TestDirectoryEditOffice(t *testing.T) {
	td := newTestDesk(t, true)
	w := openDirectoryWindow(t, td, officeKind)
	it := selectRow(t, w, "Main Street Clinic")
	if !strings.Contains(it.detail, "100 Main Street, Springfield, IL 62701") || !strings.Contains(it.detail, "(217) 555-0100") {
		t.Errorf("office row detail %q", it.detail)
	}
	test.Tap(w.edit)
	f := w.form
	if f == nil || f.title != "Edit office" {
		t.Fatalf("Edit did not open the office form: %+v", f)
	}
	if got := f.entries[app.FieldPhone].Text; got != "(217) 555-0100" {
		t.Errorf("phone shown as %q", got)
	}
	if got := f.entries[app.FieldAddress].Text; got != "100 Main Street\nSpringfield, IL 62701" {
		t.Errorf("address shown as %q", got)
	}
	fill(t, f, map[string]string{app.FieldName: "Main Street Family Clinic", app.FieldPhone: "217-555-0199"})
	saveForm(td, f)
	if w.form != nil {
		t.Fatalf("form still open: name %q phone %q problem %q", f.fields.errorOf(app.FieldName), f.fields.errorOf(app.FieldPhone), f.problem.Text)
	}

	var saved *app.Office
	for _, o := range loadDirectory(t, td).Offices {
		if o.ID == it.id {
			saved = o
		}
	}
	if saved == nil || saved.Name != "Main Street Family Clinic" || app.FormatPhone(saved.Phone) != "(217) 555-0199" ||
		saved.Address != "100 Main Street\nSpringfield, IL 62701" || !saved.Active {
		t.Fatalf("office in the database: %+v", saved)
	}
	row, ok := findItem(w, "Main Street Family Clinic")
	if !ok || !strings.Contains(row.detail, "(217) 555-0199") {
		t.Errorf("list row after edit: %+v (%v)", row, shownTitles(w))
	}
	if w.selected != it.id {
		t.Errorf("selected %d after edit, want %d", w.selected, it.id)
	}
}

func TestDirectoryAddRole(t *testing.T) {
	td := newTestDesk(t, false)
	w := openDirectoryWindow(t, td, roleKind)
	if w.win.Title() != "Roles" {
		t.Errorf("title %q", w.win.Title())
	}
	test.Tap(w.add)
	fill(t, w.form, map[string]string{app.FieldName: "Scheduler"})
	saveForm(td, w.form)
	if w.form != nil {
		t.Fatalf("form still open: %q", w.form.fields.errorOf(app.FieldName))
	}
	it, ok := findItem(w, "Scheduler")
	if !ok || w.selected != it.id {
		t.Fatalf("new role not listed and selected: %v, selected %d", shownTitles(w), w.selected)
	}
	found := false
	for _, r := range loadDirectory(t, td).Roles {
		found = found || (r.Name == "Scheduler" && r.Active && r.ID == it.id)
	}
	if !found {
		t.Error("Scheduler is not in the database")
	}
}

func TestDirectoryDuplicateRoleName(t *testing.T) {
	td := newTestDesk(t, false)
	w := openDirectoryWindow(t, td, roleKind)
	before := len(loadDirectory(t, td).Roles)
	test.Tap(w.add)
	f := w.form
	fill(t, f, map[string]string{app.FieldName: "nurse"}) // "Nurse" exists; names ignore case
	saveForm(td, f)
	if w.form != f {
		t.Fatal("the form closed on a duplicate name")
	}
	if msg := f.fields.errorOf(app.FieldName); msg == "" {
		t.Errorf("no message under Name (problem above the form: %q)", f.problem.Text)
	}
	if f.entries[app.FieldName].Text != "nurse" {
		t.Error("the form lost the name")
	}
	if after := len(loadDirectory(t, td).Roles); after != before {
		t.Errorf("%d roles after a refused duplicate, want %d", after, before)
	}
}

func TestDirectoryDeactivateProviderWithoutStaff(t *testing.T) {
	td := newTestDesk(t, false)
	p, err := td.svc.Directory.SaveProvider(td.ctx(), &app.Provider{FirstName: "Nadia", LastName: "Okafor", Credentials: "NP"})
	if err != nil {
		t.Fatal(err)
	}
	w := openDirectoryWindow(t, td, providerKind)
	selectRow(t, w, "Nadia Okafor, NP")
	test.Tap(w.toggle)
	if w.confirm == nil {
		t.Fatal("Deactivate did not ask first")
	}
	if !strings.Contains(overlayText(w.win), "Deactivate Nadia Okafor, NP?") {
		t.Errorf("question reads %q", overlayText(w.win))
	}
	w.confirm.Confirm()
	td.waitIdle()
	if got := providerByID(t, loadDirectory(t, td), p.ID); got.Active {
		t.Fatalf("provider after deactivating: %+v", got)
	}
	it, ok := findItem(w, "Nadia Okafor, NP")
	if !ok || it.active {
		t.Fatalf("row after deactivating: %+v, shown %v", it, ok)
	}
	if w.toggle.Text != "Reactivate" || w.selected != p.ID {
		t.Errorf("toggle %q, selected %d", w.toggle.Text, w.selected)
	}
	if w.summary.Text != "2 providers (1 inactive)" {
		t.Errorf("summary %q", w.summary.Text)
	}

	// Reactivating takes nothing from anyone, so it happens without a question.
	test.Tap(w.toggle)
	td.waitIdle()
	if w.confirm != nil {
		t.Error("Reactivate asked a question")
	}
	if !providerByID(t, loadDirectory(t, td), p.ID).Active {
		t.Error("provider not reactivated")
	}
	if w.toggle.Text != "Deactivate" {
		t.Errorf("toggle %q after reactivating", w.toggle.Text)
	}
}

func TestDirectoryDeactivateProviderWithStaffRefused(t *testing.T) {
	td := newTestDesk(t, true)
	w := openDirectoryWindow(t, td, providerKind)
	it := selectRow(t, w, "Kate Provider, MD")
	test.Tap(w.toggle)
	if w.confirm == nil {
		t.Fatal("Deactivate did not ask first")
	}
	w.confirm.Confirm()
	td.waitIdle()
	for _, p := range loadDirectory(t, td).Providers {
		if p.ID == it.id && !p.Active {
			t.Fatal("a provider with active staff was deactivated")
		}
	}
	if msg := overlayText(w.win); !strings.Contains(msg, "primary provider of") {
		t.Errorf("refusal not shown; top dialog says %q", msg)
	}
	if row, _ := findItem(w, "Kate Provider, MD"); !row.active || w.toggle.Text != "Deactivate" || w.toggle.Disabled() {
		t.Errorf("row %+v, toggle %q disabled %v", row, w.toggle.Text, w.toggle.Disabled())
	}
	// Escape dismisses the message without closing the window.
	w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.win.Canvas().Overlays().Top() != nil {
		t.Error("Escape left the message open")
	}
	if _, open := td.window("providers"); !open {
		t.Error("Escape on the message closed the window")
	}
}

func TestDirectoryShowInactive(t *testing.T) {
	td := newTestDesk(t, true)
	w := openDirectoryWindow(t, td, providerKind)
	robert, ok := findItem(w, "Robert Allen, Jr., MD, FACP")
	if !ok || robert.active || robert.detail != "No NPI on file" {
		t.Fatalf("inactive provider row: %+v (shown %v)", robert, ok)
	}
	if w.summary.Text != "3 providers (1 inactive)" {
		t.Errorf("summary %q", w.summary.Text)
	}
	w.showInactive.SetChecked(false)
	if _, ok := findItem(w, "Robert Allen, Jr., MD, FACP"); ok {
		t.Error("inactive provider still listed with Show inactive off")
	}
	if len(w.shown) != 2 || w.list.Length() != 2 {
		t.Errorf("%d rows with Show inactive off, want 2", len(w.shown))
	}
	w.showInactive.SetChecked(true)
	if len(w.shown) != 3 {
		t.Errorf("%d rows with Show inactive on, want 3", len(w.shown))
	}
}

func TestDirectoryAddCareTeamRole(t *testing.T) {
	td := newTestDesk(t, false)
	td.openCareTeamRoles()
	td.waitIdle()
	win, ok := td.window("careteamroles")
	if !ok || win.Title() != "Care Team Roles" {
		t.Fatalf("Care Team Roles window: open %v", ok)
	}
	win.Close()

	w := openDirectoryWindow(t, td, careTeamRoleKind)
	test.Tap(w.add)
	if w.form.title != "Add care team role" {
		t.Errorf("form title %q", w.form.title)
	}
	fill(t, w.form, map[string]string{app.FieldName: "Physical therapist (occupation)"})
	w.form.entries[app.FieldName].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	td.waitIdle()
	if w.form != nil {
		t.Fatal("Enter did not save the care team role")
	}
	it, ok := findItem(w, "Physical therapist (occupation)")
	if !ok || w.selected != it.id {
		t.Fatalf("not listed and selected: %v", shownTitles(w))
	}
	found := false
	for _, r := range loadDirectory(t, td).CareTeamRoles {
		found = found || (r.ID == it.id && r.Name == "Physical therapist (occupation)" && r.Active)
	}
	if !found {
		t.Error("care team role not in the database")
	}
}

func TestDirectoryWindowsFitSmallWindow(t *testing.T) {
	td := newTestDesk(t, true)
	for _, k := range []*directoryKind{providerKind, officeKind, roleKind, careTeamRoleKind} {
		w := openDirectoryWindow(t, td, k)
		if min := w.win.Content().MinSize(); min.Width > 420 || min.Height > 360 {
			t.Errorf("%s needs %v, more than 420x360", k.title, min)
		}
		w.win.Resize(fyne.NewSize(420, 360))
		test.Tap(w.add)
		if w.form == nil {
			t.Fatalf("%s: Add opened no form", k.title)
		}
		if min := w.form.dlg.MinSize(); min.Width > 420 {
			t.Errorf("%s form needs %v wide, more than the window", k.title, min.Width)
		}
		w.form.onCancel()
		w.win.Close()
	}
}

func providerWithNPI(t *testing.T, dir *app.Directory, npi string) *app.Provider {
	t.Helper()
	for _, p := range dir.Providers {
		if p.NPI == npi {
			return p
		}
	}
	t.Fatalf("no provider with NPI %q among %d", npi, len(dir.Providers))
	return nil
}

func providerByID(t *testing.T, dir *app.Directory, id int64) *app.Provider {
	t.Helper()
	for _, p := range dir.Providers {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no provider %d among %d", id, len(dir.Providers))
	return nil
}

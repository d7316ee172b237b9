package ui

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// luminance is the WCAG relative luminance of c.
func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	r, g, b := n.R, n.G, n.B
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over is top drawn over the opaque bottom.
func over(top, bottom color.Color) color.Color {
	t := color.NRGBAModel.Convert(top).(color.NRGBA)
	b := color.NRGBAModel.Convert(bottom).(color.NRGBA)
	a := float64(t.A) / 255
	m := func(x, y uint8) uint8 { return uint8(float64(x)*a + float64(y)*(1-a) + 0.5) }
	return color.NRGBA{R: m(t.R, b.R), G: m(t.G, b.G), B: m(t.B, b.B), A: 255}
}

// A selected inactive row was grey on blue. Its text must read on the highlight (WCAG
// AA, 4.5:1), in the light and the dark theme, and stay set apart from active rows.
func TestStaffGridSelectedInactiveRowIsLegible(t *testing.T) {
	for _, variant := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		td := newTestDesk(t, true)
		th := variantTheme{theme.DefaultTheme(), variant}
		td.fyneApp.Settings().SetTheme(th)
		td.ShowMain()
		td.waitIdle()
		w := td.staff
		t.Cleanup(w.win.Close)
		test.Tap(w.showInactive)
		row := gridRowOf(t, w, "tbecker")
		test.Tap(gridCell(t, w, row, int(app.ColEmail)))
		bg := th.Color(theme.ColorNameBackground, variant)
		for col := 0; col < colActions; col++ {
			c := gridCell(t, w, row, col)
			if !c.highlight.Visible() {
				t.Fatalf("column %d of the selected row is not highlighted", col)
			}
			behind := over(c.highlight.FillColor, bg)
			visit(c, func(o fyne.CanvasObject) {
				if txt, ok := o.(*canvas.Text); ok && txt.Text != "" {
					if r := contrast(txt.Color, behind); r < 4.5 {
						t.Errorf("variant %d, column %d: %q has contrast %.1f:1 on the selection", variant, col, txt.Text, r)
					}
				}
			})
		}
		if !gridCell(t, w, row, int(app.ColLogin)).text.TextStyle.Italic || gridCell(t, w, gridRowOf(t, w, "camilles"), int(app.ColLogin)).text.TextStyle.Italic {
			t.Error("inactive rows are not set apart (italic) from active ones")
		}
	}
}

// variantTheme is a theme fixed to one variant, so a test can look at light and dark.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// No cell carries a theme scope of its own: each one made Fyne parse the fonts again
// and clear its text caches.
func TestStaffGridHasNoThemeScopePerCell(t *testing.T) {
	_, w := showStaffGrid(t, true)
	overrides := 0
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if _, ok := o.(*container.ThemeOverride); ok {
			overrides++
		}
	})
	if overrides > 0 {
		t.Errorf("%d theme overrides drawn in the Staff window", overrides)
	}
}

// cellsDrawn counts the grid cells showing an account.
func cellsDrawn(w *staffWindow) int {
	n := 0
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*staffCell); ok && c.id != 0 {
			n++
		}
	})
	return n
}

// countUpdates counts the table's cell updates from now on.
func countUpdates(w *staffWindow) *int {
	n := new(int)
	update := w.table.UpdateCell
	w.table.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		*n++
		update(id, o)
	}
	return n
}

// A keystroke, a sort, the Show inactive switch and a reload each redraw the rows once.
func TestStaffGridRedrawsOncePerChange(t *testing.T) {
	td, w := showStaffGrid(t, true)
	test.Tap(gridCell(t, w, gridRowOf(t, w, "gkim"), int(app.ColEmail))) // a selection to keep in view
	updates := countUpdates(w)
	for _, step := range []struct {
		name string
		do   func()
	}{
		{"a keystroke", func() { test.Type(w.search, "e") }},
		{"Backspace", func() { w.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace}) }},
		// A tap on a header also takes the keyboard from the grid: no redraw for that.
		{"a sort", func() { test.Tap(gridHeader(t, w, int(app.ColEmail))); td.waitIdle() }},
		{"the sort reversed", func() { test.Tap(gridHeader(t, w, int(app.ColEmail))); td.waitIdle() }},
		{"Show inactive", func() { test.Tap(w.showInactive) }},
		{"a reload", func() { w.reload(); td.waitIdle() }},
	} {
		drawn := cellsDrawn(w)
		*updates = 0
		step.do()
		if drawn = max(drawn, cellsDrawn(w)); *updates > drawn {
			t.Errorf("%s: %d cell updates for %d cells drawn", step.name, *updates, drawn)
		}
	}
	*updates = 0
	test.Tap(gridCell(t, w, gridRowOf(t, w, "camilles"), int(app.ColEmail)))
	if *updates > 1 { // the table redraws the cell its keyboard focus is on
		t.Errorf("selecting a row updated %d cells; only the highlight changes", *updates)
	}
	if row := gridRowOf(t, w, "camilles"); !gridCell(t, w, row, int(app.ColName)).highlight.Visible() ||
		gridCell(t, w, gridRowOf(t, w, "gkim"), int(app.ColName)).highlight.Visible() {
		t.Error("the highlight did not move to the tapped row")
	}
}

// At 1280×800 the demo practice's values are shown whole; at 1024×640 every column,
// Status and the actions included, is inside the window, and what is cut off is shown
// whole on hover.
func TestStaffGridColumnsFitTheWindow(t *testing.T) {
	_, w := showStaffGrid(t, true)
	w.win.Resize(fyne.NewSize(1280, 800))
	w.win.Canvas().Capture()
	for _, login := range gridLogins(t, w) {
		row := gridRowOf(t, w, login)
		for col := 0; col < colActions; col++ {
			if c := gridCell(t, w, row, col); c.truncated() {
				t.Errorf("1280×800: %s's %s %q is cut off to %q", login, strings.ReplaceAll(staffColumns[col].title, "\n", " "), c.full, c.text.Text)
			}
		}
	}

	w.win.Resize(fyne.NewSize(1024, 640))
	w.win.Canvas().Capture()
	d := fyne.CurrentApp().Driver()
	right := d.AbsolutePositionForObject(w.win.Content()).X + w.win.Canvas().Size().Width
	actions := hoverRow(t, w, 0)
	if x := d.AbsolutePositionForObject(actions.more).X + actions.more.Size().Width; x > right {
		t.Errorf("1024×640: the More button ends at x=%.0f, past the window's %.0f", x, right)
	}
	status := gridHeader(t, w, int(app.ColStatus))
	if x := d.AbsolutePositionForObject(status).X + status.Size().Width; x > right {
		t.Errorf("1024×640: the Status column ends at x=%.0f, past the window's %.0f", x, right)
	}

	var cut *staffCell
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*staffCell); ok && c.id != 0 && cut == nil && c.truncated() {
			cut = c
		}
	})
	if cut == nil {
		t.Fatal("1024×640: nothing is cut off; the hover has nothing to show")
	}
	cut.MouseIn(nil)
	if got := w.tip.shown(); !strings.HasPrefix(got, cut.full) {
		t.Errorf("hovering %q shows %q", cut.text.Text, got)
	}
	cut.MouseOut()
	if w.tip.shown() != "" {
		t.Error("the tip stays after the pointer leaves")
	}
	whole := gridCell(t, w, gridRowOf(t, w, "gkim"), int(app.ColCell))
	whole.MouseIn(nil)
	if w.tip.shown() != "" {
		t.Error("a value shown whole gets a tip")
	}
}

// At 1024×640 the toolbar's filters, the usage beside Add and the Dashboard button fit
// the window, each drop-down as wide as its longest choice.
func TestStaffGridToolbarFitsTheWindow(t *testing.T) {
	td, w := showStaffGrid(t, true)
	for _, name := range []string{"fit1", "fit2", "fit3", "fit4"} { // the plan's 15 all used
		createStaffIn(t, td, name)
	}
	w.reload()
	td.waitIdle()
	w.win.Resize(fyne.NewSize(1024, 640))
	w.win.Canvas().Capture()
	d := fyne.CurrentApp().Driver()
	right := d.AbsolutePositionForObject(w.win.Content()).X + w.win.Canvas().Size().Width
	ends := func(o fyne.CanvasObject) float32 { return d.AbsolutePositionForObject(o).X + o.Size().Width }
	starts := func(o fyne.CanvasObject) float32 { return d.AbsolutePositionForObject(o).X }
	if !w.usageLabel.Visible() || ends(w.addButton) > right || ends(w.usageLabel) > starts(w.addButton) ||
		ends(w.search) > starts(w.usageLabel) || w.search.Size().Width < 300 {
		t.Errorf("the search row: search %.0f–%.0f, usage %.0f–%.0f, Add %.0f–%.0f, window %.0f", starts(w.search), ends(w.search),
			starts(w.usageLabel), ends(w.usageLabel), starts(w.addButton), ends(w.addButton), right)
	}
	row := []fyne.CanvasObject{w.statusChoice, w.officeChoice, w.roleChoice, w.showInactive, w.toDashboard}
	for i, o := range row {
		if ends(o) > right || (i > 0 && starts(o) < ends(row[i-1])) {
			t.Errorf("the filter row's %d. part at %.0f–%.0f overlaps or leaves the window (%.0f)", i+1, starts(o), ends(o), right)
		}
	}
	for _, c := range []*choice{w.statusChoice, w.officeChoice, w.roleChoice} {
		if c.Size().Width < choiceWidth(c.Options) {
			t.Errorf("the drop-down showing %q is %.0f wide; its longest choice needs %.0f", c.Selected, c.Size().Width, choiceWidth(c.Options))
		}
	}
}

// The manager widens a column by dragging its header's trailing edge.
func TestStaffGridColumnWidensByDraggingItsHeaderEdge(t *testing.T) {
	_, w := showStaffGrid(t, true)
	w.win.Resize(fyne.NewSize(1024, 640))
	w.win.Canvas().Capture()
	col := int(app.ColEmail)
	before := w.table.cols.current[col]
	need := w.table.cols.want[col] - before // what the longest email lacks
	if need <= 0 {
		t.Fatalf("at 1024×640 the Email column (%.0f) is not narrowed below its content (%.0f)", before, w.table.cols.want[col])
	}
	div := gridHeader(t, w, col).divider
	div.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: need / 2}})
	div.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: need - need/2}})
	div.DragEnd()
	if got := w.table.cols.current[col]; got != before+need {
		t.Errorf("after a %.0f-pixel drag the Email column is %.0f wide; was %.0f", need, got, before)
	}
	w.win.Canvas().Capture()
	if c := gridCell(t, w, gridRowOf(t, w, "gkim"), col); c.truncated() {
		t.Errorf("grace.kim's email is still cut off to %q in the widened column", c.text.Text)
	}
	div.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: -1000}})
	div.DragEnd()
	if got := w.table.cols.current[col]; got != w.table.cols.floor[col] {
		t.Errorf("dragged far left the column is %.0f wide; want its header's %.0f", got, w.table.cols.floor[col])
	}
}

// The Delete dialog's box must look empty: the username is in the words above it.
func TestStaffGridDeleteDialogPlaceholder(t *testing.T) {
	_, w := showStaffGrid(t, true)
	chooseRowMenu(t, w, "marcusstaff", "Delete…")
	del := w.deletion
	if del == nil {
		t.Fatal("Delete did not open its dialog")
	}
	if p := del.entry.PlaceHolder; strings.Contains(p, "marcusstaff") || p == "" {
		t.Errorf("placeholder %q; want a hint, not the username", p)
	}
	said := false
	visit(w.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if rt, ok := o.(*widget.RichText); ok && strings.Contains(rt.String(), "marcusstaff") {
			said = true
		}
	})
	if !said {
		t.Error("the dialog does not say which username to type")
	}
}

// The arrow keys and a sort keep the selected row in view, however far down it is.
func TestStaffGridKeepsTheSelectionInView(t *testing.T) {
	td := newTestDesk(t, true)
	seedBulkStaff(t, td, 200)
	td.ShowMain()
	td.waitIdle()
	w := td.staff
	t.Cleanup(w.win.Close)
	w.win.Resize(fyne.NewSize(1024, 640))
	w.win.Canvas().Capture()
	inView := func(when string) {
		t.Helper()
		row := w.selectedRow()
		if row < 0 {
			t.Fatalf("%s: nothing selected", when)
		}
		var cell *staffCell
		visit(w.win.Content(), func(o fyne.CanvasObject) {
			if c, ok := o.(*staffCell); ok && c.id == w.selected && c.row == row {
				cell = c
			}
		})
		if cell == nil {
			t.Fatalf("%s: the selected row %d is not drawn", when, row)
		}
		d := fyne.CurrentApp().Driver()
		top := d.AbsolutePositionForObject(w.table).Y
		y := d.AbsolutePositionForObject(cell).Y
		if y < top || y+cell.Size().Height > top+w.table.Size().Height+1 {
			t.Errorf("%s: the selected row is at y=%.0f, outside the grid's %.0f–%.0f", when, y, top, top+w.table.Size().Height)
		}
	}
	test.Tap(gridCell(t, w, 0, int(app.ColEmail)))
	for range 40 {
		w.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	}
	inView("40 rows down")
	test.Tap(gridHeader(t, w, int(app.ColEmail)))
	td.waitIdle()
	inView("sorted by email")
	test.Tap(gridHeader(t, w, int(app.ColEmail)))
	td.waitIdle()
	inView("sorted by email, descending")
	for range 10 {
		w.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	}
	inView("10 rows up")
}

// The highlight says whether the keyboard is in the grid: the selection colour while it
// is, paler while the search box has it.
func TestStaffGridHighlightShowsWhereTheKeyboardIs(t *testing.T) {
	_, w := showStaffGrid(t, true)
	row := gridRowOf(t, w, "camilles")
	test.Tap(gridCell(t, w, row, int(app.ColEmail)))
	alpha := func() uint8 {
		return color.NRGBAModel.Convert(gridCell(t, w, row, int(app.ColName)).highlight.FillColor).(color.NRGBA).A
	}
	focused := alpha()
	if w.win.Canvas().Focused() != fyne.Focusable(w.table) || focused == 0 {
		t.Fatal("a tap does not give the grid the keyboard with the row highlighted")
	}
	w.win.Canvas().Focus(w.search)
	if a := alpha(); a == 0 || a >= focused {
		t.Errorf("with the keyboard in the search box the highlight's alpha is %d (focused: %d)", a, focused)
	}
	if !gridCell(t, w, row, int(app.ColName)).highlight.Visible() {
		t.Error("the selection is not shown while the search box has the keyboard")
	}
}

// The status cell's second line says how signing in has gone, in few words.
func TestLastSignInWords(t *testing.T) {
	loc := time.FixedZone("here", -5*3600)
	now := time.Date(2026, 3, 12, 10, 30, 0, 0, loc)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, "never signed in"},
		{time.Date(2026, 3, 12, 9, 14, 0, 0, loc), "signed in 09:14"},
		{time.Date(2026, 3, 12, 0, 0, 0, 0, loc), "signed in 00:00"},
		{time.Date(2026, 3, 11, 23, 59, 0, 0, loc), "signed in yesterday"},
		{time.Date(2026, 3, 11, 0, 0, 0, 0, loc), "signed in yesterday"},
		{time.Date(2026, 3, 10, 23, 0, 0, 0, loc), "signed in 10 Mar"},
		{time.Date(2025, 11, 28, 8, 0, 0, 0, loc), "signed in 28 Nov 2025"},
		// Told in the desk's time zone: 03:00 UTC is the evening before here.
		{time.Date(2026, 3, 12, 3, 0, 0, 0, time.UTC), "signed in yesterday"},
	} {
		if got := lastSignIn(tc.at, now); got != tc.want {
			t.Errorf("lastSignIn(%v) = %q; want %q", tc.at, got, tc.want)
		}
	}

	locked := &app.Staff{Status: app.StatusActive, SignIn: app.SignInState{LastSignInAt: now.Add(-time.Hour),
		Failures: 10, LockedUntil: time.Date(2026, 3, 12, 15, 40, 0, 0, time.UTC)}}
	if text, sub, warn := cellValues(locked, int(app.ColStatus), now); text != "Locked until 10:40" || sub != "10 failed sign-ins" || !warn {
		t.Errorf("a locked account's status = %q over %q (warning %v)", text, sub, warn)
	}
	if text, sub, _ := cellValues(locked, int(app.ColStatus), now.Add(6*time.Hour)); text != "Active" || sub != "10 failed sign-ins" {
		t.Errorf("after the lock: %q over %q", text, sub)
	}
	one := &app.Staff{Status: app.StatusActive, SignIn: app.SignInState{LastSignInAt: now.Add(-time.Hour), Failures: 1}}
	if _, sub, _ := cellValues(one, int(app.ColStatus), now); sub != "1 failed sign-in" {
		t.Errorf("one failure: %q", sub)
	}
}

// rowsWithButtons are the accounts whose rows show their View, Edit and More buttons.
func rowsWithButtons(w *staffWindow) []int64 {
	var ids []int64
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*staffCell); ok && c.id != 0 && c.col == colActions && c.actions != nil && c.actions.Visible() {
			ids = append(ids, c.id)
		}
	})
	slices.Sort(ids)
	return ids
}

// The window at rest repaints for the search box's blinking cursor, and each frame
// draws every visible object: the rows' buttons were most of them (33 buttons, a
// background each, at 11 rows). No row shows its buttons with none selected and the
// pointer off the grid.
func TestStaffGridAtRestDrawsNoRowButtons(t *testing.T) {
	_, w := showStaffGrid(t, true)
	w.win.Resize(fyne.NewSize(1280, 800))
	w.win.Canvas().Capture()
	if len(gridLogins(t, w)) < 10 {
		t.Fatalf("the grid shows %d rows", len(gridLogins(t, w)))
	}
	if ids := rowsWithButtons(w); len(ids) != 0 {
		t.Errorf("at rest, nothing selected, %d rows show their buttons; want none", len(ids))
	}
}

// The row under the pointer and the selected row show their buttons, and only they:
// the buttons follow the pointer from row to row and the selection as the arrows move
// it, and Tab from the grid reaches the selected row's View, Edit and More, and no
// other row's.
func TestStaffGridRowButtonsFollowPointerAndSelection(t *testing.T) {
	td, w := showStaffGrid(t, true)
	w.win.Resize(fyne.NewSize(1280, 800))
	w.win.Canvas().Capture()
	id := func(login string) int64 { return staffByUsername(t, td, login).ID }
	want := func(what string, logins ...string) {
		t.Helper()
		var ids []int64
		for _, l := range logins {
			ids = append(ids, id(l))
		}
		slices.Sort(ids)
		if got := rowsWithButtons(w); !slices.Equal(got, ids) {
			t.Errorf("%s: the rows of accounts %v show their buttons; want %v (%v)", what, got, ids, logins)
		}
	}

	camille := hoverRow(t, w, gridRowOf(t, w, "camilles"))
	want("the pointer on Camille's row", "camilles")
	if !camille.view.Visible() || !camille.edit.Visible() || !camille.more.Visible() {
		t.Error("Camille's row does not show View, Edit and More")
	}
	// Along the row, onto its own buttons: they stay.
	gridCell(t, w, gridRowOf(t, w, "camilles"), int(app.ColName)).MouseOut()
	gridCell(t, w, gridRowOf(t, w, "camilles"), int(app.ColStatus)).MouseIn(&desktop.MouseEvent{})
	gridCell(t, w, gridRowOf(t, w, "camilles"), int(app.ColStatus)).MouseOut()
	camille.MouseIn(&desktop.MouseEvent{})
	camille.MouseOut() // onto View
	want("the pointer on Camille's View", "camilles")

	hoverRow(t, w, gridRowOf(t, w, "dvolkov"))
	test.Tap(gridCell(t, w, gridRowOf(t, w, "dvolkov"), int(app.ColEmail)))
	want("Volkov's row selected, the pointer on it", "dvolkov")
	gridCell(t, w, gridRowOf(t, w, "dvolkov"), int(app.ColName)).MouseOut() // out of the grid
	want("Volkov's row selected, the pointer off the grid", "dvolkov")
	hoverRow(t, w, gridRowOf(t, w, "marcusstaff"))
	want("Volkov's row selected, the pointer on Marcus's", "dvolkov", "marcusstaff")
	gridCell(t, w, gridRowOf(t, w, "marcusstaff"), int(app.ColName)).MouseOut()

	// The keyboard: Down selects the next row, whose buttons Tab reaches.
	c := w.win.Canvas()
	pressOn(t, w.win, w.table, fyne.KeyDown)
	want("Down from Volkov's row", "gkim")
	gkim := gridCell(t, w, gridRowOf(t, w, "gkim"), colActions)
	for _, b := range []*rowButton{gkim.view, gkim.edit, gkim.more} {
		test.FocusNext(c)
		if c.Focused() != b {
			t.Fatalf("Tab from the grid reaches %s, not Grace Kim's %q", describe(c.Focused()), b.Text)
		}
	}
	test.FocusNext(c)
	if b, ok := c.Focused().(*rowButton); ok {
		t.Errorf("Tab after Grace Kim's More reaches the %q of account %d's row", b.Text, b.cell.id)
	}
	// Enter still opens the selected account from the grid.
	pressOn(t, w.win, w.table, fyne.KeyReturn)
	if !isOpen(td, fmt.Sprintf("edit:%d", id("gkim"))) {
		t.Error("Enter in the grid did not open the selected account")
	}

	// A button the keyboard reaches on the row under the pointer (Shift+Tab, say)
	// selects its row: it keeps its buttons when the pointer moves on.
	marcus := hoverRow(t, w, gridRowOf(t, w, "marcusstaff"))
	c.Focus(marcus.edit)
	gridCell(t, w, gridRowOf(t, w, "marcusstaff"), int(app.ColName)).MouseOut()
	want("Marcus's Edit focused, the pointer off the grid", "marcusstaff")
	if w.selected != id("marcusstaff") {
		t.Errorf("Marcus's Edit has the keyboard and account %d is selected", w.selected)
	}

	// The rows change under a resting pointer (a sort, a search): the buttons leave the
	// row it was on, and come back with its next move.
	hoverRow(t, w, gridRowOf(t, w, "camilles"))
	w.onSort(int(app.ColName))
	td.waitIdle()
	want("sorted by name, the pointer where it was", "marcusstaff")
	typeSearch(w, "a")
	want("a search, the pointer where it was", "marcusstaff")
	hoverRow(t, w, gridRowOf(t, w, "camilles"))
	want("the pointer moved on Camille's row", "camilles", "marcusstaff")
}

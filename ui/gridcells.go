package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// gridInnerPadding is the space between a cell's edge and its text: tighter than the
// theme's 8, so that the columns fit a 1024-pixel window (and, with the Practice
// Administrator's role under a name, the demo's values a 1280-pixel one). The cells draw their own text
// (canvas.Text), so no theme scope is needed for it: Fyne caches font faces per theme
// scope, and a scope per cell made every cell parse the fonts again.
const gridInnerPadding = 5

// actionsInset is the room either side of a row's buttons, which have their own padding.
const actionsInset = 3

// staffTable is the grid: Enter opens the selected account and the arrow keys move the
// selection by whole rows. It sizes its columns to their content and the room there is.
type staffTable struct {
	widget.Table
	w       *staffWindow
	cells   []*staffCell    // every cell shown, to move the row highlight without a refresh
	headers []*columnHeader // every header shown
	focused bool            // the grid has the keyboard
	cols    *gridWidths
	// hover is the account whose row the pointer is on (0: none known). Its row and the
	// selected row show their View, Edit and More buttons; the others show none, so that
	// a frame draws two rows' buttons, not every row's (each frame at rest, the search
	// box's cursor blinking, draws the whole window).
	hover int64
}

func newStaffTable(w *staffWindow) *staffTable {
	t := &staffTable{w: w}
	t.Length = func() (int, int) {
		if w.roster == nil {
			return 0, len(staffColumns)
		}
		return w.roster.Len(), len(staffColumns)
	}
	t.CreateCell = func() fyne.CanvasObject { return newStaffCell(w) }
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		c := o.(*staffCell)
		if c.col < 0 { // first shown: the table also makes cells only to measure them
			t.cells = append(t.cells, c)
		}
		c.update(id)
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject { return newColumnHeader(w) }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		h := o.(*columnHeader)
		if h.col < 0 {
			t.headers = append(t.headers, h)
		}
		h.update(id.Col)
	}
	t.ExtendBaseWidget(t)
	t.cols = newGridWidths(w.manage)
	t.applyWidths()
	return t
}

// Resize fits the columns to the new width before the cells are laid out.
func (t *staffTable) Resize(size fyne.Size) {
	if size.Width != t.cols.room {
		t.cols.room = size.Width
		t.applyWidths()
	}
	t.Table.Resize(size)
}

// applyWidths gives every column its fitted width. Only changed widths are set: each
// SetColumnWidth refreshes the table.
func (t *staffTable) applyWidths() {
	for i, width := range t.cols.fit(theme.Padding()) {
		t.SetColumnWidth(i, width)
	}
}

// setUserWidth is a column widened or narrowed by the manager (a drag on its header's
// edge); the other columns keep fitting the room that is left.
func (t *staffTable) setUserWidth(col int, width float32) {
	t.cols.user[col] = max(width, t.cols.floor[col])
	t.applyWidths()
}

// scrollTo brings row into view, redrawing the rows once. (Table.ScrollTo redraws them
// twice, and a Refresh before it once more.) It reports false when no row is drawn yet
// to measure from.
func (t *staffTable) scrollTo(row int) bool {
	var header *columnHeader
	for _, h := range t.headers {
		if h.Visible() {
			header = h
			break
		}
	}
	if header == nil || t.w.roster == nil {
		return false
	}
	d := fyne.CurrentApp().Driver()
	origin := d.AbsolutePositionForObject(t)
	top := origin.Y + header.Size().Height
	view := t.Size().Height - header.Size().Height
	// A cell drawn now, in view: the table keeps cells it no longer shows in a pool, and
	// those are not on the canvas (their absolute position is the origin).
	var drawn *staffCell
	var at fyne.Position
	for _, c := range t.cells {
		if c.id == 0 || c.row >= t.w.roster.Len() {
			continue
		}
		if at = d.AbsolutePositionForObject(c); at != (fyne.Position{}) && at.Y >= top-1 && at.Y < top+view {
			drawn = c
			break
		}
	}
	if drawn == nil {
		return false
	}
	// The rows' content scrolls under the header: the cell's place in the content and
	// on screen give the offset.
	off := fyne.NewPos(drawn.Position().X-(at.X-origin.X), drawn.Position().Y-(at.Y-top))
	pitch := drawn.Size().Height + theme.Padding()
	y := float32(row) * pitch
	switch {
	case y < off.Y:
		off.Y = y
	case y+pitch > off.Y+view:
		off.Y = y + pitch - view
	}
	// Clamped and whole, as the scroller would: an offset it then corrects counts as a
	// scroll, which redraws the rows a second time.
	off.Y = float32(int(max(min(off.Y, float32(t.w.roster.Len())*pitch-view), 0) + 0.5))
	off.X = float32(int(max(off.X, 0) + 0.5))
	t.ScrollToOffset(off)
	return true
}

// markSelected moves the row highlight, and the row's buttons, to the selected account
// on the cells drawn, redrawing only those that change.
func (t *staffTable) markSelected() {
	for _, c := range t.cells {
		c.setSelected(c.id != 0 && c.id == t.w.selected)
		c.syncActions()
	}
}

// actionsShown reports whether account id's row shows its buttons: it is the selected
// row, which the keyboard acts on (Tab from the grid reaches its buttons), or the row
// under the pointer.
func (t *staffTable) actionsShown(id int64) bool {
	return id != 0 && (id == t.w.selected || id == t.hover)
}

// setHover is the pointer on account id's row (0: on none).
func (t *staffTable) setHover(id int64) {
	if id == t.hover {
		return
	}
	t.hover = id
	for _, c := range t.cells {
		c.syncActions()
	}
}

// FocusGained and FocusLost leave the table's own focus mark off (it would sit on a
// cell of another row, and Fyne's table redraws every cell when it loses the focus):
// the row highlight says where the keyboard is instead, in the selection colour while
// the grid has the keyboard and paler while it has not.
func (t *staffTable) FocusGained() { t.setFocused(true) }

func (t *staffTable) FocusLost() { t.setFocused(false) }

func (t *staffTable) setFocused(on bool) {
	t.focused = on
	for _, c := range t.cells {
		if c.selected {
			c.paintHighlight()
		}
	}
}

func (t *staffTable) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		t.w.onEditSelected()
	case fyne.KeyUp:
		t.w.onMoveSelection(-1)
	case fyne.KeyDown:
		t.w.onMoveSelection(1)
	case fyne.KeySpace:
		// The table would mark one cell; the row is already selected.
	case fyne.KeyEscape:
		t.w.onTypedKey(ev) // the window's: the table itself drops it
	default:
		t.Table.TypedKey(ev)
	}
}

// staffCell is one cell of the grid. It shows its column's text (and a second, smaller
// line: the role under the name, the expiry under the status), the emergency access
// check or the row's action buttons; draws the row highlight; selects its row on a tap,
// opens the account on a double tap, and shows a cut-off value in full on hover.
//
// An update sets only what changed and redraws only those objects: a keystroke in the
// search box updates every cell drawn.
type staffCell struct {
	widget.BaseWidget
	w   *staffWindow
	id  int64 // the account shown; 0 while the cell is a template
	row int
	col int

	highlight *canvas.Rectangle
	text      *canvas.Text
	sub       *canvas.Text // the role under the name, the details under the status
	check     *widget.Icon
	actions   *fyne.Container // made on first use: most cells never show it
	view      *rowButton
	edit      *rowButton
	more      *rowButton // "⋯": the row's More menu: Resend activation, Deactivate, Delete

	full, subFull string  // the values; text and sub show them cut to the cell's width
	fitWidth      float32 // the width text and sub were cut for
	inactive      bool
	warnSub       bool // the second line is a warning (an expired activation code)
	selected      bool
}

func newStaffCell(w *staffWindow) *staffCell {
	c := &staffCell{w: w, row: -1, col: -1}
	c.highlight = canvas.NewRectangle(color.Transparent)
	c.highlight.Hide()
	c.text = canvas.NewText("", color.Black)
	c.text.TextSize = theme.TextSize()
	c.sub = canvas.NewText("", color.Black)
	c.sub.TextSize = theme.CaptionTextSize()
	c.sub.Hide()
	c.check = widget.NewIcon(theme.ConfirmIcon())
	c.check.Hide()
	c.ExtendBaseWidget(c)
	return c
}

// makeActions makes the row's buttons: the ui's button, which takes Enter as a press
// and passes Escape to the window, at the cost of a ring drawn only while focused. Only
// the cells of the actions column make them, once; a reused cell keeps its buttons
// (they act on whichever account the cell shows when pressed, and a button with the
// keyboard gives it up before its cell shows another account: see rebind).
func (c *staffCell) makeActions() {
	c.view = newRowButton(c, "View", nil, func() { c.act(func(s *app.Staff) { c.w.d.openView(s.ID) }) })
	c.edit = newRowButton(c, "Edit", nil, func() { c.act(func(s *app.Staff) { c.w.d.openEditStaff(s.ID) }) })
	c.more = newRowButton(c, "", theme.MoreHorizontalIcon(), func() {
		c.act(func(s *app.Staff) { c.w.showRowMenu(s, c.more) })
	})
	c.actions = container.NewHBox(c.view)
	if c.w.manage { // Edit and the More menu's actions are Manage Accounts'
		c.actions.Add(c.edit)
		c.actions.Add(c.more)
	}
}

// act runs f on the cell's account as it is now in the roster, selecting its row: the
// row acted on keeps its buttons when the pointer moves on (into the More menu, say).
func (c *staffCell) act(f func(*app.Staff)) {
	if c.w == nil || c.w.roster == nil {
		return
	}
	if row := c.w.roster.IndexOf(c.id); row >= 0 {
		c.selectRow()
		f(c.w.roster.Row(row))
	}
}

// selectRow selects the cell's account, unless it is selected already.
func (c *staffCell) selectRow() {
	if c.id != 0 && c.w.selected != c.id {
		c.w.selected = c.id
		c.w.table.markSelected()
	}
}

// rowButton is a row's View, Edit or More button. The keyboard reaching it (Tab from
// the grid, or Shift+Tab) selects its row, so that its buttons stay shown while it
// has the keyboard, whatever the pointer does.
type rowButton struct {
	button
	cell *staffCell
}

func newRowButton(c *staffCell, text string, icon fyne.Resource, tapped func()) *rowButton {
	b := &rowButton{cell: c}
	b.Text, b.Icon, b.Importance, b.OnTapped = text, icon, widget.MediumImportance, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *rowButton) FocusGained() {
	b.cell.selectRow()
	b.button.FocusGained()
}

// syncActions shows the row's buttons in an actions cell whose row shows them
// (staffTable.actionsShown), and hides them in the others.
func (c *staffCell) syncActions() {
	if c.actions == nil || c.col != colActions {
		return
	}
	if show := c.w.table.actionsShown(c.id); show != c.actions.Visible() {
		setVisible(c.actions, show)
		c.layout(c.Size())
		if show {
			// A container's Show does not redraw the window (its Hide does), and the
			// buttons, never drawn yet, are not known to be on it: the cell is.
			canvas.Refresh(c)
		}
	}
}

// rebind is called before the cell shows another account: the table reuses its cells
// when the rows change under them (a scroll, a search, a sort, a reload after a save
// in another window). A row button with the keyboard would then press for the account
// now shown: Enter on one person's Edit would open another's. The keyboard moves to
// the grid instead, with the account the button was for selected, so that Enter still
// opens that account, or nothing when it is no longer shown.
func (c *staffCell) rebind() {
	if c.actions == nil || c.id == 0 {
		return
	}
	cv := c.w.win.Canvas()
	switch cv.Focused() {
	case c.view, c.edit, c.more:
	default:
		return
	}
	c.w.selected = c.id
	c.w.table.markSelected()
	cv.Focus(c.w.table)
}

func (c *staffCell) update(id widget.TableCellID) {
	s := c.w.roster.Row(id.Row)
	if c.id != s.ID {
		c.rebind()
	}
	c.row = id.Row
	layoutChanged := c.col != id.Col
	c.col, c.id = id.Col, s.ID

	full, subFull, warn := cellValues(s, id.Col, c.w.now)
	inactive := s.Status == app.StatusInactive
	if full != c.full || subFull != c.subFull || inactive != c.inactive || warn != c.warnSub || layoutChanged {
		c.full, c.subFull, c.inactive, c.warnSub = full, subFull, inactive, warn
		c.fitWidth = -1 // cut again for the new values
		layoutChanged = true
	}
	c.setSelected(s.ID == c.w.selected)
	c.styleText()

	showCheck := id.Col == int(app.ColEmergency) && s.EmergencyAccess
	if showCheck != c.check.Visible() {
		setVisible(c.check, showCheck)
		layoutChanged = true
	}
	if id.Col == colActions && c.actions == nil {
		c.makeActions()
		layoutChanged = true
	}
	if show := id.Col == colActions && c.w.table.actionsShown(s.ID); c.actions != nil && show != c.actions.Visible() {
		setVisible(c.actions, show)
		layoutChanged = true
	}
	if id.Col == colActions && c.w.manage {
		// The person's own row has no More menu once Deactivate and Delete are gone, and
		// an account whose role carries more than the person holds has neither Edit nor
		// More: only View.
		if more := c.w.hasRowMenu(s); more != c.more.Visible() {
			setVisible(c.more, more)
			layoutChanged = true
		}
		if edit := c.w.mayManage(s); edit != c.edit.Visible() {
			setVisible(c.edit, edit)
			layoutChanged = true
		}
	}
	if layoutChanged || c.fitWidth != c.Size().Width {
		c.layout(c.Size())
	}
}

// styleText sets the colours and styles of the texts from the row's state; a text is
// redrawn only when they change. An inactive row is in italics and a little dimmer;
// selected, every row's text is the foreground colour, which reads on the highlight.
func (c *staffCell) styleText() {
	th, v := c.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	if c.inactive && !c.selected {
		fg = mix(fg, th.Color(theme.ColorNameBackground, v), 0.3)
	}
	style := fyne.TextStyle{Bold: c.col == int(app.ColName), Italic: c.inactive}
	subColor := fg
	if c.warnSub {
		subColor = th.Color(theme.ColorNameWarning, v)
		if c.selected {
			subColor = fg
		}
	}
	restyle(c.text, fg, style)
	restyle(c.sub, subColor, fyne.TextStyle{Italic: c.inactive})
}

func (c *staffCell) setSelected(on bool) {
	if on == c.selected {
		return
	}
	c.selected = on
	c.paintHighlight()
	c.styleText()
}

func (c *staffCell) paintHighlight() {
	fill := c.Theme().Color(theme.ColorNameSelection, fyne.CurrentApp().Settings().ThemeVariant())
	if c.w.table != nil && !c.w.table.focused {
		n := color.NRGBA64Model.Convert(fill).(color.NRGBA64)
		n.A = n.A / 5 * 3
		fill = n
	}
	c.highlight.FillColor = fill
	setVisible(c.highlight, c.selected)
	c.highlight.Refresh()
}

func setVisible(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}

// truncated reports whether the cell cuts off its text or its second line.
func (c *staffCell) truncated() bool {
	return (c.text.Visible() && c.text.Text != c.full) || (c.sub.Visible() && c.sub.Text != c.subFull)
}

// layout places the cell's content: the text and its second line centred vertically
// as one block, each cut to the cell's width with an ellipsis (measured once per value
// and width, not on every redraw).
func (c *staffCell) layout(size fyne.Size) {
	c.highlight.Resize(size)
	if c.actions != nil && c.actions.Visible() {
		min := c.actions.MinSize()
		c.actions.Move(fyne.NewPos(actionsInset, (size.Height-min.Height)/2))
		c.actions.Resize(fyne.NewSize(size.Width-actionsInset, min.Height))
	}
	if c.check.Visible() {
		s := theme.IconInlineSize()
		c.check.Move(fyne.NewPos(gridInnerPadding, (size.Height-s)/2))
		c.check.Resize(fyne.NewSize(s, s))
	}
	textShown := c.col != int(app.ColEmergency) && c.col != colActions && c.full != ""
	subShown := textShown && c.subFull != ""
	avail := size.Width - 2*gridInnerPadding
	if c.fitWidth != size.Width {
		c.fitWidth = size.Width
		setText(c.text, fitText(c.full, c.text.TextSize, c.text.TextStyle, avail))
		setText(c.sub, fitText(c.subFull, c.sub.TextSize, c.sub.TextStyle, avail))
	}
	if textShown != c.text.Visible() {
		setVisible(c.text, textShown)
	}
	if subShown != c.sub.Visible() {
		setVisible(c.sub, subShown)
	}
	if !textShown {
		return
	}
	textH := lineHeight(c.text.TextSize, c.text.TextStyle)
	total := textH
	if subShown {
		total += lineHeight(c.sub.TextSize, c.sub.TextStyle)
	}
	top := max((size.Height-total)/2, 0)
	c.text.Move(fyne.NewPos(gridInnerPadding, top))
	c.text.Resize(fyne.NewSize(avail, textH))
	if subShown {
		c.sub.Move(fyne.NewPos(gridInnerPadding, top+textH))
		c.sub.Resize(fyne.NewSize(avail, total-textH))
	}
}

// Tapped selects the cell's row and gives the grid the keyboard.
func (c *staffCell) Tapped(*fyne.PointEvent) {
	if c.w == nil || c.id == 0 {
		return
	}
	c.w.selected = c.id
	c.w.table.markSelected()
	c.w.win.Canvas().Focus(c.w.table)
}

// DoubleTapped opens the account: for editing with Manage Accounts, to view without.
func (c *staffCell) DoubleTapped(*fyne.PointEvent) {
	if c.w == nil || c.id == 0 {
		return
	}
	c.w.selected = c.id
	c.w.table.markSelected()
	c.w.open(c.id)
}

// MouseIn shows the row's buttons, and a cut-off value in full beside the pointer.
func (c *staffCell) MouseIn(*desktop.MouseEvent) {
	if c.w == nil || c.id == 0 {
		return
	}
	c.w.table.setHover(c.id)
	if c.truncated() {
		c.w.tip.show(c)
	}
}

// MouseMoved keeps the row's buttons on the row under the pointer when the rows have
// changed beneath it (a search, a sort, a scroll: the cell shows another account).
func (c *staffCell) MouseMoved(*desktop.MouseEvent) {
	if c.w != nil && c.id != 0 {
		c.w.table.setHover(c.id)
	}
}

// MouseOut takes the row's buttons away as the pointer leaves the row: onto another
// row's cell, whose MouseIn shows that row's, or out of the grid. From the actions cell
// the pointer goes onto one of the row's own buttons (which the window then tells of
// the pointer instead of the cell), or past the grid's right edge: the buttons stay
// until it is on another row.
func (c *staffCell) MouseOut() {
	if c.w == nil {
		return
	}
	c.w.tip.hide(c)
	if c.col != colActions && c.w.table.hover == c.id {
		c.w.table.setHover(0)
	}
}

func (c *staffCell) CreateRenderer() fyne.WidgetRenderer {
	return &staffCellRenderer{c: c}
}

type staffCellRenderer struct{ c *staffCell }

func (r *staffCellRenderer) Destroy() {}

func (r *staffCellRenderer) Objects() []fyne.CanvasObject {
	c := r.c
	if c.actions == nil {
		return []fyne.CanvasObject{c.highlight, c.text, c.sub, c.check}
	}
	return []fyne.CanvasObject{c.highlight, c.text, c.sub, c.check, c.actions}
}

// Refresh follows a change of theme; the cell's own updates redraw what they change.
func (r *staffCellRenderer) Refresh() {
	c := r.c
	c.text.TextSize, c.sub.TextSize = theme.TextSize(), theme.CaptionTextSize()
	c.paintHighlight()
	c.styleText()
	c.fitWidth = -1
	r.Layout(c.Size())
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

// MinSize is the size of a row.
func (r *staffCellRenderer) MinSize() fyne.Size { return r.c.w.rowSize }

func (r *staffCellRenderer) Layout(size fyne.Size) { r.c.layout(size) }

// gridRowSize is a cell's least size: two lines of text, or a button, whichever is taller.
func gridRowSize() fyne.Size {
	twoLines := lineHeight(theme.TextSize(), fyne.TextStyle{Bold: true}) + lineHeight(theme.CaptionTextSize(), fyne.TextStyle{})
	button := newButton("View", nil, widget.MediumImportance, nil).MinSize().Height
	return fyne.NewSize(40, max(twoLines, button)+2*theme.Padding())
}

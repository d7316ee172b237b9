package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// columnHeader is a column's title. A click sorts by the column and an arrow shows the
// direction; a drag on its trailing edge (the divider) widens or narrows the column.
// The Actions header is plain text that does not sort.
type columnHeader struct {
	widget.BaseWidget
	w       *staffWindow
	col     int
	title   string // a "\n" splits a long title over two lines
	lines   [2]*canvas.Text
	arrow   *widget.Icon
	divider *columnDivider
	sorted  int // -1 unsorted, 0 ascending, 1 descending: what the arrow shows
}

func newColumnHeader(w *staffWindow) *columnHeader {
	h := &columnHeader{w: w, col: -1, sorted: -1, arrow: widget.NewIcon(theme.MenuDropUpIcon())}
	for i := range h.lines {
		h.lines[i] = canvas.NewText("", theme.Color(theme.ColorNameForeground))
		h.lines[i].TextStyle.Bold = true
		h.lines[i].TextSize = theme.TextSize()
	}
	h.arrow.Hide()
	h.divider = newColumnDivider(h)
	h.ExtendBaseWidget(h)
	return h
}

func (h *columnHeader) sortable() bool { return h.col >= 0 && h.col < colActions }

// update shows column col's title and sort arrow, redrawing only what changed.
func (h *columnHeader) update(col int) {
	if col < 0 || col >= len(staffColumns) {
		return
	}
	changed := h.col != col
	h.col = col
	if title := staffColumns[col].title; title != h.title {
		h.title = title
		parts := strings.SplitN(title, "\n", 2)
		for i := range h.lines {
			h.lines[i].Text = ""
			if i < len(parts) {
				h.lines[i].Text = parts[i]
			}
			h.lines[i].Refresh()
		}
		changed = true
	}
	sorted := -1
	if h.w.roster != nil && h.sortable() {
		if sortCol, desc := h.w.roster.Sort(); int(sortCol) == col {
			sorted = 0
			if desc {
				sorted = 1
			}
		}
	}
	if sorted != h.sorted {
		h.sorted = sorted
		if sorted == 1 {
			h.arrow.SetResource(theme.MenuDropDownIcon())
		} else {
			h.arrow.SetResource(theme.MenuDropUpIcon())
		}
		setVisible(h.arrow, sorted >= 0)
		changed = true
	}
	if changed {
		h.layout(h.Size())
	}
}

// lastLineWidth is the width of the title's last line, which the arrow follows.
func (h *columnHeader) lastLineWidth() float32 {
	last := h.lines[0]
	if h.lines[1].Text != "" {
		last = h.lines[1]
	}
	return fyne.MeasureText(last.Text, last.TextSize, last.TextStyle).Width
}

func (h *columnHeader) layout(size fyne.Size) {
	lineH := lineHeight(theme.TextSize(), fyne.TextStyle{Bold: true})
	n := float32(1)
	if h.lines[1].Text != "" {
		n = 2
	}
	top := (size.Height - n*lineH) / 2
	for i, l := range h.lines {
		l.Move(fyne.NewPos(gridInnerPadding, top+float32(i)*lineH))
		l.Resize(fyne.NewSize(size.Width-2*gridInnerPadding, lineH))
	}
	icon := theme.IconInlineSize()
	h.arrow.Move(fyne.NewPos(gridInnerPadding+h.lastLineWidth()+theme.Padding()/2, top+(n-1)*lineH+(lineH-icon)/2))
	h.arrow.Resize(fyne.NewSize(icon, icon))
	grip := dividerGrip()
	h.divider.Move(fyne.NewPos(size.Width-grip, 0))
	h.divider.Resize(fyne.NewSize(grip, size.Height))
}

func (h *columnHeader) Tapped(*fyne.PointEvent) {
	if h.sortable() {
		h.w.onSort(h.col)
	}
}

func (h *columnHeader) Cursor() desktop.Cursor {
	if h.sortable() {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

func (h *columnHeader) CreateRenderer() fyne.WidgetRenderer {
	return &columnHeaderRenderer{h: h, objects: []fyne.CanvasObject{h.lines[0], h.lines[1], h.arrow, h.divider}}
}

type columnHeaderRenderer struct {
	h       *columnHeader
	objects []fyne.CanvasObject
}

func (r *columnHeaderRenderer) Destroy() {}

func (r *columnHeaderRenderer) Objects() []fyne.CanvasObject { return r.objects }

// Refresh follows a change of theme.
func (r *columnHeaderRenderer) Refresh() {
	for _, l := range r.h.lines {
		l.Color, l.TextSize = theme.Color(theme.ColorNameForeground), theme.TextSize()
	}
	r.Layout(r.h.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}

// MinSize leaves room for a two-line title.
func (r *columnHeaderRenderer) MinSize() fyne.Size {
	line := lineHeight(theme.TextSize(), fyne.TextStyle{Bold: true})
	return fyne.NewSize(headerWidth(r.h.title), 2*line+2*gridInnerPadding)
}

func (r *columnHeaderRenderer) Layout(size fyne.Size) { r.h.layout(size) }

// headerWidth is the least width of a column titled title: its longest line, or its
// last line and the sort arrow after it.
func headerWidth(title string) float32 {
	size, bold := theme.TextSize(), fyne.TextStyle{Bold: true}
	lines := strings.Split(title, "\n")
	var w float32
	for _, l := range lines {
		w = max(w, fyne.MeasureText(l, size, bold).Width)
	}
	last := fyne.MeasureText(lines[len(lines)-1], size, bold).Width + theme.Padding()/2 + theme.IconInlineSize()
	return float32(int(max(w, last) + 2*gridInnerPadding + 1))
}

func dividerGrip() float32 { return theme.Padding() * 2 }

// columnDivider is the trailing edge of a column's header: a thin line the manager
// drags to widen or narrow the column.
type columnDivider struct {
	widget.BaseWidget
	h     *columnHeader
	line  *canvas.Rectangle
	start float32 // the column's width when the drag began; 0 between drags
	moved float32
}

func newColumnDivider(h *columnHeader) *columnDivider {
	d := &columnDivider{h: h, line: canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))}
	d.ExtendBaseWidget(d)
	return d
}

func (d *columnDivider) Dragged(ev *fyne.DragEvent) {
	t := d.h.w.table
	col := d.h.col
	if col < 0 {
		return
	}
	if d.start == 0 {
		d.start, d.moved = t.cols.current[col], 0
	}
	d.moved += ev.Dragged.DX
	t.setUserWidth(col, d.start+d.moved)
}

func (d *columnDivider) DragEnd() { d.start = 0 }

// Tapped keeps a click on the edge from sorting the column.
func (d *columnDivider) Tapped(*fyne.PointEvent) {}

func (d *columnDivider) Cursor() desktop.Cursor { return desktop.HResizeCursor }

func (d *columnDivider) CreateRenderer() fyne.WidgetRenderer {
	return &dividerRenderer{d: d}
}

type dividerRenderer struct{ d *columnDivider }

func (r *dividerRenderer) Destroy() {}

func (r *dividerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.d.line} }

func (r *dividerRenderer) Refresh() {
	r.d.line.FillColor = theme.Color(theme.ColorNameSeparator)
	r.d.line.Refresh()
}

func (r *dividerRenderer) MinSize() fyne.Size { return fyne.NewSize(dividerGrip(), 1) }

// Layout draws the line at the edge, over the middle two thirds of the header.
func (r *dividerRenderer) Layout(size fyne.Size) {
	r.d.line.Move(fyne.NewPos(size.Width-1, size.Height/6))
	r.d.line.Resize(fyne.NewSize(1, size.Height*2/3))
}

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// gridColumn is one column of the Staff grid. The first nine are the roster's sort
// columns in the same order (app.ColLogin ... app.ColStatus); the last holds the actions.
type gridColumn struct {
	title  string // a "\n" splits a long title over the header's two lines
	sample string // a value the column shows whole however short the roster's are
	// flex columns hold values of any length: they take a share of spare room, and
	// give room back (cutting values off, shown whole on hover) when the window is narrow.
	flex bool
}

var staffColumns = []gridColumn{
	{title: "Login", sample: "camilles", flex: true},
	{title: "Name", sample: "Camille Staff", flex: true},
	{title: "Email", sample: "camilles@email.xyz", flex: true},
	{title: "Primary\nProvider", sample: "Kate Provider, MD", flex: true},
	{title: "Cell", sample: "(212) 555-0123"},
	{title: "Home", sample: "(212) 555-0123"},
	{title: "Emer\nAcs"},
	{title: "2-Fac\nSec", sample: "Inactive"},
	{title: "Status", sample: "Pending activation"},
	{title: "Actions"},
}

// colActions is the column after the roster's last sort column.
const colActions = int(app.ColStatus) + 1

// Limits of the fitted widths: a flex column is not cut below minFlexWidth unless its
// header is narrower, and no column grows past maxColumnWidth to fit a freak value.
const (
	minFlexWidth   = 72
	maxColumnWidth = 360
)

// longestValues are, per column, the few longest values of a roster (and of the role
// names under the names): the candidates for its widest, measured on the UI thread.
type longestValues struct {
	cols  [colActions + 1][]string
	roles []string
}

const keepLongest = 3

// findLongest picks each column's longest values (by bytes, then measured) in one pass
// over the accounts. It is safe to run off the UI thread.
func findLongest(staff []*app.Staff) *longestValues {
	var lv longestValues
	keepIn := func(list *[]string, v string) {
		if len(*list) < keepLongest {
			*list = append(*list, v)
			return
		}
		l := *list
		shortest := 0
		for i := range l {
			if len(l[i]) < len(l[shortest]) {
				shortest = i
			}
		}
		if len(v) > len(l[shortest]) {
			l[shortest] = v
		}
	}
	keep := func(col int, v string) { keepIn(&lv.cols[col], v) }
	var longCell, longHome *app.Staff
	for _, s := range staff {
		keep(int(app.ColLogin), s.Username)
		keep(int(app.ColName), s.FullName())
		keep(int(app.ColEmail), s.Email)
		keep(int(app.ColProvider), s.ProviderName)
		keepIn(&lv.roles, s.RoleName)
		if longCell == nil || len(s.CellPhone) > len(longCell.CellPhone) {
			longCell = s
		}
		if longHome == nil || len(s.HomePhone) > len(longHome.HomePhone) {
			longHome = s
		}
	}
	if longCell != nil {
		lv.cols[app.ColCell] = []string{app.FormatPhone(longCell.CellPhone)}
		lv.cols[app.ColHome] = []string{app.FormatPhone(longHome.HomePhone)}
	}
	return &lv
}

// gridWidths are the columns' widths: what each needs, the least it may have, what the
// manager set, and what was last given to the table.
type gridWidths struct {
	room    float32 // the table's width; 0 until laid out
	want    []float32
	floor   []float32
	user    []float32 // 0: fitted
	current []float32
	manage  bool // the rows offer Edit and More besides View
}

func newGridWidths(manage bool) *gridWidths {
	n := len(staffColumns)
	g := &gridWidths{want: make([]float32, n), floor: make([]float32, n), user: make([]float32, n), current: make([]float32, n),
		manage: manage}
	g.measure(nil)
	return g
}

// measure sets each column's wanted and least width from its header, its sample and
// the roster's longest values (nil: the samples only).
func (g *gridWidths) measure(lv *longestValues) {
	size, caption := theme.TextSize(), theme.CaptionTextSize()
	for i, c := range staffColumns {
		g.floor[i] = headerWidth(c.title)
		var w float32
		style := fyne.TextStyle{Bold: i == int(app.ColName)}
		values := []string{c.sample}
		if lv != nil {
			values = append(values, lv.cols[i]...)
		}
		for _, v := range values {
			w = max(w, fyne.MeasureText(v, size, style).Width)
		}
		if lv != nil && i == int(app.ColName) {
			for _, v := range lv.roles {
				w = max(w, fyne.MeasureText(v, caption, fyne.TextStyle{}).Width)
			}
		}
		switch i {
		case int(app.ColStatus):
			w = max(w, fyne.MeasureText("signed in yesterday", caption, fyne.TextStyle{}).Width)
		case int(app.ColEmergency):
			w = theme.IconInlineSize()
		}
		g.want[i] = min(float32(int(w+2*gridInnerPadding+1)), maxColumnWidth)
		if i == colActions {
			g.want[i] = float32(int(actionsWidth(g.manage) + 1))
		}
		if i == colActions {
			g.floor[i] = max(g.floor[i], g.want[i])
		}
	}
}

// actionsWidth is the width of a row's View, Edit and More buttons side by side, or
// of View alone for those who may not manage accounts.
func actionsWidth(manage bool) float32 {
	row := container.NewHBox(newButton("View", nil, widget.MediumImportance, nil))
	if manage {
		row.Add(newButton("Edit", nil, widget.MediumImportance, nil))
		row.Add(newButton("", theme.MoreHorizontalIcon(), widget.MediumImportance, nil))
	}
	return row.MinSize().Width + 2*actionsInset
}

// fit returns the columns' widths for the room there is: each column its content (or
// the manager's width); when that is too wide, the flex columns give up room in
// proportion to what they can spare; when there is room left, they share it.
func (g *gridWidths) fit(pad float32) []float32 {
	n := len(staffColumns)
	w := make([]float32, n)
	var total float32
	for i := range w {
		w[i] = max(g.want[i], g.floor[i])
		if g.user[i] > 0 {
			w[i] = g.user[i]
		}
		total += w[i]
	}
	flex := func(i int) bool { return staffColumns[i].flex && g.user[i] == 0 }
	if g.room > 0 {
		// The scroll bar overlays the Actions column's spare trailing room.
		avail := g.room - pad*float32(n-1)
		switch {
		case total > avail:
			// The widest flex columns give up room first, down to one level, so that
			// values of ordinary length stay whole: only the longest are cut.
			least := func(i int) float32 { return max(g.floor[i], min(minFlexWidth, w[i])) }
			level := func(l float32) (sum float32) {
				for i := range w {
					if flex(i) && w[i] > l {
						sum += w[i] - max(l, least(i))
					}
				}
				return sum
			}
			lo, hi := float32(0), float32(maxColumnWidth)
			for range 30 {
				mid := (lo + hi) / 2
				if level(mid) > total-avail {
					lo = mid
				} else {
					hi = mid
				}
			}
			for i := range w {
				if flex(i) && w[i] > hi {
					w[i] = max(hi, least(i))
				}
			}
		case total < avail:
			var share float32
			for i := range w {
				if flex(i) {
					share += w[i]
				}
			}
			if share > 0 {
				grow := (avail - total) / share
				for i := range w {
					if flex(i) {
						w[i] += w[i] * grow
					}
				}
			}
		}
	}
	for i := range w {
		w[i] = float32(int(w[i]))
	}
	copy(g.current, w)
	return w
}

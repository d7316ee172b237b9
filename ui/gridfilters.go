package ui

// The Staff window's filters: the status, office and role drop-downs above the grid,
// which narrow the roster (app.RosterFilter), and what the Dashboard's counts open.

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/staffdesk/staffdesk/app"
)

// statusLabels are the status drop-down's choices, in app.StatusChoices order.
func statusLabels() []string {
	out := make([]string, len(app.StatusChoices))
	for i, c := range app.StatusChoices {
		out[i] = c.Label()
	}
	return out
}

// officeChoices are the office drop-down's: every account, those restricted to no
// office, and those restricted to each office. An account restricted to two offices
// is under both.
func officeChoices(offices []*app.Office) options {
	var o options
	o.add(app.AllOffices, "All offices", true)
	o.add(app.NotRestricted, "Not restricted", true)
	for _, of := range offices {
		o.add(of.ID, of.Name, of.Active)
	}
	return o
}

func roleChoices(roles []*app.Role) options {
	var o options
	o.add(app.AllRoles, "All roles", true)
	for _, r := range roles {
		o.add(r.ID, r.Name, r.Active)
	}
	return o
}

// setDirectoryChoices gives the office and role drop-downs the practice's offices and
// roles as they are now. A chosen office or role that is gone is let go.
func (w *staffWindow) setDirectoryChoices(dir *app.Directory) {
	if dir == nil {
		return
	}
	offices, roles := officeChoices(dir.Offices), roleChoices(dir.Roles)
	if offices.index(w.filter.Office) < 0 {
		w.filter.Office = app.AllOffices
	}
	if roles.index(w.filter.Role) < 0 {
		w.filter.Role = app.AllRoles
	}
	w.officeOpts, w.roleOpts = offices, roles
	w.officeChoice.Options, w.roleChoice.Options = offices.labels, roles.labels
	w.syncFilterChoices()
	w.fitChoices()
}

// syncFilterChoices shows filter in the drop-downs, without acting on it again.
func (w *staffWindow) syncFilterChoices() {
	w.syncing = true
	defer func() { w.syncing = false }()
	w.statusChoice.SetSelectedIndex(slices.Index(app.StatusChoices, w.filter.Status))
	w.officeChoice.SetSelectedIndex(w.officeOpts.index(w.filter.Office))
	w.roleChoice.SetSelectedIndex(w.roleOpts.index(w.filter.Role))
	// Show inactive is about All statuses: a status chosen shows whom it names.
	if w.filter.Status == app.AnyStatus {
		w.showInactive.Enable()
	} else {
		w.showInactive.Disable()
	}
}

// fitChoices makes the office and role drop-downs as wide as their longest choice.
func (w *staffWindow) fitChoices() {
	for _, fit := range []struct {
		box    *fyne.Container
		labels []string
	}{{w.officeBox, w.officeOpts.labels}, {w.roleBox, w.roleOpts.labels}} {
		if fit.box == nil {
			continue
		}
		if l := fit.box.Layout.(*widthLayout); l.width != choiceWidth(fit.labels) {
			l.width = choiceWidth(fit.labels)
			fit.box.Refresh()
		}
	}
}

// onFilterChosen filters by what the drop-downs show now.
func (w *staffWindow) onFilterChosen() {
	if w.syncing {
		return
	}
	f := w.filter
	if i := w.statusChoice.SelectedIndex(); i >= 0 {
		f.Status = app.StatusChoices[i]
	}
	f.Office = w.officeOpts.id(w.officeChoice.SelectedIndex())
	f.Role = w.roleOpts.id(w.roleChoice.SelectedIndex())
	w.setFilter(f)
}

// setFilter filters the grid by f and shows it in the drop-downs.
func (w *staffWindow) setFilter(f app.RosterFilter) {
	w.filter = f
	w.syncFilterChoices()
	if w.roster == nil {
		return // the first load filters by it
	}
	w.roster.SetFilter(f, time.Now())
	w.refresh(true)
}

// showFiltered shows the Staff page filtered by f, the search cleared, with inactive
// accounts when showInactive: the Dashboard's counts, a click away.
func (w *staffWindow) showFiltered(f app.RosterFilter, showInactive bool) {
	w.showStaffPage()
	if w.search.Text != "" {
		w.search.SetText("")
	}
	if w.showInactive.Checked != showInactive {
		w.showInactive.SetChecked(showInactive)
	}
	w.setFilter(f)
}

// widthLayout gives its one object a set width (0: the object's own) at its least
// height.
type widthLayout struct{ width float32 }

func (l *widthLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (l *widthLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objects {
		min = min.Max(o.MinSize())
	}
	return fyne.NewSize(max(min.Width, l.width), min.Height)
}

// fixedWidth holds a drop-down as wide as its longest choice: a Select is only as wide
// as its placeholder, and would cut "Activation expiring" off.
func fixedWidth(c *choice) *fyne.Container {
	return container.New(&widthLayout{width: choiceWidth(c.Options)}, c)
}

// choiceWidth is the width a drop-down needs to show its longest choice whole: the
// text, the arrow and the padding around them, as widget.Select lays them out.
func choiceWidth(labels []string) float32 {
	size, pad := theme.TextSize(), theme.InnerPadding()
	var text float32
	for _, l := range labels {
		text = max(text, fyne.MeasureText(l, size, fyne.TextStyle{}).Width)
	}
	return float32(int(text + 4*pad + theme.IconInlineSize() + 1))
}

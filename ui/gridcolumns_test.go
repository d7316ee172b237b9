package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/staffdesk/staffdesk/app"
)

// The columns are measured from the roster's longest values, and a short room is taken
// from the widest flex column first, so that ordinary values stay whole.
func TestGridWidthsFitContentThenRoom(t *testing.T) {
	test.NewTempApp(t)
	staff := []*app.Staff{
		{Username: "amy", FirstName: "Amy", LastName: "Li", Email: "amy@x.io", RoleName: "Nurse", ProviderName: "Kate Provider, MD"},
		{Username: "bo", FirstName: "Bo", LastName: "Ek", Email: "bartholomew.christopherson-whitfield@longdomain.example.com",
			RoleName: "Certified Medical Assistant", ProviderName: "Kate Provider, MD"},
	}
	g := newGridWidths(true)
	g.measure(findLongest(staff))
	email := int(app.ColEmail)
	long := fyne.MeasureText(staff[1].Email, theme.TextSize(), fyne.TextStyle{}).Width + 2*gridInnerPadding
	if g.want[email] < min(long, maxColumnWidth) {
		t.Errorf("Email wants %.0f; its longest value needs %.0f", g.want[email], long)
	}
	role := fyne.MeasureText(staff[1].RoleName, theme.CaptionTextSize(), fyne.TextStyle{}).Width + 2*gridInnerPadding
	if g.want[app.ColName] < role {
		t.Errorf("Name wants %.0f; the role under it needs %.0f", g.want[app.ColName], role)
	}

	var sum float32
	for i := range g.want {
		sum += max(g.want[i], g.floor[i])
	}
	pad := theme.Padding()
	g.room = sum + pad*float32(len(staffColumns)-1) - 40 // 40 pixels short
	w := g.fit(pad)
	if got := w[email]; got > g.want[email]-39 || got < g.want[email]-41 {
		t.Errorf("40 px short: Email %.0f of %.0f; the widest column should give them all", got, g.want[email])
	}
	for i := range w {
		if i != email && w[i] != max(g.want[i], g.floor[i]) {
			t.Errorf("40 px short: column %d is %.0f, not its %.0f", i, w[i], max(g.want[i], g.floor[i]))
		}
	}

	g.room = 4000
	w = g.fit(pad)
	if w[email] <= g.want[email] || w[app.ColCell] != g.want[app.ColCell] {
		t.Errorf("with room to spare: Email %.0f (wants %.0f), Cell %.0f (wants %.0f): the flex columns share it",
			w[email], g.want[email], w[app.ColCell], g.want[app.ColCell])
	}
	g.user[email] = 90
	if w = g.fit(pad); w[email] != 90 {
		t.Errorf("the manager's width 90 became %.0f", w[email])
	}
}

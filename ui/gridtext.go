package ui

// What the Staff grid's cells say and how their text is drawn: a cell's words for an
// account, fitted to its width with an ellipsis, in the theme's colours, and the tip
// that shows a cut-off value whole.

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// cellValues are what a cell of col shows for s: its text, a second line, and whether
// that line is a warning.
//
// The status cell says Locked until the lock ends, and beneath the status how signing
// in has gone: the failed attempts in a row, as a warning, while there are any;
// otherwise when an active account last signed in, or that it never has. (A column of
// its own would take room the grid does not have at 1024 pixels; the View sheet has
// both.)
func cellValues(s *app.Staff, col int, now time.Time) (text, sub string, warn bool) {
	switch app.StaffColumn(col) {
	case app.ColLogin:
		return s.Username, "", false
	case app.ColName:
		return s.FullName(), s.RoleName, false
	case app.ColEmail:
		return s.Email, "", false
	case app.ColProvider:
		return s.ProviderName, "", false
	case app.ColCell:
		return app.FormatPhone(s.CellPhone), "", false
	case app.ColHome:
		return app.FormatPhone(s.HomePhone), "", false
	case app.ColTwoFactor:
		return twoFactorLabel(s), "", false
	case app.ColStatus:
		st := s.StatusInfo(now)
		text, details := st.Headline(), st.Details()
		if s.Locked(now) {
			text = "Locked until " + s.SignIn.LockedUntil.In(now.Location()).Format("15:04")
		}
		failed := s.SignIn.Failures > 0
		switch {
		case failed:
			details = append(details, plural(s.SignIn.Failures, "failed sign-in", "failed sign-ins"))
		case s.Status == app.StatusActive:
			details = append(details, lastSignIn(s.SignIn.LastSignInAt, now))
		}
		return text, strings.Join(details, " · "), st.Expired || failed
	}
	return "", "", false
}

// lastSignIn is when an account last signed in, as the grid says it, short enough for
// the status column: "signed in 09:14" (today), "signed in yesterday", "signed in 28
// Nov", "signed in 28 Nov 2025", or "never signed in".
func lastSignIn(at, now time.Time) string {
	if at.IsZero() {
		return "never signed in"
	}
	at = at.In(now.Location())
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	switch {
	case !at.Before(today):
		return "signed in " + at.Format("15:04")
	case !at.Before(today.AddDate(0, 0, -1)):
		return "signed in yesterday"
	case at.Year() == y:
		return "signed in " + at.Format("2 Jan")
	}
	return "signed in " + at.Format("2 Jan 2006")
}

func twoFactorLabel(s *app.Staff) string {
	if s.TwoFactor {
		return "Active"
	}
	return "Inactive"
}

func restyle(t *canvas.Text, col color.Color, style fyne.TextStyle) {
	if !sameColor(t.Color, col) || t.TextStyle != style {
		t.Color, t.TextStyle = col, style
		t.Refresh()
	}
}

func sameColor(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

// mix is a blended part of the way from a to b.
func mix(a, b color.Color, part float32) color.Color {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	m := func(x, y uint32) uint8 { return uint8((float32(x)*(1-part) + float32(y)*part) / 257) }
	return color.NRGBA{R: m(ar, br), G: m(ag, bg), B: m(ab, bb), A: uint8(aa / 257)}
}

func setText(t *canvas.Text, s string) {
	if t.Text != s {
		t.Text = s
		t.Refresh()
	}
}

func lineHeight(size float32, style fyne.TextStyle) float32 {
	return fyne.MeasureText("Mg", size, style).Height
}

// fitText is s, or as much of it as fits width followed by an ellipsis.
func fitText(s string, size float32, style fyne.TextStyle, width float32) string {
	if s == "" || fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	runes := []rune(s)
	lo, hi := 0, len(runes) // runes[:lo]+"…" fits; runes[:hi]+"…" does not (hi may be all)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if fyne.MeasureText(string(runes[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	return string(runes[:lo]) + "…"
}

// cellTip shows a cut-off cell's whole value over the grid while the pointer is on it.
// It is drawn in a layer of the window's content, not as a pop-up: a pop-up would take
// the click meant for the cell under it.
type cellTip struct {
	layer *fyne.Container // without layout, over the grid
	box   *fyne.Container
	text  *widget.Label
	owner *staffCell
}

func newCellTip() *cellTip {
	tip := &cellTip{text: widget.NewLabel("")}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	bg.StrokeWidth = 1
	bg.CornerRadius = theme.InputRadiusSize()
	tip.box = container.NewStack(bg, tip.text)
	tip.box.Hide()
	tip.layer = container.NewWithoutLayout(tip.box)
	return tip
}

func (tip *cellTip) show(c *staffCell) {
	tip.owner = c
	text := c.full
	if c.subFull != "" {
		text += "\n" + c.subFull
	}
	tip.text.SetText(text)
	d := fyne.CurrentApp().Driver()
	origin := d.AbsolutePositionForObject(tip.layer)
	at := d.AbsolutePositionForObject(c)
	size := tip.box.MinSize()
	pos := fyne.NewPos(at.X-origin.X, at.Y-origin.Y+c.Size().Height)
	if room := tip.layer.Size(); room.Width > 0 {
		pos.X = max(min(pos.X, room.Width-size.Width), 0)
		if pos.Y+size.Height > room.Height {
			pos.Y = max(at.Y-origin.Y-size.Height, 0)
		}
	}
	tip.box.Move(pos)
	tip.box.Resize(size)
	tip.box.Show()
	tip.layer.Refresh()
}

func (tip *cellTip) hide(c *staffCell) {
	if tip.owner == c && tip.box.Visible() {
		tip.owner = nil
		tip.box.Hide()
		tip.layer.Refresh()
	}
}

// shown is the value the tip shows, or "" when it is hidden.
func (tip *cellTip) shown() string {
	if !tip.box.Visible() {
		return ""
	}
	return tip.text.Text
}

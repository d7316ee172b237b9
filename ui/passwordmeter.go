package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// The pieces every window that chooses a password shares: New Office Staff and Set a
// New Password.

const mismatchMessage = "The passwords don't match."

// showMismatch says under the confirmation, as it is typed, when it differs from the
// password, and takes the message back once they agree. It reports whether the
// message changed.
func showMismatch(fs *fieldSet, pw, again string) bool {
	switch {
	case pw != "" && again != "" && pw != again:
		return fs.setError(app.FieldConfirmPassword, mismatchMessage)
	case fs.errorOf(app.FieldConfirmPassword) == mismatchMessage || pw == again:
		return fs.setError(app.FieldConfirmPassword, "")
	}
	return false
}

// passwordStrength is what the meter shows for pw, or nil for an empty password. A hint
// already shown in red under the password (the last attempt's message) is not repeated.
func passwordStrength(fs *fieldSet, pw string, pc app.PasswordContext) *app.Strength {
	if pw == "" {
		return nil
	}
	st := app.PasswordStrength(pw, pc)
	if st.Hint == fs.errorOf(app.FieldPassword) {
		st.Hint = ""
	}
	return &st
}

// strengthMeter shows how hard a password is to guess: four bars coloured by the
// score, its label and what would make it stronger.
type strengthMeter struct {
	widget.BaseWidget
	strength *app.Strength // nil while nothing is typed

	bars  [4]*canvas.Rectangle
	label *widget.Label
	hint  *widget.Label
}

func newStrengthMeter() *strengthMeter {
	m := &strengthMeter{
		label: &widget.Label{SizeName: theme.SizeNameCaptionText, TextStyle: fyne.TextStyle{Bold: true}},
		hint:  &widget.Label{SizeName: theme.SizeNameCaptionText, Wrapping: fyne.TextWrapWord},
	}
	for i := range m.bars {
		m.bars[i] = canvas.NewRectangle(theme.Color(theme.ColorNameDisabled))
		m.bars[i].SetMinSize(fyne.NewSize(10, 5))
		m.bars[i].CornerRadius = 2
	}
	m.ExtendBaseWidget(m)
	m.label.Hide()
	m.hint.Hide()
	return m
}

// set shows s, or an empty meter for nil, and reports whether the meter changed.
func (m *strengthMeter) set(s *app.Strength) bool {
	if s == nil && m.strength == nil || s != nil && m.strength != nil && *s == *m.strength {
		return false
	}
	m.strength = s
	if s == nil {
		m.label.SetText("")
		m.label.Hide()
		m.hint.SetText("")
		m.hint.Hide()
	} else {
		m.label.Importance = strengthImportance(s.Score)
		m.label.SetText("Strength: " + s.Label)
		m.label.Show()
		m.hint.SetText(s.Hint)
		if s.Hint == "" {
			m.hint.Hide()
		} else {
			m.hint.Show()
		}
	}
	m.Refresh()
	return true
}

// score is the meter's score, -1 when empty.
func (m *strengthMeter) score() int {
	if m.strength == nil {
		return -1
	}
	return m.strength.Score
}

func strengthImportance(score int) widget.Importance {
	switch {
	case score <= 1:
		return widget.DangerImportance
	case score == 2:
		return widget.WarningImportance
	}
	return widget.SuccessImportance
}

func (m *strengthMeter) CreateRenderer() fyne.WidgetRenderer {
	bars := container.NewGridWithColumns(len(m.bars))
	for _, b := range m.bars {
		bars.Add(b)
	}
	// The label and hint sit close under the bars: they read as one piece.
	box := container.New(layout.NewCustomPaddedVBoxLayout(0), bars, m.label, m.hint)
	return &strengthRenderer{m: m, box: box}
}

type strengthRenderer struct {
	m   *strengthMeter
	box *fyne.Container
}

func (r *strengthRenderer) Layout(size fyne.Size) { r.box.Resize(size) }

func (r *strengthRenderer) MinSize() fyne.Size { return r.box.MinSize() }

func (r *strengthRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.box} }

func (r *strengthRenderer) Destroy() {}

// Refresh colours the bars here, not in set, so that they follow a change of theme.
func (r *strengthRenderer) Refresh() {
	lit := theme.Color(theme.ColorNameDisabled)
	n := 0
	if s := r.m.strength; s != nil {
		n = max(s.Score, 1) // even the weakest password lights one bar, in red
		switch strengthImportance(s.Score) {
		case widget.DangerImportance:
			lit = theme.Color(theme.ColorNameError)
		case widget.WarningImportance:
			lit = theme.Color(theme.ColorNameWarning)
		default:
			lit = theme.Color(theme.ColorNameSuccess)
		}
	}
	for i, b := range r.m.bars {
		if i < n {
			b.FillColor = lit
		} else {
			b.FillColor = theme.Color(theme.ColorNameDisabled)
		}
		b.Refresh()
	}
	r.box.Refresh()
}

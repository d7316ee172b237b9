package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// What the windows that take a one-time code share: Activate Account, Set a New
// Password and the Change Email code.

const (
	codePlaceholder = "ABCDE-FGHJK"
	codeHint        = "10 letters and digits. Capitals, spaces and the hyphen don't matter."
)

// newCodeEntry is a field for a code typed by hand. It takes the code as people type
// it (lower case, spaces, with or without the hyphen): the service reads it leniently.
func newCodeEntry(keys *formKeys) *entry {
	e := newEntry(keys, codePlaceholder)
	e.TextStyle = fyne.TextStyle{Monospace: true}
	return e
}

// newBanner is a form's prominent line for what belongs to no field: "Too many wrong
// codes; try again after 15:04", or a success.
func newBanner() *widget.Label {
	b := &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	b.Hide()
	return b
}

// setBanner shows msg in b with importance, or hides b for "".
func setBanner(b *widget.Label, msg string, importance widget.Importance) {
	b.Importance = importance
	b.SetText(msg)
	if msg == "" {
		b.Hide()
	} else {
		b.Show()
	}
}

// showCodeProblems puts err's field messages under their fields and the rest in banner;
// a fault of ours or of the machine goes to a dialog and the log.
func (d *Desk) showCodeProblems(win fyne.Window, fs *fieldSet, banner *widget.Label, err error) {
	rest := fs.showErrors(err)
	if app.ErrorCode(err) == app.EINTERNAL {
		setBanner(banner, "", widget.MediumImportance)
		d.showError(win, err)
		return
	}
	d.logError(err)
	if len(app.ErrorFields(err)) == 0 {
		rest = []string{app.ErrorMessage(err)}
	}
	setBanner(banner, strings.Join(rest, "\n"), widget.DangerImportance)
}

// formButtons lays out a form's buttons at its bottom right.
func formButtons(buttons ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewHBox(append([]fyne.CanvasObject{layout.NewSpacer()}, buttons...)...)
}

// setEnabled enables or disables every widget given.
func setEnabled(on bool, ws ...fyne.Disableable) {
	for _, w := range ws {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

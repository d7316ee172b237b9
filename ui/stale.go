package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// staleChoice is the question asked when a save is refused because someone else
// changed the record since the window loaded it (app.IsChanged): Reload shows the
// record as it is now, dropping the person's edits; Keep my changes saves their values
// over it. The staff form and the directory forms ask it the same way. While it is up,
// Enter keeps the changes (the highlighted answer) and Escape puts the question away,
// leaving the form as it was; the window's keys come back when it closes.
type staleChoice struct {
	dlg    *dialog.CustomDialog
	reload *button
	keep   *button
}

func askStale(win fyne.Window, err error, onReload, onKeep func()) *staleChoice {
	c := &staleChoice{}
	c.reload = newButton("Reload", nil, widget.MediumImportance, func() {
		c.dlg.Hide()
		onReload()
	})
	c.keep = newButton("Keep my changes", nil, widget.HighImportance, func() {
		c.dlg.Hide()
		onKeep()
	})
	c.dlg = dialog.NewCustomWithoutButtons("Changed since you opened it", widget.NewLabel(app.ErrorMessage(err)), win)
	c.dlg.SetButtons([]fyne.CanvasObject{c.reload, c.keep})
	keys := formKeys{submit: c.keep.OnTapped, cancel: c.dlg.Hide}
	behind := win.Canvas().OnTypedKey()
	keys.attachDialog(win)
	c.dlg.SetOnClosed(func() { win.Canvas().SetOnTypedKey(behind) })
	c.dlg.Show()
	return c
}

// movedOnText is what a list window says once it has reloaded after a status change or
// a deletion was refused because the record had changed since the list showed it
// (app.IsChanged): there is nothing to keep, only the record as it is now to look at.
// what names the record as the list showed it: "Camille's account".
func movedOnText(what string) string {
	return what + " was changed on another desk; the list is up to date now — try again."
}

// showMovedOn logs the refusal err and says, in win, that what was changed meanwhile.
func (d *Desk) showMovedOn(win fyne.Window, what string, err error) {
	d.logError(err)
	showNotice(dialog.NewInformation("Changed since you opened it", movedOnText(what), win), win)
}

// reshownText is what an account's own window (the Edit window, the View sheet) says
// once it shows the account anew after an action was refused because the account had
// changed since the window showed it (app.IsChanged).
func reshownText(what string) string {
	return what + " was changed on another desk; this window shows it as it is now — try again."
}

// showReshown logs the refusal err and says, in win, that what was changed meanwhile
// and is shown as it is now.
func (d *Desk) showReshown(win fyne.Window, what string, err error) {
	d.logError(err)
	showNotice(dialog.NewInformation("Changed since you opened it", reshownText(what), win), win)
}

package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

const titleChoosePassword = "Choose Your Password"

// choosePasswordWindow comes first after signing in with a password someone else chose
// (the manager who created the account knows it): the person chooses their own before
// anything else opens. It cannot be skipped: closing it signs out.
type choosePasswordWindow struct {
	d    *Desk
	win  fyne.Window
	in   *app.SignedIn // where the person lands once done
	keys formKeys

	fields   *fieldSet
	password *entry
	confirm  *entry
	strength *strengthMeter
	scroll   *container.Scroll
	banner   *widget.Label
	submit   *button
	signOut  *button
	busy     bool
}

func (d *Desk) showChoosePassword(in *app.SignedIn) *choosePasswordWindow {
	w := &choosePasswordWindow{d: d, win: d.app.NewWindow(titleChoosePassword), in: in}
	w.keys = formKeys{submit: w.onChoose}
	w.keys.attach(w.win)
	w.buildUI()
	w.win.SetCloseIntercept(w.onSignOut)
	d.choose = w
	w.win.Show()
	return w
}

func (w *choosePasswordWindow) buildUI() {
	me := w.in.Me
	welcome := widget.NewLabelWithStyle(fmt.Sprintf("Welcome, %s.", me.FirstName), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	welcome.SizeName = theme.SizeNameSubHeadingText
	intro := &widget.Label{Text: "Your manager chose your first password; choose your own to go on.", Wrapping: fyne.TextWrapWord}

	w.fields = newFieldSet()
	w.password = newPasswordEntry(&w.keys, "")
	w.confirm = newPasswordEntry(&w.keys, "")
	w.strength = newStrengthMeter()
	w.password.OnChanged = func(string) {
		w.fields.setError(app.FieldPassword, "")
		w.updateStrength()
		w.updateMismatch()
	}
	w.confirm.OnChanged = func(string) { w.updateMismatch() }
	w.fields.add(app.FieldPassword, "New password", true, container.NewVBox(w.password, w.strength), "")
	w.fields.add(app.FieldConfirmPassword, "Confirm password", true, w.confirm, "")

	w.banner = newBanner()
	w.submit = newButton("Save and go on", theme.ConfirmIcon(), widget.HighImportance, w.onChoose)
	w.signOut = newButton("Sign out", theme.LogoutIcon(), widget.MediumImportance, w.onSignOut)

	body := container.NewVBox(welcome, intro, widget.NewSeparator(), w.fields.container(), w.banner)
	w.scroll = container.NewVScroll(container.NewPadded(body))
	footer := container.NewVBox(widget.NewSeparator(), formButtons(w.signOut, w.submit))
	w.win.SetContent(container.NewBorder(nil, footer, nil, nil, w.scroll))
	w.win.Resize(fyne.NewSize(560, 400))
	w.win.CenterOnScreen()
	w.win.Canvas().Focus(w.password)
}

func (w *choosePasswordWindow) context() app.PasswordContext {
	me := w.in.Me
	return app.PasswordContext{Username: me.Username, FirstName: me.FirstName, LastName: me.LastName, Email: me.Email}
}

func (w *choosePasswordWindow) updateStrength() {
	if w.strength.set(passwordStrength(w.fields, w.password.Text, w.context())) {
		w.fields.refit(w.scroll)
	}
}

func (w *choosePasswordWindow) updateMismatch() {
	if showMismatch(w.fields, w.password.Text, w.confirm.Text) {
		w.fields.refit(w.scroll)
	}
}

func (w *choosePasswordWindow) onChoose() {
	if w.busy {
		return
	}
	w.busy = true
	setEnabled(false, w.submit, w.signOut)
	pw, again := w.password.Text, w.confirm.Text
	w.d.background(func(ctx context.Context) error {
		return w.d.svc.Session.ChooseOwnPassword(ctx, pw, again)
	}, func(err error) {
		w.busy = false
		setEnabled(true, w.submit, w.signOut)
		if err != nil {
			w.d.showCodeProblems(w.win, w.fields, w.banner, err)
			if w.fields.errorOf(app.FieldConfirmPassword) == "" {
				w.updateMismatch()
			}
			w.updateStrength()
			w.fields.refit(w.scroll)
			w.win.Canvas().Focus(w.password)
			return
		}
		w.d.mailChanged() // the "your password was changed" email is on its way
		w.d.land(w.in)
		w.d.choose = nil
		w.win.Close()
	})
}

// onSignOut leaves without choosing: the person cannot go on with the password someone
// else knows, so they are signed out.
func (w *choosePasswordWindow) onSignOut() {
	if w.busy {
		return
	}
	w.d.signOut()
}

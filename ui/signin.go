package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

const titleSignIn = "Sign in — StaffDesk"

// signInWindow is the way in once the practice is set up: a username or email and a
// password. Activate account and Set a new password, the emailed-code flows, open from
// here too, so that a staff member can do both at any StaffDesk.
type signInWindow struct {
	d    *Desk
	win  fyne.Window
	keys formKeys // Enter signs in

	reason    *widget.Label // why the last session ended ("You signed out.")
	reasonBar *fyne.Container
	fields    *fieldSet
	login     *entry
	password  *entry
	banner    *widget.Label // the delay, the lock, or what belongs to no field
	submit    *button
	activate  *button
	setNew    *button
	busy      bool
}

// showSignIn shows Sign in saying msg ("" for nothing), building it unless it is open.
func (d *Desk) showSignIn(msg string) *signInWindow {
	if d.signIn == nil {
		d.signIn = newSignInWindow(d)
	}
	w := d.signIn
	w.setReason(msg)
	w.win.Show()
	w.win.RequestFocus()
	w.win.Canvas().Focus(w.login)
	return w
}

func newSignInWindow(d *Desk) *signInWindow {
	w := &signInWindow{d: d, win: d.app.NewWindow(titleSignIn)}
	w.keys = formKeys{submit: w.onSignIn}
	w.keys.attach(w.win)
	w.buildUI()
	// Closing Sign in quits: nothing else is open before someone signs in.
	w.win.SetCloseIntercept(d.app.Quit)
	return w
}

func (w *signInWindow) buildUI() {
	title := widget.NewLabelWithStyle("StaffDesk", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := &widget.Label{Text: "Sign in with your StaffDesk account.", Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}

	w.reason = &widget.Label{Wrapping: fyne.TextWrapWord}
	w.reasonBar = infoBar(theme.InfoIcon(), theme.ColorNamePrimary, w.reason)
	w.reasonBar.Hide()

	w.fields = newFieldSet()
	w.login = newEntry(&w.keys, "")
	w.password = newPasswordEntry(&w.keys, "")
	w.fields.add(app.FieldLogin, "Username or email", false, w.login, "")
	w.fields.add(app.FieldPassword, "Password", false, w.password, "")

	w.banner = newBanner()
	w.submit = newButton("Sign in", theme.LoginIcon(), widget.HighImportance, w.onSignIn)
	w.activate = newButton("Activate account…", nil, widget.LowImportance, w.d.openActivate)
	w.setNew = newButton("Set a new password…", nil, widget.LowImportance, w.d.openSetPassword)

	help := &widget.Label{Text: "New account, or a code from a password-reset email?", Wrapping: fyne.TextWrapWord,
		SizeName: theme.SizeNameCaptionText, Alignment: fyne.TextAlignCenter}
	links := container.NewCenter(container.NewHBox(w.activate, w.setNew))
	note := &widget.Label{Text: w.d.signInNote, Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter,
		SizeName: theme.SizeNameCaptionText, Importance: widget.HighImportance}
	if note.Text == "" {
		note.Hide()
	}
	body := container.NewVBox(title, intro, note, w.reasonBar, w.fields.container(), w.banner,
		container.NewHBox(layout.NewSpacer(), w.submit), widget.NewSeparator(), help, links)
	w.win.SetContent(container.NewVScroll(container.NewPadded(body)))
	w.win.Resize(fyne.NewSize(520, 400))
	w.win.CenterOnScreen()
}

// setReason shows why the person was signed out, or nothing for "".
func (w *signInWindow) setReason(msg string) {
	w.reason.SetText(msg)
	if msg == "" {
		w.reasonBar.Hide()
	} else {
		w.reasonBar.Show()
	}
}

func (w *signInWindow) onSignIn() {
	if w.busy {
		return
	}
	w.setBusy(true)
	login, password, desk := strings.TrimSpace(w.login.Text), w.password.Text, w.d.deskName
	var in *app.SignedIn
	// Checking the password takes tens of milliseconds on purpose (Argon2id): the
	// window stays live meanwhile.
	w.d.background(func(ctx context.Context) (err error) {
		in, err = w.d.svc.Session.SignIn(ctx, login, password, desk)
		return err
	}, func(err error) {
		w.setBusy(false)
		if err != nil {
			w.setReason("")
			w.d.showCodeProblems(w.win, w.fields, w.banner, err)
			if w.fields.errorOf(app.FieldLogin) != "" {
				w.win.Canvas().Focus(w.login)
			} else {
				w.password.SetText("")
				w.win.Canvas().Focus(w.password)
			}
			return
		}
		w.d.enter(in)
		w.close()
	})
}

func (w *signInWindow) setBusy(busy bool) {
	w.busy = busy
	if busy {
		w.submit.SetText("Signing in…")
		w.submit.Disable()
	} else {
		w.submit.SetText("Sign in")
		w.submit.Enable()
	}
}

// close closes Sign in once the person is in (their window is already open).
func (w *signInWindow) close() {
	if w.d.signIn == w {
		w.d.signIn = nil
	}
	w.win.Close()
}

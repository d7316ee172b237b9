package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// A password reset has two halves: the manager sends the email (Reset Password, in
// Edit Office Staff and the View sheet), and the staff member chooses the new password
// with its code (Set a New Password). The manager never sees or sets the password.

const titleSetPassword = "Set a New Password"

// setPasswordForm is the Set a New Password window.
type setPasswordForm struct {
	d    *Desk
	win  fyne.Window
	keys formKeys // Enter sets the password, Escape closes

	fields            *fieldSet
	scroll            *container.Scroll
	username, code    *entry
	password, confirm *entry
	strength          *strengthMeter
	banner            *widget.Label
	submit, close     *button
	busy              bool
}

// openSetPassword opens the Set a New Password window, or brings it forward when open.
func (d *Desk) openSetPassword() { d.showSetPassword() }

// showSetPassword opens the window and returns it, or nil when it was already open and
// has only been brought forward.
func (d *Desk) showSetPassword() *setPasswordForm {
	return openOnce(d, "set-password", func() (*setPasswordForm, fyne.Window) {
		f := newSetPasswordForm(d)
		return f, linkWindow{Window: f.win, form: f}
	})
}

func newSetPasswordForm(d *Desk) *setPasswordForm {
	f := &setPasswordForm{d: d, win: d.app.NewWindow(titleSetPassword)}
	f.keys = formKeys{submit: f.onSetPassword, cancel: f.onClose}
	f.keys.attach(f.win)
	f.buildUI()
	return f
}

func (f *setPasswordForm) buildUI() {
	intro := widget.NewRichTextFromMarkdown("**For the staff member:** enter your username, the code from the password-reset email, and your new password. " +
		"Your office manager never sees it.")
	intro.Wrapping = fyne.TextWrapWord

	f.fields = newFieldSet()
	f.username = newEntry(&f.keys, "")
	f.code = newCodeEntry(&f.keys)
	f.password = newPasswordEntry(&f.keys, "")
	f.confirm = newPasswordEntry(&f.keys, "")
	f.strength = newStrengthMeter()
	f.username.OnChanged = func(string) { f.updateStrength() }
	f.password.OnChanged = func(string) {
		// The meter now says what is wrong as the password is typed; the message from
		// the last attempt would only contradict it.
		f.fields.setError(app.FieldPassword, "")
		f.updateStrength()
		f.updateMismatch()
	}
	f.confirm.OnChanged = func(string) { f.updateMismatch() }
	f.fields.add(app.FieldUsername, "Username", true, f.username, "")
	f.fields.add(app.FieldCode, "Code", true, f.code, codeHint)
	f.fields.add(app.FieldPassword, "New password", true, container.NewVBox(f.password, f.strength), "")
	f.fields.add(app.FieldConfirmPassword, "Confirm password", true, f.confirm, "")

	f.banner = newBanner()
	f.submit = newButton("Set password", theme.ConfirmIcon(), widget.HighImportance, f.onSetPassword)
	f.close = newButton("Close", nil, widget.MediumImportance, f.onClose)

	body := container.NewVBox(intro, widget.NewSeparator(), f.fields.container(), f.banner)
	f.scroll = container.NewVScroll(container.NewPadded(body))
	footer := container.NewVBox(widget.NewSeparator(), formButtons(f.close, f.submit))
	f.win.SetContent(container.NewBorder(nil, footer, nil, nil, f.scroll))
	f.win.Resize(fyne.NewSize(560, 480))
	f.win.Canvas().Focus(f.username)
}

func (f *setPasswordForm) updateStrength() {
	pc := app.PasswordContext{Username: strings.TrimSpace(f.username.Text)}
	if f.strength.set(passwordStrength(f.fields, f.password.Text, pc)) {
		f.fields.refit(f.scroll)
	}
}

func (f *setPasswordForm) updateMismatch() {
	if showMismatch(f.fields, f.password.Text, f.confirm.Text) {
		f.fields.refit(f.scroll)
	}
}

func (f *setPasswordForm) onSetPassword() {
	if f.busy {
		return
	}
	f.setBusy(true)
	username, code, pw, again := strings.TrimSpace(f.username.Text), f.code.Text, f.password.Text, f.confirm.Text
	f.d.background(func(ctx context.Context) error {
		return f.d.svc.Accounts.ResetPassword(ctx, username, code, pw, again)
	}, func(err error) {
		f.setBusy(false)
		if err != nil {
			f.d.showCodeProblems(f.win, f.fields, f.banner, err)
			if f.fields.errorOf(app.FieldConfirmPassword) == "" {
				f.updateMismatch()
			}
			f.updateStrength()
			f.focusProblem()
			return
		}
		f.fields.clearErrors()
		for _, e := range []*entry{f.username, f.code, f.password, f.confirm} {
			e.SetText("")
		}
		setBanner(f.banner, fmt.Sprintf("The password was changed. %s must sign in again with the new password.", username),
			widget.SuccessImportance)
		f.win.Canvas().Focus(f.username)
		f.d.mailChanged() // the "your password was changed" email is on its way
	})
}

// focusProblem puts the cursor in the first field with a message.
func (f *setPasswordForm) focusProblem() {
	for _, t := range []focusTarget{{app.FieldUsername, f.username}, {app.FieldCode, f.code},
		{app.FieldPassword, f.password}, {app.FieldConfirmPassword, f.confirm}} {
		if f.fields.errorOf(t.field) != "" {
			f.win.Canvas().Focus(t.target)
			return
		}
	}
}

func (f *setPasswordForm) setBusy(busy bool) {
	f.busy = busy
	setEnabled(!busy, f.submit)
}

func (f *setPasswordForm) onClose() { f.win.Close() }

// passwordReset is the manager's Reset Password: a question, then a password reset
// email to the staff member, then word of where the email is.
type passwordReset struct {
	d       *Desk
	win     fyne.Window
	staff   *app.Staff
	movedOn func(error) // the account changed since win showed it: win shows it anew
	confirm *dialog.ConfirmDialog
	told    string // what the manager was told once the email was queued
}

// resetPassword asks win's manager whether to send s, as win shows it, a password
// reset email and sends it when they agree. When s has changed since (its address
// corrected on another desk, say), nothing is sent and movedOn gets the refusal.
func (d *Desk) resetPassword(win fyne.Window, s *app.Staff, movedOn func(error)) *passwordReset {
	r := &passwordReset{d: d, win: win, staff: s, movedOn: movedOn}
	r.confirm = newConfirm("Reset Password",
		fmt.Sprintf("Send a password reset email to %s? Its reset code is valid for 72 hours; the staff member enters it under Email → Set a New Password.", s.Email),
		r.onAnswer, win)
	r.confirm.SetConfirmText("Send email")
	r.confirm.SetDismissText("Cancel")
	r.confirm.Show()
	return r
}

func (r *passwordReset) onAnswer(send bool) {
	if !send {
		return
	}
	var configured bool
	r.d.background(func(ctx context.Context) error {
		if err := r.d.svc.Accounts.RequestPasswordReset(ctx, r.staff.ID, r.staff.Version); err != nil {
			return err
		}
		var err error
		if configured, err = r.d.svc.EmailSettings.Configured(ctx); err != nil {
			// The email is queued all the same; only the wording depends on this.
			r.d.logError(err)
			configured = true
		}
		return nil
	}, func(err error) {
		if app.IsChanged(err) && r.movedOn != nil {
			r.movedOn(err)
			return
		}
		if err != nil {
			r.d.showError(r.win, err)
			return
		}
		r.told = fmt.Sprintf("A password reset email is on its way to %s.", r.staff.Email)
		if !configured {
			r.told = fmt.Sprintf("A password reset email to %s is waiting in the outbox. It will be sent once email is set up.", r.staff.Email)
		}
		showNotice(dialog.NewInformation("Reset Password", r.told, r.win), r.win)
		r.d.mailChanged()
	})
}

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

const titleActivate = "Activate Account"

// activateForm is the Activate Account window: a new staff member types their username
// and the code from their activation email, and the account becomes Active. The
// Confirm New Email window is the same form over another code (codeFlow).
type activateForm struct {
	d    *Desk
	flow codeFlow
	win  fyne.Window
	keys formKeys // Enter activates, Escape closes

	fields         *fieldSet
	username, code *entry
	banner         *widget.Label // the outcome, or what belongs to no field
	submit, close  *button
	busy           bool
}

// codeFlow is what a window that takes a username and an emailed code is for.
type codeFlow struct {
	key, title, intro, codeLabel, submitText string
	// redeem uses the code (in the background) and says what came of it.
	redeem func(ctx context.Context, username, code string) (*app.Staff, string, error)
}

// activateFlow is Activate Account's: the activation code makes the account Active.
func (d *Desk) activateFlow() codeFlow {
	return codeFlow{key: "activate", title: titleActivate,
		intro:     "Enter the username and the 10-character code from the activation email.",
		codeLabel: "Activation code", submitText: "Activate",
		redeem: func(ctx context.Context, username, code string) (*app.Staff, string, error) {
			s, err := d.svc.Accounts.Activate(ctx, username, code)
			if err != nil {
				return nil, "", err
			}
			return s, fmt.Sprintf("%s is now active.", s.Username), nil
		}}
}

// openActivate opens the Activate Account window, or brings it forward when open.
func (d *Desk) openActivate() { d.showActivate() }

// showActivate opens the window and returns it, or nil when it was already open and
// has only been brought forward.
func (d *Desk) showActivate() *activateForm { return d.showCodeForm(d.activateFlow()) }

// showCodeForm opens flow's window and returns it, or nil when it was already open
// and has only been brought forward.
func (d *Desk) showCodeForm(flow codeFlow) *activateForm {
	return openOnce(d, flow.key, func() (*activateForm, fyne.Window) {
		f := newActivateForm(d, flow)
		return f, linkWindow{Window: f.win, form: f}
	})
}

func newActivateForm(d *Desk, flow codeFlow) *activateForm {
	f := &activateForm{d: d, flow: flow, win: d.app.NewWindow(flow.title)}
	f.keys = formKeys{submit: f.onActivate, cancel: f.onClose}
	f.keys.attach(f.win)
	f.buildUI()
	return f
}

func (f *activateForm) buildUI() {
	intro := &widget.Label{Text: f.flow.intro, Wrapping: fyne.TextWrapWord}

	f.fields = newFieldSet()
	f.username = newEntry(&f.keys, "")
	f.code = newCodeEntry(&f.keys)
	f.fields.add(app.FieldUsername, "Username", true, f.username, "")
	f.fields.add(app.FieldCode, f.flow.codeLabel, true, f.code, codeHint)

	f.banner = newBanner()
	f.submit = newButton(f.flow.submitText, theme.ConfirmIcon(), widget.HighImportance, f.onActivate)
	f.close = newButton("Close", nil, widget.MediumImportance, f.onClose)

	body := container.NewVBox(intro, widget.NewSeparator(), f.fields.container(), f.banner)
	footer := container.NewVBox(widget.NewSeparator(), formButtons(f.close, f.submit))
	f.win.SetContent(container.NewBorder(nil, footer, nil, nil, container.NewVScroll(container.NewPadded(body))))
	f.win.Resize(fyne.NewSize(540, 360))
	f.win.Canvas().Focus(f.username)
}

func (f *activateForm) onActivate() {
	if f.busy {
		return
	}
	f.setBusy(true)
	username, code := f.username.Text, f.code.Text
	var s *app.Staff
	var told string
	f.d.background(func(ctx context.Context) (err error) {
		s, told, err = f.flow.redeem(ctx, username, code)
		return err
	}, func(err error) {
		f.setBusy(false)
		if err != nil {
			f.d.showCodeProblems(f.win, f.fields, f.banner, err)
			f.focusProblem()
			return
		}
		f.fields.clearErrors()
		f.username.SetText("")
		f.code.SetText("")
		setBanner(f.banner, told, widget.SuccessImportance)
		f.win.Canvas().Focus(f.username)
		f.d.staffSaved(s)
	})
}

// focusProblem puts the cursor where the message points: the code, unless only the
// username is wrong.
func (f *activateForm) focusProblem() {
	switch {
	case f.fields.errorOf(app.FieldCode) != "":
		f.win.Canvas().Focus(f.code)
	case f.fields.errorOf(app.FieldUsername) != "":
		f.win.Canvas().Focus(f.username)
	}
}

func (f *activateForm) setBusy(busy bool) {
	f.busy = busy
	setEnabled(!busy, f.submit)
}

func (f *activateForm) onClose() { f.win.Close() }

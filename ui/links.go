package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// Links in the emails: opening staffdesk://activate?user=…&code=… (app.ParseLink)
// starts StaffDesk with it, or hands it to the StaffDesk running (internal/handoff),
// and the desk opens the window the link is for with the username and code filled in,
// in front. These windows are the code flows, open to anyone, so a link works with
// nobody signed in. Nothing is done until the person confirms in the window; a link
// that is not one StaffDesk can open says so and changes nothing.

const titleLinkRefused = "StaffDesk Link"

// linkWindow is the window of a form a link can fill: openOnce keeps it, so that a
// link arriving while the form is open fills the form the person has.
type linkWindow struct {
	fyne.Window
	form linkForm
}

// linkForm is a form a link fills.
type linkForm interface{ fillFromLink(app.Link) }

// OpenLinkText opens raw, a staffdesk: link as the system handed it over.
func (d *Desk) OpenLinkText(raw string) {
	l, err := app.ParseLink(raw)
	if err != nil {
		d.refuseLink(err)
		return
	}
	d.OpenLink(l)
}

// OpenLink opens the window l is for, filled in with its username and code, and
// brings it forward; a Link that is not one ParseLink would return is refused.
func (d *Desk) OpenLink(l app.Link) {
	if _, err := l.URL(); err != nil {
		d.refuseLink(err)
		return
	}
	var win fyne.Window
	switch l.Action {
	case app.LinkActivate, app.LinkConfirmEmail:
		flow := d.activateFlow()
		if l.Action == app.LinkConfirmEmail {
			flow = d.confirmEmailFlow()
		}
		f := d.showCodeForm(flow)
		if f == nil {
			d.fillOpen(flow.key, l)
			return
		}
		f.fillFromLink(l)
		win = f.win
	case app.LinkResetPassword:
		f := d.showSetPassword()
		if f == nil {
			d.fillOpen("set-password", l)
			return
		}
		f.fillFromLink(l)
		win = f.win
	}
	win.RequestFocus()
}

// fillOpen fills the form open under key with l; openOnce has brought it forward.
func (d *Desk) fillOpen(key string, l app.Link) {
	if w, ok := d.window(key); ok {
		if lw, ok := w.(linkWindow); ok {
			lw.form.fillFromLink(l)
		}
	}
}

// TakeLinks opens each link handed over by another StaffDesk (handoff.Listener's
// Links), on the UI thread, until links is closed.
func (d *Desk) TakeLinks(links <-chan string) {
	// Not d.run.Go: this waits for as long as StaffDesk runs, and is no work under way.
	go func() {
		for raw := range links {
			d.run.Do(func() { d.OpenLinkText(raw) })
		}
	}()
}

// refuseLink says, in a window of its own (nothing else may be open), that a link
// cannot be opened, and logs why without the link, which may hold a code.
func (d *Desk) refuseLink(err error) {
	d.log.WithField("reason", string(app.LinkProblemOf(err))).Warn("A staffdesk: link could not be opened")
	msg := app.ErrorMessage(err)
	openOnce(d, "link-refused", func() (*struct{}, fyne.Window) {
		w := d.app.NewWindow(titleLinkRefused)
		text := &widget.Label{Text: msg, Wrapping: fyne.TextWrapWord}
		// The message wraps at this width, not at the narrowest the window allows (which
		// would make it a tall column of words).
		width := canvas.NewRectangle(color.Transparent)
		width.SetMinSize(fyne.NewSize(380, 0))
		closeButton := newButton("Close", nil, widget.HighImportance, w.Close)
		keys := formKeys{submit: w.Close, cancel: w.Close}
		keys.attach(w)
		row := container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, container.NewStack(width, text))
		w.SetContent(container.NewPadded(container.NewVBox(row, formButtons(closeButton))))
		w.RequestFocus()
		return &struct{}{}, w
	})
}

// fillFromLink puts the link's username and code in the form, clears what the last
// attempt said, and puts the cursor where Enter confirms.
func (f *activateForm) fillFromLink(l app.Link) {
	f.fields.clearErrors()
	setBanner(f.banner, "", widget.MediumImportance)
	f.username.SetText(l.Username)
	f.code.SetText(l.Code)
	f.win.Canvas().Focus(f.code)
}

// fillFromLink puts the link's username and code in the form and the cursor in New
// password: the link carries everything but the password.
func (f *setPasswordForm) fillFromLink(l app.Link) {
	f.fields.clearErrors()
	setBanner(f.banner, "", widget.MediumImportance)
	f.username.SetText(l.Username)
	f.code.SetText(l.Code)
	f.win.Canvas().Focus(f.password)
}

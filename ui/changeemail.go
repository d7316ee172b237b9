package ui

import (
	"context"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// titleConfirmEmail is the dialog that takes the code of a change of address; the
// email with the code sends its reader there.
const titleConfirmEmail = "Confirm New Email"

// emailChange is the Email address row of Edit Office Staff. The address is not typed
// over: Change Email sends a code to the new address (and a notice to the old one),
// and the address changes only when that code is entered. Meanwhile the row says the
// change is pending and offers Enter code and Cancel change.
type emailChange struct {
	d   *Desk
	win fyne.Window
	// staff is the account as last read: its ID, username, address and pending change.
	staff *app.Staff
	// changed is told, on the UI thread, of the account after each change.
	changed func(*app.Staff)

	address      *widget.Label
	change       *button
	pending      *widget.Label
	enterCode    *button
	cancelChange *button
	pendingRow   *fyne.Container
	content      *fyne.Container

	ask  *fieldDialog // the Change Email or Enter code dialog while shown
	busy bool
}

func newEmailChange(d *Desk, win fyne.Window, s *app.Staff, changed func(*app.Staff)) *emailChange {
	c := &emailChange{d: d, win: win, changed: changed}
	c.address = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	c.change = newButton("Change Email", theme.MailComposeIcon(), widget.MediumImportance, c.onChange)
	c.pending = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance, SizeName: theme.SizeNameCaptionText}
	c.enterCode = newButton("Enter code", nil, widget.MediumImportance, c.onEnterCode)
	c.cancelChange = newButton("Cancel change", nil, widget.MediumImportance, c.onCancelChange)
	c.pendingRow = container.NewVBox(c.pending, container.NewHBox(c.enterCode, c.cancelChange, layout.NewSpacer()))
	c.content = container.NewVBox(trailing(c.address, c.change), c.pendingRow)
	c.show(s)
	return c
}

// show shows the account s in the row.
func (c *emailChange) show(s *app.Staff) {
	c.staff = s
	c.address.SetText(s.Email)
	if s.PendingEmail == "" {
		c.pending.SetText("")
		c.pendingRow.Hide()
	} else {
		c.pending.SetText(fmt.Sprintf("Change to %s pending — waiting for the code", s.PendingEmail))
		c.pendingRow.Show()
	}
	c.content.Refresh()
}

// done shows the account after a change and tells the form.
func (c *emailChange) done(s *app.Staff) {
	c.show(s)
	if c.changed != nil {
		c.changed(s)
	}
}

func (c *emailChange) onChange() {
	intro := fmt.Sprintf("A code goes to the new address and a notice to %s. The address changes when the code is entered.", c.staff.Email)
	id := c.staff.ID
	c.ask = newFieldDialog(c.d, c.win, "Change Email", intro, app.FieldEmail, "New email address",
		func(keys *formKeys) *entry { return newEntry(keys, "name@example.com") }, "Send code",
		func(ctx context.Context, email string) (*app.Staff, error) {
			if err := c.d.svc.Accounts.RequestEmailChange(ctx, id, email); err != nil {
				return nil, err
			}
			return c.d.svc.Staff.Get(ctx, id)
		},
		func(s *app.Staff) {
			c.done(s)
			c.d.mailChanged()
		})
}

func (c *emailChange) onEnterCode() {
	intro := fmt.Sprintf("Enter the code sent to %s.", c.staff.PendingEmail)
	username := c.staff.Username
	c.ask = newFieldDialog(c.d, c.win, titleConfirmEmail, intro, app.FieldCode, "Code",
		newCodeEntry, "Confirm",
		func(ctx context.Context, code string) (*app.Staff, error) {
			return c.d.svc.Accounts.ConfirmEmailChange(ctx, username, code)
		},
		c.done)
}

func (c *emailChange) onCancelChange() {
	if c.busy {
		return
	}
	c.busy = true
	setEnabled(false, c.enterCode, c.cancelChange)
	id := c.staff.ID
	var s *app.Staff
	c.d.background(func(ctx context.Context) (err error) {
		if err = c.d.svc.Accounts.CancelEmailChange(ctx, id); err != nil && app.ErrorCode(err) != app.ECONFLICT {
			return err // ECONFLICT: nothing was pending after all; show what is
		}
		s, err = c.d.svc.Staff.Get(ctx, id)
		return err
	}, func(err error) {
		c.busy = false
		setEnabled(true, c.enterCode, c.cancelChange)
		if err != nil {
			c.d.showError(c.win, err)
			return
		}
		c.done(s)
	})
}

// fieldDialog is a small dialog over a window that asks for one value (a new address,
// a code), runs it through a service and puts what the service says under the field.
type fieldDialog struct {
	d      *Desk
	win    fyne.Window
	dlg    *dialog.CustomDialog
	keys   formKeys
	fields *fieldSet
	input  *entry
	banner *widget.Label
	submit *button
	cancel *button
	busy   bool
	closed bool

	run  func(ctx context.Context, value string) (*app.Staff, error) // in the background
	then func(*app.Staff)                                            // on success, on the UI thread
}

func newFieldDialog(d *Desk, win fyne.Window, title, intro, field, label string, input func(*formKeys) *entry,
	submitText string, run func(context.Context, string) (*app.Staff, error), then func(*app.Staff)) *fieldDialog {
	f := &fieldDialog{d: d, win: win, run: run, then: then}
	f.keys = formKeys{submit: f.onSubmit, cancel: f.onCancel}
	f.input = input(&f.keys)
	f.fields = newFieldSet()
	f.fields.add(field, label, true, f.input, "")
	f.banner = newBanner()
	f.submit = newButton(submitText, nil, widget.HighImportance, f.onSubmit)
	f.cancel = newButton("Cancel", nil, widget.MediumImportance, f.onCancel)
	note := &widget.Label{Text: intro, Wrapping: fyne.TextWrapWord}
	// The dialog is as wide as the note allows, not as wide as the note's one long line.
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(440, 0))
	body := container.NewStack(width, container.NewVBox(note, f.fields.container(), f.banner))
	f.dlg = dialog.NewCustomWithoutButtons(title, body, win)
	f.dlg.SetButtons([]fyne.CanvasObject{f.cancel, f.submit})
	// While the dialog is up, Enter and Escape with nothing focused are the dialog's,
	// not the form's behind it.
	behind := win.Canvas().OnTypedKey()
	f.keys.attachDialog(win)
	f.dlg.SetOnClosed(func() {
		f.closed = true
		win.Canvas().SetOnTypedKey(behind)
	})
	f.dlg.Show()
	win.Canvas().Focus(f.input)
	return f
}

func (f *fieldDialog) onSubmit() {
	if f.busy || f.closed {
		return
	}
	f.busy = true
	setEnabled(false, f.submit, f.cancel)
	value := f.input.Text
	var s *app.Staff
	f.d.background(func(ctx context.Context) (err error) {
		s, err = f.run(ctx, value)
		return err
	}, func(err error) {
		f.busy = false
		setEnabled(true, f.submit, f.cancel)
		if f.closed {
			return
		}
		if err != nil {
			f.d.showCodeProblems(f.win, f.fields, f.banner, err)
			// The message makes the dialog taller: lay it out again around it.
			f.dlg.Resize(f.dlg.MinSize())
			f.win.Canvas().Focus(f.input)
			return
		}
		f.dlg.Hide()
		f.then(s)
	})
}

func (f *fieldDialog) onCancel() {
	if f.busy {
		return
	}
	f.dlg.Hide()
}

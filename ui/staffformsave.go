// The New and Edit Office Staff window's Save and Cancel: submitting, the answers
// to a save refused (problems beside their fields, an account changed meanwhile, a
// save waiting for another desk), and closing with or without changes.

package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

func (f *staffForm) onSubmit() {
	if !f.ready || f.busy || f.finished {
		return
	}
	f.setBusy(true)
	f.hideSaveNote()
	st := f.staff()
	var pw, again string
	if f.isNew() {
		pw, again = f.password.Text, f.confirm.Text
	}
	var saved *app.Staff
	var sentTo string // the corrected address a new activation email went to
	f.d.backgroundShowing(f.onSaveWaiting, func(ctx context.Context) (err error) {
		if f.isNew() {
			saved, err = f.d.svc.Staff.Create(ctx, &app.NewStaff{Staff: st, Password: pw, ConfirmPassword: again})
		} else {
			var u *app.StaffUpdate
			if u, err = f.d.svc.Staff.Update(ctx, &st); err == nil {
				saved, sentTo = u.Staff, u.ActivationSentTo
			}
		}
		return err
	}, func(err error) {
		if f.finished {
			return
		}
		f.setBusy(false)
		if app.ErrorCode(err) == app.EBUSY {
			// Nothing was saved and nothing is wrong with the values: they stay, and
			// the same button a moment later is expected to work.
			f.d.logError(err)
			f.showSaveNote(app.ErrorMessage(err), widget.WarningImportance)
			return
		}
		if app.IsChanged(err) {
			f.d.logError(err)
			f.stale = askStale(f.win, err, f.onReload, f.onKeepChanges)
			return
		}
		if err != nil {
			f.showProblems(err)
			return
		}
		f.close()
		f.d.staffSaved(saved)
		if sentTo != "" && f.d.staff != nil {
			showNotice(dialog.NewInformation("Activation email sent",
				fmt.Sprintf("An activation email was sent to the new address, %s.", sentTo), f.d.staff.win), f.d.staff.win)
			f.d.mailChanged()
		}
	})
}

// onReload shows the account as it is now, in place of the manager's edits.
func (f *staffForm) onReload() {
	f.afterFetch(func(s *app.Staff) {
		f.cur = s
		f.fill(s)
		if f.emailChange != nil {
			f.emailChange.show(s)
		}
		f.fields.clearErrors()
		f.summary.Hide()
		f.baseline = f.state()
		f.relayout()
	})
}

// onKeepChanges saves the manager's values over the account as it is now: what the
// form does not edit (the address, the status) is taken from the current account.
func (f *staffForm) onKeepChanges() {
	f.afterFetch(func(s *app.Staff) {
		f.cur = s
		if f.emailChange != nil {
			f.emailChange.show(s)
		}
		f.onSubmit()
	})
}

// afterFetch reads the account as it is now and hands it to then on the UI thread.
func (f *staffForm) afterFetch(then func(*app.Staff)) {
	f.setBusy(true)
	var cur *app.Staff
	f.d.background(func(ctx context.Context) (err error) {
		cur, err = f.d.svc.Staff.Get(ctx, f.id)
		return err
	}, func(err error) {
		if f.finished {
			return
		}
		f.setBusy(false)
		if err != nil {
			f.showProblems(err) // deleted meanwhile, most likely
			return
		}
		then(cur)
	})
}

// onSaveWaiting says beside the buttons that the save waits for another StaffDesk
// to finish saving, and takes it back when the wait is over.
func (f *staffForm) onSaveWaiting(waiting bool) {
	if f.finished {
		return
	}
	if waiting {
		f.showSaveNote(app.WaitingMessage, widget.MediumImportance)
	} else {
		f.hideSaveNote()
	}
}

func (f *staffForm) showSaveNote(text string, importance widget.Importance) {
	f.saveNote.Importance = importance
	f.saveNote.SetText(text)
	f.saveNote.Show()
	layOutAgain(f.buttonRow) // it keeps its height (the buttons'): nothing else would
}

func (f *staffForm) hideSaveNote() {
	f.saveNote.Hide()
	layOutAgain(f.buttonRow)
}

func (f *staffForm) setBusy(busy bool) {
	f.busy = busy
	if busy {
		f.submit.Disable()
		f.cancel.Disable()
	} else {
		f.submit.Enable()
		f.cancel.Enable()
	}
}

// showProblems puts each of err's messages under its field, brings the first into
// view and says how many there are; what belongs to no field goes to a dialog.
func (f *staffForm) showProblems(err error) {
	rest := f.fields.showErrors(err)
	shown := len(app.ErrorFields(err)) - len(rest)
	if f.isNew() {
		if f.fields.errorOf(app.FieldConfirmPassword) == "" {
			f.updateMismatch()
		}
		f.updateStrength()
	}
	f.relayout()
	switch {
	case shown == 0 && app.ErrorCode(err) == app.EFORBIDDEN:
		// A refusal (the staff account limit, a permission gone meanwhile) is the
		// form's message: nothing in the fields is to blame.
		f.summary.SetText(app.ErrorMessage(err))
		f.summary.Show()
	case shown == 1:
		f.summary.SetText("Please fix the problem highlighted above.")
		f.summary.Show()
	case shown > 1:
		f.summary.SetText(fmt.Sprintf("Please fix the %d problems highlighted above.", shown))
		f.summary.Show()
	default:
		f.summary.Hide()
	}
	if shown > 0 {
		f.revealFirstProblem(app.ErrorFields(err))
	}
	switch {
	case len(rest) > 0:
		f.d.logError(err)
		showNotice(dialog.NewError(fmt.Errorf("%s", strings.Join(rest, "\n")), f.win), f.win)
	case shown == 0 && app.ErrorCode(err) == app.EFORBIDDEN:
		f.d.logError(err)
	case shown == 0:
		f.d.showError(f.win, err)
	}
}

func (f *staffForm) revealFirstProblem(problems map[string]string) {
	for _, t := range f.order {
		if _, ok := problems[t.field]; !ok {
			continue
		}
		f.scrollTo(f.fields.byName[t.field])
		f.win.Canvas().Focus(t.target)
		return
	}
}

// scrollTo scrolls the form so that row's label is at the top of the view, or as near
// as the form's length allows.
func (f *staffForm) scrollTo(row *field) {
	f.scroll.Refresh()
	drv := f.d.app.Driver()
	y := drv.AbsolutePositionForObject(row.label).Y - drv.AbsolutePositionForObject(f.scroll.Content).Y
	y -= theme.Padding()
	maxY := f.scroll.Content.Size().Height - f.scroll.Size().Height
	y = min(y, maxY)
	f.scroll.ScrollToOffset(fyne.NewPos(0, max(y, 0)))
}

// onCancel is Cancel, Escape and the window's close button: it asks before throwing
// away changes.
func (f *staffForm) onCancel() {
	if f.discard != nil || f.busy {
		return
	}
	if !f.changed() {
		f.close()
		return
	}
	f.discard = newConfirm("Discard changes?", "Your changes to this account have not been saved.", func(ok bool) {
		f.discard = nil
		if ok {
			f.close()
		}
	}, f.win)
	f.discard.SetConfirmText("Discard")
	f.discard.SetDismissText("Keep editing")
	f.discard.SetConfirmImportance(widget.DangerImportance)
	f.discard.Show()
}

func (f *staffForm) close() {
	f.finished = true
	f.win.Close()
}

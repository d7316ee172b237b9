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

// staffDeletion is the Delete dialog: the manager types the username to confirm, so an
// account is never deleted by a slip of the mouse.
type staffDeletion struct {
	w      *staffWindow
	staff  *app.Staff
	dialog *dialog.CustomDialog
	keys   *formKeys // Enter deletes (once the username matches), Escape cancels
	entry  *entry
	errMsg *widget.Label
	delete *button
	cancel *button
}

func newStaffDeletion(w *staffWindow, s *app.Staff) *staffDeletion {
	del := &staffDeletion{w: w, staff: s}
	del.keys = &formKeys{submit: del.onDelete, cancel: del.onCancel}
	del.entry = newEntry(del.keys, "Type the username to confirm")
	del.entry.OnChanged = del.onTyped
	del.errMsg = &widget.Label{Importance: widget.DangerImportance, SizeName: theme.SizeNameCaptionText}
	del.errMsg.Hide()
	del.delete = newButton("Delete", theme.DeleteIcon(), widget.DangerImportance, del.onDelete)
	del.delete.Disable()
	del.cancel = newButton("Cancel", nil, widget.MediumImportance, del.onCancel)

	content := container.NewVBox(
		widget.NewLabel(fmt.Sprintf("This permanently deletes the account of %s. It cannot be undone.\n"+
			"To stop them signing in but keep the record, use Deactivate instead.", s.FullName())),
		widget.NewRichText(
			&widget.TextSegment{Text: "To confirm, type the username ", Style: widget.RichTextStyleInline},
			&widget.TextSegment{Text: s.Username, Style: widget.RichTextStyleStrong},
			&widget.TextSegment{Text: ":", Style: widget.RichTextStyleInline}),
		del.entry, del.errMsg)
	del.dialog = dialog.NewCustomWithoutButtons("Delete "+s.Username+"?", content, w.win)
	del.dialog.SetButtons([]fyne.CanvasObject{del.cancel, del.delete})
	del.dialog.SetOnClosed(func() {
		if w.deletion == del {
			w.deletion = nil
		}
	})
	del.dialog.Show()
	w.win.Canvas().Focus(del.entry)
	return del
}

func (del *staffDeletion) matches() bool {
	return strings.EqualFold(strings.TrimSpace(del.entry.Text), del.staff.Username)
}

func (del *staffDeletion) onTyped(string) {
	del.errMsg.Hide()
	if del.matches() {
		del.delete.Enable()
	} else {
		del.delete.Disable()
	}
}

func (del *staffDeletion) onCancel() { del.dialog.Hide() }

func (del *staffDeletion) onDelete() {
	if !del.matches() || del.delete.Disabled() {
		return
	}
	del.delete.Disable()
	typed := del.entry.Text
	w := del.w
	var res *app.DeleteResult
	w.d.background(func(ctx context.Context) (err error) {
		res, err = w.d.svc.Staff.Delete(ctx, del.staff.ID, del.staff.Version, typed)
		return err
	}, func(err error) {
		if app.IsChanged(err) {
			// The dialog names the account as it was: the question no longer holds.
			del.dialog.Hide()
			w.reloadThen(func() { w.d.showMovedOn(w.win, app.AccountOf(del.staff.FirstName), err) })
			return
		}
		if err != nil {
			w.d.logError(err)
			msg := app.ErrorFields(err)[app.FieldConfirmUsername]
			if msg == "" {
				msg = app.ErrorMessage(err)
			}
			del.errMsg.SetText(msg)
			del.errMsg.Show()
			del.onTyped(del.entry.Text)
			if app.ErrorCode(err) == app.ENOTFOUND {
				w.reload() // someone else deleted it; the grid should stop showing it
			}
			return
		}
		del.dialog.Hide()
		if w.selected == del.staff.ID {
			w.selected = 0
		}
		w.reload()
		w.d.mailChanged()
		if n := res.CancelledMail; n > 0 {
			showNotice(dialog.NewInformation("Account deleted", deletedText(n), w.win), w.win)
		}
	})
}

// deletedText says what Delete did to the account's waiting emails.
func deletedText(cancelled int) string {
	if cancelled == 1 {
		return "Deleted. 1 waiting email was cancelled."
	}
	return fmt.Sprintf("Deleted. %d waiting emails were cancelled.", cancelled)
}

package ui

// What a row of the Staff window does to its account besides View and Edit: the More
// menu (deactivate, reactivate, resend activation, unlock, delete), who may use it, and
// "+ Add Staff Member" with the staff account limit beside it.

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// onDeactivate asks before an account loses its sign-in.
func (w *staffWindow) onDeactivate(s *app.Staff) {
	w.selected = s.ID
	w.table.markSelected()
	w.confirm = newConfirm("Deactivate staff member",
		fmt.Sprintf("Deactivate %s (%s)? They will no longer be able to sign in.", s.FullName(), s.Username),
		func(ok bool) {
			w.confirm = nil
			if ok {
				w.changeStatus(s, w.d.svc.Staff.Deactivate)
			}
		}, w.win)
	w.confirm.SetConfirmText("Deactivate")
	w.confirm.SetConfirmImportance(widget.DangerImportance)
	w.confirm.Show()
}

// onReactivate needs no question: it is undone by Deactivate.
func (w *staffWindow) onReactivate(s *app.Staff) {
	w.selected = s.ID
	w.changeStatus(s, w.d.svc.Staff.Reactivate)
}

// changeStatus deactivates or reactivates s as the grid showed it: an account changed
// since on another desk is refused by the service, and the grid then shows it as it
// is now, for the manager to look at before trying again.
func (w *staffWindow) changeStatus(s *app.Staff, change func(ctx context.Context, id, version int64) (*app.Staff, error)) {
	w.d.background(func(ctx context.Context) error {
		_, err := change(ctx, s.ID, s.Version)
		return err
	}, func(err error) {
		w.d.mailChanged() // deactivating cancels the account's waiting emails
		if app.IsChanged(err) {
			w.reloadThen(func() { w.d.showMovedOn(w.win, app.AccountOf(s.FirstName), err) })
			return
		}
		if err != nil {
			w.d.showError(w.win, err)
		}
		w.reload()
	})
}

// onResendActivation asks, then sends a Pending account a new activation email.
func (w *staffWindow) onResendActivation(s *app.Staff) {
	w.selected = s.ID
	w.table.markSelected()
	w.confirm = newConfirm("Resend activation email",
		fmt.Sprintf("Send a new activation email to %s? The code in the previous one stops working.", s.Email),
		func(ok bool) {
			w.confirm = nil
			if !ok {
				return
			}
			w.d.background(func(ctx context.Context) error {
				return w.d.svc.Accounts.ResendActivation(ctx, s.ID, s.Version)
			}, func(err error) {
				if app.IsChanged(err) {
					w.reloadThen(func() { w.d.showMovedOn(w.win, app.AccountOf(s.FirstName), err) })
					return
				}
				if err != nil {
					w.d.showError(w.win, err)
				}
				w.reload() // the expiry starts again
				w.d.mailChanged()
			})
		}, w.win)
	w.confirm.SetConfirmText("Send")
	w.confirm.Show()
}

// onUnlock ends an account's lock after failed sign-ins; it needs no question.
func (w *staffWindow) onUnlock(s *app.Staff) {
	w.selected = s.ID
	w.d.background(func(ctx context.Context) error {
		_, err := w.d.svc.Staff.Unlock(ctx, s.ID)
		return err
	}, func(err error) {
		if err != nil {
			w.d.showError(w.win, err)
		}
		w.reload()
	})
}

// hasRowMenu reports whether s's row has a More menu: only with Manage Accounts, and
// the person's own row only while it has something besides Deactivate and Delete,
// which nobody may do to themselves.
func (w *staffWindow) hasRowMenu(s *app.Staff) bool {
	return w.mayManage(s) && (!w.isMe(s) || s.Status == app.StatusPending || s.Locked(w.now))
}

// mayManage reports whether the person may change account s: Manage Accounts, and s is
// their own or its role carries no permission they do not hold (the service refuses
// the rest).
func (w *staffWindow) mayManage(s *app.Staff) bool {
	return w.manage && (w.isMe(s) || w.d.me.Permissions.Covers(s.Permissions))
}

func (w *staffWindow) isMe(s *app.Staff) bool { return w.d.me != nil && w.d.me.ID == s.ID }

// rowMenu is a row's More menu: what is done to an account less often than viewing or
// editing it (all of it Manage Accounts').
func (w *staffWindow) rowMenu(s *app.Staff) *fyne.Menu {
	var items []*fyne.MenuItem
	if !w.mayManage(s) {
		return fyne.NewMenu("")
	}
	if s.Locked(w.now) {
		items = append(items, fyne.NewMenuItem("Unlock", func() { w.onUnlock(s) }))
	}
	if s.Status == app.StatusPending {
		items = append(items, fyne.NewMenuItem("Resend activation email…", func() { w.onResendActivation(s) }))
	}
	if w.isMe(s) {
		return fyne.NewMenu("", items...)
	}
	if s.Status == app.StatusInactive {
		items = append(items, fyne.NewMenuItem("Reactivate", func() { w.onReactivate(s) }))
	} else {
		items = append(items, fyne.NewMenuItem("Deactivate…", func() { w.onDeactivate(s) }))
	}
	del := fyne.NewMenuItem("Delete…", func() { w.onDelete(s) })
	del.Icon = theme.DeleteIcon()
	items = append(items, fyne.NewMenuItemSeparator(), del)
	return fyne.NewMenu("", items...)
}

// showRowMenu opens the More menu of account s under the button that asked for it.
func (w *staffWindow) showRowMenu(s *app.Staff, under fyne.CanvasObject) {
	w.selected = s.ID
	w.table.markSelected()
	w.menuOf = w.rowMenu(s)
	w.menu = widget.NewPopUpMenu(w.menuOf, w.win.Canvas())
	// The menu hangs from the button's right edge: the column is the window's last.
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(under)
	x := max(pos.X+under.Size().Width-w.menu.MinSize().Width, 0)
	w.menu.ShowAtPosition(fyne.NewPos(x, pos.Y+under.Size().Height))
}

func (w *staffWindow) onDelete(s *app.Staff) {
	w.selected = s.ID
	w.table.markSelected()
	w.deletion = newStaffDeletion(w, s)
}

// onAdd opens New Staff Member, or says why not when the plan's accounts are all used:
// the button stays where the manager looks for it and answers, rather than greying out
// with no word of why.
func (w *staffWindow) onAdd() {
	if w.usage.Full() {
		showNotice(dialog.NewInformation("Staff account limit reached", w.usage.FullMessage(), w.win), w.win)
		return
	}
	w.d.openNewStaff()
}

// showUsage shows how many of the plan's accounts are used beside "+ Add Staff
// Member", when at most one is left.
func (w *staffWindow) showUsage(u app.StaffUsage) {
	w.usage = u
	near := u.Near() && w.manage
	if near {
		w.usageLabel.SetText(u.Label())
		if u.Full() {
			w.usageLabel.Importance = widget.WarningImportance
		} else {
			w.usageLabel.Importance = widget.MediumImportance
		}
		w.usageLabel.Refresh()
	}
	if near != w.usageLabel.Visible() {
		setVisible(w.usageLabel, near)
		layOutAgain(w.searchRow) // the search box gives the label room, or takes it back
	}
}

package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

// The Permissions window (Permissions Administration in the seeds): roles × permissions
// as check boxes, who holds each role under it, and what each permission allows. A box
// changes at once when ticked; the service says no where the person may not.

const (
	permissionsIntro = "A person holds the permissions of their role. Changing a role's permissions signs its holders out."
	ownRoleNote      = "Your own role"
	notHeldNote      = "You do not hold it"

	permRoleWidth = 190 // the role column
	permBoxWidth  = 170 // each permission's column
)

// openPermissions opens the Permissions window, or brings it forward when open.
func (d *Desk) openPermissions() { d.showPermissions() }

// showPermissions opens the Permissions window and returns it, or nil when it was
// already open and has only been brought forward.
func (d *Desk) showPermissions() *permissionsWindow {
	return openOnce(d, "permissions", func() (*permissionsWindow, fyne.Window) {
		w := &permissionsWindow{d: d, win: d.app.NewWindow("Permissions")}
		w.buildUI()
		w.load("")
		return w, w.win
	})
}

// permissionsWindow is the Permissions window.
type permissionsWindow struct {
	d   *Desk
	win fyne.Window

	matrix  *app.PermissionMatrix // the last load; nil until it arrives
	message *widget.Label         // what the last change did, or why it was refused
	loading *widget.Label
	rows    *fyne.Container // a block per role: its boxes, then its holders
	header  *fyne.Container // the column headings, and under them why a column is off
	// boxes are the check boxes by role and permission; notes the "Your own role" of
	// each row; saving the roles whose change is under way (their boxes wait).
	boxes  map[int64]map[app.Permission]*check
	notes  map[int64]*widget.Label
	held   map[int64]*widget.Label // each role's holders, as shown under it
	saving map[int64]bool
	keys   formKeys
}

func (w *permissionsWindow) buildUI() {
	w.keys = formKeys{cancel: w.win.Close}
	w.keys.attach(w.win)
	intro := &widget.Label{Text: permissionsIntro, Wrapping: fyne.TextWrapWord}
	w.message = &widget.Label{Wrapping: fyne.TextWrapWord}
	w.message.Hide()
	w.loading = widget.NewLabel("Loading…")

	bold := fyne.TextStyle{Bold: true}
	head := []fyne.CanvasObject{fixedCell(permRoleWidth, widget.NewLabelWithStyle("Role", fyne.TextAlignLeading, bold))}
	for _, p := range app.AllPermissions {
		head = append(head, fixedCell(permBoxWidth, widget.NewLabelWithStyle(p.Label(), fyne.TextAlignLeading, bold)))
	}
	w.header = container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()), container.NewHBox(head...))
	w.header.Hide()
	w.rows = container.NewVBox()

	// What each permission allows: Fyne has no tool tips, so the window spells it out.
	legend := container.NewVBox()
	for _, p := range app.AllPermissions {
		legend.Add(container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()),
			widget.NewLabelWithStyle(p.Label(), fyne.TextAlignLeading, bold),
			&widget.Label{Text: p.Description(), Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}))
	}

	closeBtn := newButton("Close", nil, widget.MediumImportance, w.win.Close)
	// The column headings stay put while the roles scroll under them.
	body := container.NewVBox(w.loading, w.rows, widget.NewSeparator(), legend)
	top := container.NewVBox(intro, w.message, widget.NewSeparator(), w.header)
	w.win.SetContent(container.NewBorder(container.NewPadded(top),
		container.NewPadded(container.NewHBox(layout.NewSpacer(), closeBtn)), nil, nil,
		container.NewVScroll(container.NewPadded(body))))
	w.win.Resize(fyne.NewSize(920, 560)) // fits 1024×640; the roles scroll
}

// fixedCell gives o a column of width w, as tall as it needs.
func fixedCell(width float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, o.MinSize().Height), o)
}

// load reads the matrix and shows it; note, when not "", is said above it (why it
// was read again).
func (w *permissionsWindow) load(note string) {
	var m *app.PermissionMatrix
	w.d.background(func(ctx context.Context) (err error) {
		m, err = w.d.svc.Permissions.Matrix(ctx)
		return err
	}, func(err error) {
		w.loading.Hide()
		if err != nil {
			w.d.logError(err)
			w.say(app.ErrorMessage(err), widget.DangerImportance)
			return
		}
		w.matrix = m
		w.show()
		if note != "" {
			w.say(note, widget.WarningImportance)
		}
	})
}

// say shows msg above the matrix ("" hides it).
func (w *permissionsWindow) say(msg string, importance widget.Importance) {
	w.message.Importance = importance
	w.message.SetText(msg)
	if msg == "" {
		w.message.Hide()
	} else {
		w.message.Show()
	}
}

// myPermissions are the permissions of the person's own role, as the matrix has them.
func (w *permissionsWindow) myPermissions() app.PermissionSet {
	for _, ra := range w.matrix.Roles {
		if ra.Role.ID == w.matrix.MyRoleID {
			return ra.Role.Permissions
		}
	}
	return nil
}

// show builds a block per role from the loaded matrix.
func (w *permissionsWindow) show() {
	w.boxes = map[int64]map[app.Permission]*check{}
	w.notes = map[int64]*widget.Label{}
	w.held = map[int64]*widget.Label{}
	w.saving = map[int64]bool{}
	w.rows.RemoveAll()
	mine := w.myPermissions()
	// A column the person cannot change says so once, under its heading.
	notes := []fyne.CanvasObject{fixedCell(permRoleWidth, layout.NewSpacer())}
	anyNote := false
	for _, p := range app.AllPermissions {
		text := ""
		if !mine.Has(p) {
			text, anyNote = notHeldNote, true
		}
		notes = append(notes, fixedCell(permBoxWidth, &widget.Label{Text: text, SizeName: theme.SizeNameCaptionText, TextStyle: fyne.TextStyle{Italic: true}}))
	}
	w.header.Objects = w.header.Objects[:1]
	if anyNote {
		w.header.Add(container.NewHBox(notes...))
	}
	for i, ra := range w.matrix.Roles {
		if i > 0 {
			w.rows.Add(widget.NewSeparator())
		}
		w.rows.Add(w.roleBlock(ra))
	}
	w.header.Show()
	w.rows.Refresh()
}

// roleBlock is one role's row of boxes and, under it, who holds the role.
func (w *permissionsWindow) roleBlock(ra *app.RoleAccess) fyne.CanvasObject {
	r := ra.Role
	name := &widget.Label{Text: r.Name, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	if !r.Active {
		name.Text += inactiveSuffix
		name.TextStyle = fyne.TextStyle{}
		name.Importance = widget.LowImportance
	}
	// Why the row's boxes are all off, under the role's name.
	note := &widget.Label{SizeName: theme.SizeNameCaptionText, TextStyle: fyne.TextStyle{Italic: true}}
	if r.ID == w.matrix.MyRoleID {
		note.Text = ownRoleNote
	} else {
		note.Hide()
	}
	w.notes[r.ID] = note
	nameCell := container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()), name, note)
	cells := []fyne.CanvasObject{fixedCell(permRoleWidth, nameCell)}
	w.boxes[r.ID] = map[app.Permission]*check{}
	for _, p := range app.AllPermissions {
		c := newCheck(&w.keys, "", nil)
		c.Checked = r.Permissions.Has(p)
		c.OnChanged = func(on bool) { w.onToggle(r.ID, p, on) }
		if !ra.Changeable[p] {
			c.Disable()
		}
		w.boxes[r.ID][p] = c
		cells = append(cells, fixedCell(permBoxWidth, c))
	}

	held := &widget.Label{Text: holdersText(ra.Holders), Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
	if !r.Active {
		held.Importance = widget.LowImportance
	}
	w.held[r.ID] = held
	return container.NewVBox(container.NewHBox(cells...), held)
}

// holdersText lists a role's holders: "Held by: Camille Staff (camilles, Active) · …".
func holdersText(holders []*app.Staff) string {
	if len(holders) == 0 {
		return "Nobody holds this role."
	}
	now := time.Now()
	parts := make([]string, len(holders))
	for i, h := range holders {
		status := h.Status.Label()
		if h.Locked(now) {
			status += ", locked"
		}
		parts[i] = fmt.Sprintf("%s (%s, %s)", h.FullName(), h.Username, status)
	}
	return "Held by: " + strings.Join(parts, " · ")
}

// roleAccess returns the loaded row of role id.
func (w *permissionsWindow) roleAccess(id int64) *app.RoleAccess {
	for _, ra := range w.matrix.Roles {
		if ra.Role.ID == id {
			return ra
		}
	}
	return nil
}

// onToggle gives or takes away p from role id at once. The role's boxes wait while it
// is saved; a refusal puts the box back as stored and says why; a role changed
// meanwhile is read again.
func (w *permissionsWindow) onToggle(id int64, p app.Permission, on bool) {
	ra := w.roleAccess(id)
	if ra == nil || w.saving[id] {
		return
	}
	w.saving[id] = true
	w.enableRow(ra)
	w.say("", widget.MediumImportance)
	version := ra.Role.Version
	var saved *app.Role
	w.d.background(func(ctx context.Context) (err error) {
		saved, err = w.d.svc.Permissions.SetRolePermission(ctx, id, version, p, on)
		return err
	}, func(err error) {
		w.saving[id] = false
		switch {
		case app.IsChanged(err) || app.ErrorCode(err) == app.ENOTFOUND:
			w.d.logError(err)
			w.load(app.ErrorMessage(err) + " The window shows the roles as they are now.")
			return
		case err != nil:
			w.d.logError(err)
			w.setBox(ra, p, ra.Role.Permissions.Has(p))
			w.say(app.ErrorMessage(err), widget.DangerImportance)
		default:
			ra.Role = saved
			w.setBox(ra, p, saved.Permissions.Has(p))
			verb := "no longer carries"
			if saved.Permissions.Has(p) {
				verb = "now carries"
			}
			msg := fmt.Sprintf("%s %s %s.", saved.Name, verb, p.Label())
			if len(ra.Holders) > 0 {
				msg += " Its holders were signed out; they sign in again to go on."
			}
			w.say(msg, widget.SuccessImportance)
		}
		w.enableRow(ra)
	})
}

// setBox shows whether the role carries p without it counting as a tick.
func (w *permissionsWindow) setBox(ra *app.RoleAccess, p app.Permission, on bool) {
	c := w.boxes[ra.Role.ID][p]
	c.Checked = on
	c.Refresh()
}

// enableRow enables the role's boxes that the person may change, unless a change of
// the role is under way.
func (w *permissionsWindow) enableRow(ra *app.RoleAccess) {
	for p, c := range w.boxes[ra.Role.ID] {
		if ra.Changeable[p] && !w.saving[ra.Role.ID] {
			c.Enable()
		} else {
			c.Disable()
		}
	}
}

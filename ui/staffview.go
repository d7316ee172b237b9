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

// staffView is the read-only sheet of one account: who they are, how to reach them, what
// their role lets them do, how their signing in goes, and how their account is set up,
// PINs included (for those who may see them), so the manager can read them out.
type staffView struct {
	d   *Desk
	id  int64
	win fyne.Window

	loading  *widget.Label
	missing  *widget.Label // the account no longer exists
	details  *fyne.Container
	values   map[string]*widget.Label // Basic section values by caption ("First Name")
	status   *widget.Label
	settings map[string][2]*widget.Label // Status and Detail by setting name
	access   map[string]*widget.Label    // Access and Sign-in values by name ("Role")
	unlock   *button                     // shown only while the account is locked
	edit     *button
	close    *button
	reset    *button        // Reset Password
	staff    *app.Staff     // the account shown
	asked    *passwordReset // the last Reset Password asked
}

// openView shows the account with id; a second request brings its window forward.
func (d *Desk) openView(id int64) { d.showView(id) }

// showView opens the sheet of account id and returns it, or returns nil when the sheet
// was already open and has only been brought forward.
func (d *Desk) showView(id int64) *staffView {
	return openOnce(d, fmt.Sprintf("view:%d", id), func() (*staffView, fyne.Window) {
		v := &staffView{d: d, id: id, win: d.app.NewWindow("Staff")}
		v.buildUI()
		v.load()
		return v, v.win
	})
}

var (
	viewBasicColumns = [][]string{
		{"First Name", "Last Name", "Primary Provider"},
		{"Care Team Role", "Care Team Identifier", "Username"},
		{"Email", "Cell Phone", "Home Phone"},
	}
	viewAccess = []string{"Role", "Permissions"}
	viewSignIn = []string{"Last sign-in", "Failed attempts", "Locked"}

	viewSettings = []string{
		"App Unlock PIN",
		"Support PIN",
		"Enable email update",
		"Restrict offices",
		"Send daily billing report",
		"Use new dashboard",
		"Emergency access",
	}
)

func (v *staffView) buildUI() {
	v.loading = widget.NewLabel("Loading…")
	v.missing = &widget.Label{Text: "This staff member no longer exists. Their account may have been deleted.", Wrapping: fyne.TextWrapWord}
	v.missing.Hide()

	v.values = map[string]*widget.Label{}
	columns := make([]fyne.CanvasObject, 0, len(viewBasicColumns))
	for _, captions := range viewBasicColumns {
		col := container.NewVBox()
		for _, caption := range captions {
			value := &widget.Label{Text: "-", Truncation: fyne.TextTruncateEllipsis}
			v.values[caption] = value
			// The caption sits tight on its value, over the labels' own padding.
			col.Add(container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()),
				&widget.Label{Text: caption, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameCaptionText},
				value))
		}
		columns = append(columns, col)
	}
	basicTitle := widget.NewLabelWithStyle("Basic", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	basicTitle.SizeName = theme.SizeNameSubHeadingText
	v.status = &widget.Label{Wrapping: fyne.TextWrapWord}

	v.settings = map[string][2]*widget.Label{}
	bold := fyne.TextStyle{Bold: true}
	rows := container.NewVBox(settingRow(
		widget.NewLabelWithStyle("Setting", fyne.TextAlignLeading, bold),
		widget.NewLabelWithStyle("Status", fyne.TextAlignLeading, bold),
		widget.NewLabelWithStyle("Detail", fyne.TextAlignLeading, bold)))
	for _, name := range viewSettings {
		status := widget.NewLabel("")
		detail := &widget.Label{Truncation: fyne.TextTruncateEllipsis}
		v.settings[name] = [2]*widget.Label{status, detail}
		rows.Add(settingRow(widget.NewLabel(name), status, detail))
	}
	settingsTitle := sectionTitle("Settings")

	v.access = map[string]*widget.Label{}
	v.unlock = newButton("Unlock", nil, widget.MediumImportance, v.onUnlock)
	v.unlock.Hide()
	accessRows := container.NewVBox()
	for _, name := range viewAccess {
		accessRows.Add(v.infoRow(name, nil))
	}
	signInRows := container.NewVBox()
	for _, name := range viewSignIn {
		var after fyne.CanvasObject
		if name == "Locked" {
			after = v.unlock
		}
		signInRows.Add(v.infoRow(name, after))
	}

	v.details = container.NewVBox(
		basicTitle,
		container.NewGridWithColumns(3, columns...),
		v.status,
		widget.NewSeparator(),
		// Side by side: both are short, and the sheet must fit a small screen.
		container.NewGridWithColumns(2,
			container.NewVBox(sectionTitle("Access"), accessRows),
			container.NewVBox(sectionTitle("Sign-in"), signInRows)),
		widget.NewSeparator(),
		settingsTitle,
		rows,
	)
	v.details.Hide()

	v.edit = newButton("Edit", theme.DocumentCreateIcon(), widget.HighImportance, v.onEdit)
	v.edit.Disable()
	// Nothing takes the focus: a focused widget would swallow Escape, which closes the sheet.
	v.close = newButton("Close", nil, widget.MediumImportance, v.win.Close)
	v.reset = newButton("Reset Password", theme.MailSendIcon(), widget.MediumImportance, v.onResetPassword)
	v.reset.Disable()
	buttons := container.NewHBox(v.reset, layout.NewSpacer(), v.close, v.edit)

	body := container.NewVBox(v.loading, v.missing, v.details)
	v.win.SetContent(container.NewBorder(nil, container.NewPadded(buttons), nil, nil, container.NewVScroll(container.NewPadded(body))))
	keys := &formKeys{cancel: v.win.Close}
	keys.attach(v.win)
	v.win.Resize(fyne.NewSize(760, 600))
}

func sectionTitle(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// infoRow is a name and its value in a column of the Access and Sign-in sections, with
// an optional button after the value.
func (v *staffView) infoRow(name string, after fyne.CanvasObject) fyne.CanvasObject {
	value := &widget.Label{Wrapping: fyne.TextWrapWord}
	v.access[name] = value
	label := widget.NewLabel(name)
	left := container.NewGridWrap(fyne.NewSize(125, label.MinSize().Height), label)
	if after != nil {
		return container.NewBorder(nil, nil, left, container.NewHBox(after), value)
	}
	return container.NewBorder(nil, nil, left, nil, value)
}

// settingRow lines up a setting's name and status in fixed columns and gives the
// detail (an office list can be long) the rest of the width.
func settingRow(name, status, detail fyne.CanvasObject) fyne.CanvasObject {
	h := name.MinSize().Height
	return container.NewBorder(nil, nil, container.NewHBox(
		container.NewGridWrap(fyne.NewSize(230, h), name),
		container.NewGridWrap(fyne.NewSize(90, h), status)), nil, detail)
}

func (v *staffView) load() {
	var s *app.Staff
	v.d.background(func(ctx context.Context) (err error) {
		s, err = v.d.svc.Staff.Get(ctx, v.id)
		return err
	}, func(err error) {
		v.loading.Hide()
		switch {
		case app.ErrorCode(err) == app.ENOTFOUND:
			v.d.logError(err)
			v.missing.Show()
		case err != nil:
			v.missing.SetText(app.ErrorMessage(err))
			v.missing.Show()
			v.d.showError(v.win, err)
		default:
			v.show(s)
		}
	})
}

func (v *staffView) show(s *app.Staff) {
	v.win.SetTitle("Staff — " + s.Username)
	careTeamID := "-"
	if s.CareTeamIDType != app.CareTeamIDNone && s.CareTeamID != "" {
		careTeamID = string(s.CareTeamIDType) + " " + s.CareTeamID
	}
	for caption, value := range map[string]string{
		"First Name":           s.FirstName,
		"Last Name":            s.LastName,
		"Primary Provider":     s.ProviderName,
		"Care Team Role":       s.CareTeamRoleName,
		"Care Team Identifier": careTeamID,
		"Username":             s.Username,
		"Email":                s.Email,
		"Cell Phone":           app.FormatPhone(s.CellPhone),
		"Home Phone":           app.FormatPhone(s.HomePhone),
	} {
		v.values[caption].SetText(orDash(value))
	}

	// The role is under Access, with its permissions.
	parts := []string{s.StatusDetail(time.Now())}
	if s.TwoFactor {
		parts = append(parts, "Two-factor sign-in set up")
	} else {
		parts = append(parts, "Two-factor sign-in not set up")
	}
	v.status.SetText(strings.Join(parts, " · "))

	offices := "-"
	if s.RestrictOffices && len(s.OfficeNames) > 0 {
		offices = strings.Join(s.OfficeNames, ", ")
	}
	if s.PINsHidden {
		v.setSetting("App Unlock PIN", "-", pinsHiddenText)
		v.setSetting("Support PIN", "-", pinsHiddenText)
	} else {
		v.setSetting("App Unlock PIN", setOrNot(s.UnlockPIN), orDash(s.UnlockPIN))
		v.setSetting("Support PIN", setOrNot(s.SupportPIN), orDash(s.SupportPIN))
	}
	// My Account offers Change Email only when this is on (AccountService checks it).
	emailUpdate := "Only a manager can change their email address"
	if s.EnableEmailUpdate {
		emailUpdate = "May change their own email address in My Account"
	}
	v.setSetting("Enable email update", onOff(s.EnableEmailUpdate), emailUpdate)
	v.setSetting("Restrict offices", onOff(s.RestrictOffices), offices)
	v.setSetting("Send daily billing report", onOff(s.SendDailyBilling), "-")
	v.setSetting("Use new dashboard", onOff(s.UseNewDashboard), "-")
	v.setSetting("Emergency access", onOff(s.EmergencyAccess), "-")

	v.showAccess(s)

	v.details.Show()
	v.staff = s
	// Edit and Reset Password are offered only to those the services would let do them.
	if v.mayManage(s) {
		v.edit.Show()
		v.reset.Show()
		v.edit.Enable()
	} else {
		v.edit.Hide()
		v.reset.Hide()
	}
	if s.Status == app.StatusInactive {
		v.reset.Disable() // reactivate the account first
	} else {
		v.reset.Enable()
	}
}

// pinsHiddenText stands for the PINs of someone else for a person without See staff PINs.
const pinsHiddenText = "Hidden — needs See staff PINs"

// mayManage reports whether the signed-in person may change account s: they hold
// Manage Accounts and every permission of s's role (nobody changes what they could
// not give), or it is their own.
func (v *staffView) mayManage(s *app.Staff) bool {
	d := v.d
	if !d.can(app.PermManageAccounts) {
		return false
	}
	return d.me.ID == s.ID || d.me.Permissions.Covers(s.Permissions)
}

// showAccess fills the Access and Sign-in sections.
func (v *staffView) showAccess(s *app.Staff) {
	now := time.Now()
	v.access["Role"].SetText(orDash(s.RoleName))
	v.access["Permissions"].SetText(s.Permissions.Labels())
	last := "Never signed in"
	if !s.SignIn.LastSignInAt.IsZero() {
		last = shortTime(s.SignIn.LastSignInAt, now)
	}
	v.access["Last sign-in"].SetText(last)
	failures := "None"
	if n := s.SignIn.Failures; n == 1 {
		failures = "1 in a row"
	} else if n > 1 {
		failures = fmt.Sprintf("%d in a row", n)
	}
	v.access["Failed attempts"].SetText(failures)
	locked := v.access["Locked"]
	if s.Locked(now) {
		locked.SetText("Locked until " + s.SignIn.LockedUntil.Local().Format("15:04"))
		locked.Importance = widget.DangerImportance
		locked.Refresh()
		if v.mayManage(s) {
			v.unlock.Show()
			v.unlock.Enable()
		} else {
			v.unlock.Hide()
		}
	} else {
		locked.SetText("Not locked")
		locked.Importance = widget.MediumImportance
		locked.Refresh()
		v.unlock.Hide()
	}
}

// onUnlock lets a locked account sign in again at once, its failed attempts forgotten.
func (v *staffView) onUnlock() {
	if v.staff == nil {
		return
	}
	v.unlock.Disable()
	id := v.staff.ID
	var unlocked *app.Staff
	v.d.background(func(ctx context.Context) (err error) {
		unlocked, err = v.d.svc.Staff.Unlock(ctx, id)
		return err
	}, func(err error) {
		if err != nil {
			v.unlock.Enable()
			v.d.showError(v.win, err)
			return
		}
		v.load()
		v.d.staffSaved(unlocked)
	})
}

// onResetPassword asks, then emails the staff member a code to choose a new password.
// An account changed since the sheet showed it is shown again, for the manager to look
// at before trying again.
func (v *staffView) onResetPassword() {
	if v.staff == nil {
		return
	}
	s := v.staff
	v.asked = v.d.resetPassword(v.win, s, func(err error) {
		v.load()
		v.d.showReshown(v.win, app.AccountOf(s.FirstName), err)
	})
}

func (v *staffView) setSetting(name, status, detail string) {
	labels := v.settings[name]
	labels[0].SetText(status)
	labels[1].SetText(detail)
}

// onEdit hands over to the Edit window and closes the sheet, which would otherwise go
// on showing what the edit changes.
func (v *staffView) onEdit() {
	v.d.openEditStaff(v.id)
	v.win.Close()
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func onOff(on bool) string {
	if on {
		return "On"
	}
	return "Off"
}

func setOrNot(pin string) string {
	if pin == "" {
		return "Not set"
	}
	return "Set"
}

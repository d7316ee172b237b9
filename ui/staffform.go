package ui

import (
	"context"
	"reflect"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

const (
	titleNewStaff  = "New Office Staff"
	titleEditStaff = "Edit Office Staff"

	phonePlaceholder = "(212) 555-0123"
	noneOption       = "(None)"
	inactiveSuffix   = " (inactive)"
)

// openNewStaff opens the New Office Staff window, or brings it forward when open.
func (d *Desk) openNewStaff() { d.showStaffForm(0) }

// openEditStaff opens the Edit Office Staff window of account id, or brings it forward.
func (d *Desk) openEditStaff(id int64) { d.showStaffForm(id) }

// showStaffForm opens the New (id 0) or Edit window and returns its form, or nil when
// the window was already open and has only been brought forward.
func (d *Desk) showStaffForm(id int64) *staffForm {
	key := "new-staff"
	if id != 0 {
		key = "edit:" + strconv.FormatInt(id, 10)
	}
	return openOnce(d, key, func() (*staffForm, fyne.Window) {
		f := newStaffForm(d, id)
		return f, f.win
	})
}

// staffForm is the New Office Staff window (id 0) and the Edit Office Staff window:
// the same fields, except that only New sets a password.
type staffForm struct {
	d    *Desk
	win  fyne.Window
	id   int64    // 0 for New
	keys formKeys // Enter submits, Escape cancels
	dir  *app.Directory
	cur  *app.Staff     // Edit: the account as loaded
	used app.StaffUsage // New: the practice's staff accounts as the form opened

	fields *fieldSet
	scroll *container.Scroll
	order  []focusTarget // the fields in the order a person sees them

	firstName, lastName   *entry
	provider, role        *choice
	providers, roles      options
	careTeamRole          *choice
	careTeamRoles         options
	careTeamIDType        *choice
	careTeamID            *entry
	email, username       *entry
	emailChange           *emailChange   // Edit: the address, read-only, and Change Email
	password, confirm     *entry         // New only
	resetPassword         *button        // Edit only
	reset                 *passwordReset // Edit: the last Reset Password asked
	strength              *strengthMeter
	homePhone, cellPhone  *entry
	dailyBilling          *check
	unlockPIN             *entry
	newUnlockPIN          *button
	supportPIN            *widget.Label // Edit: the current Support PIN, read-only
	newSupportPIN         *button       // Edit only
	restrictOffices       *check
	officeChecks          []*check
	officeIDs             []int64       // parallel to officeChecks
	officeFixed           []bool        // parallel: an office of the account's outside the manager's own, kept as it is
	usage                 *widget.Label // New: "3 of 3 staff accounts used", near or at the limit
	officeList            *fyne.Container
	newDashboard          *check
	emailUpdate           *check
	emergencyAccess       *check
	summary               *widget.Label
	saveNote              *widget.Label // beside the buttons: the save waits, or waited too long
	buttonRow             *fyne.Container
	submit, cancel        *button
	discard               *dialog.ConfirmDialog // the "Discard changes?" question while shown
	stale                 *staleChoice          // the last "changed since you opened it" question
	supportPINValue       string
	baseline              formState // what was loaded or defaulted: changes are measured against it
	ready, busy, finished bool
}

// focusTarget is where the cursor goes when a field's message is shown.
type focusTarget struct {
	field  string
	target fyne.Focusable
}

// formState is everything the manager can change, for telling whether anything was.
type formState struct {
	staff             app.Staff
	password, confirm string
}

func newStaffForm(d *Desk, id int64) *staffForm {
	f := &staffForm{d: d, id: id}
	title := titleNewStaff
	if id != 0 {
		title = titleEditStaff
	}
	f.win = d.app.NewWindow(title)
	f.keys = formKeys{submit: f.onSubmit, cancel: f.onCancel}
	f.keys.attach(f.win)
	f.win.SetCloseIntercept(f.onCancel)
	f.win.SetContent(container.NewCenter(widget.NewLabel("Loading…")))
	f.win.Resize(fyne.NewSize(720, 600)) // fits a 1024×640 screen; the form scrolls
	f.load()
	return f
}

func (f *staffForm) isNew() bool { return f.id == 0 }

// load reads the directory (and, in Edit, the account) and then builds the form.
func (f *staffForm) load() {
	var dir *app.Directory
	var cur *app.Staff
	var used app.StaffUsage
	f.d.background(func(ctx context.Context) (err error) {
		if f.id != 0 {
			if cur, err = f.d.svc.Staff.Get(ctx, f.id); err != nil {
				return err
			}
		} else if used, err = f.d.svc.Practice.Usage(ctx); err != nil {
			return err
		}
		dir, err = f.d.svc.Directory.Load(ctx)
		return err
	}, func(err error) {
		if f.finished {
			return
		}
		if err != nil {
			f.d.logError(err)
			f.showLoadFailure(err)
			return
		}
		f.dir, f.cur, f.used = dir, cur, used
		if cur != nil {
			f.win.SetTitle(titleEditStaff + " — " + cur.Username)
		}
		f.buildUI()
		f.ready = true
	})
}

// showLoadFailure replaces "Loading…" with what went wrong and a way out.
func (f *staffForm) showLoadFailure(err error) {
	f.cancel = showLoadFailure(f.win, err, f.close)
}

func (f *staffForm) buildUI() {
	f.fields = newFieldSet()
	fs := f.fields

	f.firstName = newEntry(&f.keys, "")
	f.lastName = newEntry(&f.keys, "")
	fs.add(app.FieldFirstName, "First name", true, f.firstName, "")
	fs.add(app.FieldLastName, "Last name", true, f.lastName, "")
	f.order = append(f.order,
		focusTarget{app.FieldFirstName, f.firstName},
		focusTarget{app.FieldLastName, f.lastName})

	var curProvider, curRole, curCareTeamRole int64
	if f.cur != nil {
		curProvider, curRole, curCareTeamRole = f.cur.ProviderID, f.cur.RoleID, f.cur.CareTeamRoleID
	}
	for _, p := range f.dir.Providers {
		if p.Active || p.ID == curProvider {
			f.providers.add(p.ID, p.DisplayName(), p.Active)
		}
	}
	f.provider = newChoice(&f.keys, f.providers.labels, nil)
	providerHint := ""
	if !f.providers.anyActive() {
		f.provider.PlaceHolder = "(No active providers)"
		providerHint = "Add a provider under Providers first."
	}
	fs.add(app.FieldProvider, "Primary Provider", true, f.provider, providerHint)

	// Only roles the manager could give are offered: nobody grants a permission they
	// do not hold (the service refuses it too). The account's own role stays shown.
	for _, r := range f.dir.Roles {
		if r.ID == curRole || (r.Active && f.mayGive(r)) {
			f.roles.add(r.ID, r.Name, r.Active)
		}
	}
	f.role = newChoice(&f.keys, f.roles.labels, nil)
	roleHint := ""
	switch {
	case f.isOwnAccount():
		f.role.Disable()
		roleHint = ownRoleHint
	case !f.roles.anyActive():
		f.role.PlaceHolder = "(No active roles)"
		roleHint = "Add a role under Roles first."
	}
	fs.add(app.FieldRole, "Role", true, f.role, roleHint)
	f.order = append(f.order,
		focusTarget{app.FieldProvider, f.provider},
		focusTarget{app.FieldRole, f.role})

	f.careTeamRoles.add(0, noneOption, true)
	for _, r := range f.dir.CareTeamRoles {
		if r.Active || r.ID == curCareTeamRole {
			f.careTeamRoles.add(r.ID, r.Name, r.Active)
		}
	}
	f.careTeamRole = newChoice(&f.keys, f.careTeamRoles.labels, nil)
	f.careTeamRole.SetSelectedIndex(0)
	fs.add(app.FieldCareTeamRole, "Care Team Role", false, f.careTeamRole, "")

	idTypes := []string{noneOption}
	for _, t := range app.CareTeamIDTypes {
		idTypes = append(idTypes, string(t))
	}
	f.careTeamID = newEntry(&f.keys, "")
	f.careTeamIDType = newChoice(&f.keys, idTypes, f.onCareTeamIDTypeChanged)
	f.careTeamIDType.SetSelectedIndex(0)
	// Both messages of the identifier go under its row; the type comes first so that
	// Tab reaches it before the value, as it is seen.
	idRow := fs.add(app.FieldCareTeamID, "Care Team Identifier", false,
		container.New(layout.NewBorderLayout(nil, nil, f.careTeamIDType, nil), f.careTeamIDType, f.careTeamID), "")
	fs.byName[app.FieldCareTeamIDType] = idRow
	f.order = append(f.order,
		focusTarget{app.FieldCareTeamRole, f.careTeamRole},
		focusTarget{app.FieldCareTeamIDType, f.careTeamIDType},
		focusTarget{app.FieldCareTeamID, f.careTeamID})

	f.username = newEntry(&f.keys, "")
	if f.isNew() {
		f.email = newEntry(&f.keys, "name@example.com")
		fs.add(app.FieldEmail, "Email address", true, f.email, "")
		f.order = append(f.order, focusTarget{app.FieldEmail, f.email})
	} else if f.cur.ActivatedAt.IsZero() {
		// Never activated: a mistyped address is simply corrected, and a Pending account
		// is sent a new activation email at once (StaffService.Update).
		f.email = newEntry(&f.keys, "name@example.com")
		hint := ""
		if f.cur.Status == app.StatusPending {
			hint = "Correcting the address sends a new activation email to it; the code sent to the old one stops working."
		}
		fs.add(app.FieldEmail, "Email address", true, f.email, hint)
		f.order = append(f.order, focusTarget{app.FieldEmail, f.email})
	} else {
		// An address is changed only once its owner proves it with a code (Change Email).
		f.emailChange = newEmailChange(f.d, f.win, f.cur, f.onAccountChanged)
		fs.add(app.FieldEmail, "Email address", true, f.emailChange.content, "")
		f.order = append(f.order, focusTarget{app.FieldEmail, f.emailChange.change})
	}
	fs.add(app.FieldUsername, "Username", true, f.username, "")
	f.order = append(f.order, focusTarget{app.FieldUsername, f.username})
	// The strength of a password depends on the name, email and username it must avoid.
	for _, e := range []*entry{f.firstName, f.lastName, f.email, f.username} {
		if e != nil {
			e.OnChanged = func(string) { f.updateStrength() }
		}
	}

	if f.isNew() {
		f.password = newPasswordEntry(&f.keys, "")
		f.confirm = newPasswordEntry(&f.keys, "")
		f.strength = newStrengthMeter()
		f.password.OnChanged = func(string) {
			// The meter now says what is wrong as the password is typed; the message
			// from the last attempt would only contradict it.
			f.fields.setError(app.FieldPassword, "")
			f.updateStrength()
			f.updateMismatch()
		}
		f.confirm.OnChanged = func(string) { f.updateMismatch() }
		fs.add(app.FieldPassword, "Password", true, container.NewVBox(f.password, f.strength), "")
		fs.add(app.FieldConfirmPassword, "Confirm Password", true, f.confirm, "")
		f.order = append(f.order,
			focusTarget{app.FieldPassword, f.password},
			focusTarget{app.FieldConfirmPassword, f.confirm})
	} else {
		// The manager never sets the password of an existing account: the staff member
		// chooses it with the code from a password reset email.
		f.resetPassword = newButton("Reset Password", theme.MailSendIcon(), widget.MediumImportance, f.onResetPassword)
		fs.add(app.FieldPassword, "Password", false, container.NewHBox(f.resetPassword),
			"Emails a reset code, valid for 72 hours, that the staff member enters under Email → Set a New Password.")
	}

	f.homePhone = newEntry(&f.keys, phonePlaceholder)
	f.cellPhone = newEntry(&f.keys, phonePlaceholder)
	fs.add(app.FieldHomePhone, "Home phone", false, f.homePhone, "")
	fs.add(app.FieldCellPhone, "Cell phone", false, f.cellPhone, "")
	f.order = append(f.order,
		focusTarget{app.FieldHomePhone, f.homePhone},
		focusTarget{app.FieldCellPhone, f.cellPhone})

	fs.heading("Settings")
	f.dailyBilling = newCheck(&f.keys, "", nil)
	fs.add("", "Send daily billing report?", false, f.dailyBilling, "")

	f.unlockPIN = newEntry(&f.keys, "4 digits")
	f.newUnlockPIN = newButton("New PIN", theme.ViewRefreshIcon(), widget.MediumImportance, f.onNewUnlockPIN)
	fs.add(app.FieldUnlockPIN, "App Unlock PIN", true, trailing(f.unlockPIN, f.newUnlockPIN),
		"A four-digit PIN to unlock the StaffDesk apps. You can change it.")
	f.order = append(f.order, focusTarget{app.FieldUnlockPIN, f.unlockPIN})

	if f.isNew() {
		fs.add(app.FieldSupportPIN, "Support PIN", false, widget.NewLabel("The Support PIN will be auto generated."), "")
	} else {
		f.supportPIN = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		f.newSupportPIN = newButton("New Support PIN", theme.ViewRefreshIcon(), widget.MediumImportance, f.onNewSupportPIN)
		fs.add(app.FieldSupportPIN, "Support PIN", false, trailing(f.supportPIN, f.newSupportPIN),
			"A new Support PIN takes effect when you save.")
		f.order = append(f.order, focusTarget{app.FieldSupportPIN, f.newSupportPIN})
	}

	f.restrictOffices = newCheck(&f.keys, "", f.onRestrictOfficesChanged)
	f.officeList = container.NewVBox()
	var curOffices map[int64]bool
	if f.cur != nil {
		curOffices = map[int64]bool{}
		for _, id := range f.cur.OfficeIDs {
			curOffices[id] = true
		}
	}
	// A manager restricted to offices gives only their own; an office of the account's
	// outside theirs is shown, and kept as it is.
	restricted := f.d.me != nil && f.d.me.RestrictOffices
	mine := map[int64]bool{}
	if restricted {
		for _, id := range f.d.me.OfficeIDs {
			mine[id] = true
		}
	}
	fixed := 0
	for _, o := range f.dir.Offices {
		if !o.Active && !curOffices[o.ID] {
			continue
		}
		if restricted && !mine[o.ID] && !curOffices[o.ID] {
			continue
		}
		name := o.Name
		if !o.Active {
			name += inactiveSuffix
		}
		c := newCheck(&f.keys, name, nil)
		isFixed := restricted && !mine[o.ID]
		if isFixed {
			c.Disable()
			fixed++
		}
		f.officeChecks = append(f.officeChecks, c)
		f.officeIDs = append(f.officeIDs, o.ID)
		f.officeFixed = append(f.officeFixed, isFixed)
		f.officeList.Add(c)
	}
	if len(f.officeChecks) == 0 {
		f.officeList.Add(&widget.Label{Text: "There are no active offices. Add one under Offices first.",
			Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance})
	}
	f.officeList.Hide()
	officeHint := ""
	if restricted {
		officeHint = restrictedOfficesHint
		if fixed > 0 {
			officeHint += " " + fixedOfficesHint
		}
	}
	fs.add(app.FieldOffices, "Restrict offices?", false, container.NewVBox(f.restrictOffices, f.officeList), officeHint)
	officeTarget := fyne.Focusable(f.restrictOffices)
	for i, c := range f.officeChecks {
		if !f.officeFixed[i] {
			officeTarget = c
			break
		}
	}
	f.order = append(f.order, focusTarget{app.FieldOffices, officeTarget})

	f.newDashboard = newCheck(&f.keys, "", nil)
	fs.add("", "Use new dashboard?", false, f.newDashboard, "")
	f.emailUpdate = newCheck(&f.keys, "", nil)
	fs.add("", "Enable Email Update", false, f.emailUpdate,
		"Enables/Disables the ability for the user to update their email address in the staff's Account Settings.")
	f.emergencyAccess = newCheck(&f.keys, "", nil)
	fs.add("", "Emergency access", false, f.emergencyAccess, "")

	body := container.NewVBox()
	if f.isNew() {
		note := widget.NewRichTextFromMarkdown("New staff accounts must be activated with the code in an email that will be sent after creating the account (Email → Activate Account).\n\n**Please note:** The activation code will only be valid for 3 days.")
		note.Wrapping = fyne.TextWrapWord
		body.Add(note)
		f.usage = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
		if f.used.Full() {
			f.usage.Importance = widget.DangerImportance
			f.usage.SetText(f.used.Label() + ": the practice's plan allows no more. Deactivate an account, or raise the limit in Practice settings.")
		} else if f.used.Near() {
			f.usage.SetText(f.used.Label() + ".")
		} else {
			f.usage.Hide()
		}
		body.Add(f.usage)
		body.Add(widget.NewSeparator())
	}
	body.Add(fs.container())
	f.scroll = container.NewVScroll(container.NewPadded(body))

	f.summary = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	f.summary.Hide()
	submitText := "Create new staff account"
	submitIcon := theme.ContentAddIcon()
	if !f.isNew() {
		submitText = "Save staff account"
		submitIcon = theme.DocumentSaveIcon()
	}
	f.submit = newButton(submitText, submitIcon, widget.HighImportance, f.onSubmit)
	f.cancel = newButton("Cancel", nil, widget.MediumImportance, f.onCancel)
	f.saveNote = &widget.Label{Wrapping: fyne.TextWrapWord}
	f.saveNote.Hide()
	f.buttonRow = container.NewBorder(nil, nil, nil, container.NewHBox(f.cancel, f.submit), f.saveNote)
	footer := container.NewVBox(widget.NewSeparator(), f.summary, f.buttonRow)
	f.win.SetContent(container.NewBorder(nil, footer, nil, nil, f.scroll))

	if f.isNew() {
		f.dailyBilling.SetChecked(true)
		f.emailUpdate.SetChecked(true)
		if pin, err := app.NewUnlockPIN(); err != nil {
			f.d.logError(err)
		} else {
			f.unlockPIN.SetText(pin)
		}
		if restricted {
			f.restrictOffices.SetChecked(true)
			if len(f.officeChecks) == 1 {
				f.officeChecks[0].SetChecked(true)
			}
		}
	} else {
		f.fill(f.cur)
	}
	if restricted {
		// The people a restricted manager manages are restricted too (the service says so).
		f.restrictOffices.SetChecked(true)
		f.restrictOffices.Disable()
	}
	f.updateStrength()
	f.baseline = f.state()
	f.win.Canvas().Focus(f.firstName)
}

const (
	ownRoleHint           = "You cannot change your own role"
	restrictedOfficesHint = "You work in some offices only, so the people you manage are restricted to offices you work in."
	fixedOfficesHint      = "Offices you do not work in stay as they are."
	pinsHiddenPlaceholder = "Hidden"
	pinsKeptHint          = "Hidden — needs See staff PINs. Saving keeps both PINs as they are."
)

// isOwnAccount reports whether the form edits the signed-in person's own account.
func (f *staffForm) isOwnAccount() bool {
	return f.cur != nil && f.d.me != nil && f.d.me.ID == f.cur.ID
}

// mayGive reports whether the signed-in person holds every permission of role r.
func (f *staffForm) mayGive(r *app.Role) bool {
	return f.d.me != nil && f.d.me.Permissions.Covers(r.Permissions)
}

// trailing lays out control with a button after it: the control stretches and Tab
// reaches it before the button.
func trailing(control, button fyne.CanvasObject) *fyne.Container {
	return container.New(layout.NewBorderLayout(nil, nil, nil, button), control, button)
}

// fill shows the loaded account s in the widgets.
func (f *staffForm) fill(s *app.Staff) {
	f.firstName.SetText(s.FirstName)
	f.lastName.SetText(s.LastName)
	selectID(f.provider, &f.providers, s.ProviderID)
	selectID(f.role, &f.roles, s.RoleID)
	selectID(f.careTeamRole, &f.careTeamRoles, s.CareTeamRoleID)
	if s.CareTeamIDType != app.CareTeamIDNone {
		f.careTeamIDType.SetSelected(string(s.CareTeamIDType))
	}
	f.careTeamID.SetText(s.CareTeamID)
	if f.email != nil {
		f.email.SetText(s.Email)
	}
	f.username.SetText(s.Username)
	f.homePhone.SetText(formatPhone(s.HomePhone))
	f.cellPhone.SetText(formatPhone(s.CellPhone))
	f.dailyBilling.SetChecked(s.SendDailyBilling)
	f.unlockPIN.SetText(s.UnlockPIN)
	f.supportPINValue = s.SupportPIN
	f.supportPIN.SetText(s.SupportPIN)
	if s.PINsHidden {
		// Someone without See staff PINs: nothing to show, and nothing sent (the
		// service keeps the stored PINs of an account submitted with PINsHidden).
		f.unlockPIN.SetPlaceHolder(pinsHiddenPlaceholder)
		f.unlockPIN.Disable()
		f.newUnlockPIN.Disable()
		f.supportPIN.TextStyle = fyne.TextStyle{}
		f.supportPIN.SetText(pinsHiddenText)
		f.newSupportPIN.Disable()
		f.fields.byName[app.FieldUnlockPIN].hint.SetText(pinsKeptHint)
		f.fields.byName[app.FieldSupportPIN].hint.Hide()
	}
	f.restrictOffices.SetChecked(s.RestrictOffices)
	chosen := map[int64]bool{}
	for _, id := range s.OfficeIDs {
		chosen[id] = true
	}
	for i, c := range f.officeChecks {
		c.SetChecked(chosen[f.officeIDs[i]])
	}
	f.newDashboard.SetChecked(s.UseNewDashboard)
	f.emailUpdate.SetChecked(s.EnableEmailUpdate)
	f.emergencyAccess.SetChecked(s.EmergencyAccess)
}

func formatPhone(e164 string) string {
	if e164 == "" {
		return ""
	}
	return app.FormatPhone(e164)
}

func selectID(c *choice, o *options, id int64) {
	if i := o.index(id); i >= 0 {
		c.SetSelectedIndex(i)
	}
}

// staff returns the account as the widgets describe it. Phones go as typed: the
// service normalizes them.
func (f *staffForm) staff() app.Staff {
	var s app.Staff
	if f.cur != nil {
		s = *f.cur
	}
	s.FirstName = f.firstName.Text
	s.LastName = f.lastName.Text
	s.ProviderID = f.providers.id(f.provider.SelectedIndex())
	s.RoleID = f.roles.id(f.role.SelectedIndex())
	s.CareTeamRoleID = f.careTeamRoles.id(f.careTeamRole.SelectedIndex())
	s.CareTeamIDType = app.CareTeamIDNone
	if t := f.careTeamIDType.Selected; t != "" && t != noneOption {
		s.CareTeamIDType = app.CareTeamIDType(t)
	}
	s.CareTeamID = f.careTeamID.Text
	if f.email != nil {
		s.Email = f.email.Text
	}
	s.Username = f.username.Text
	s.HomePhone = f.homePhone.Text
	s.CellPhone = f.cellPhone.Text
	s.SendDailyBilling = f.dailyBilling.Checked
	s.UnlockPIN = f.unlockPIN.Text
	s.SupportPIN = f.supportPINValue
	s.RestrictOffices = f.restrictOffices.Checked
	s.OfficeIDs = nil
	for i, c := range f.officeChecks {
		if c.Checked {
			s.OfficeIDs = append(s.OfficeIDs, f.officeIDs[i])
		}
	}
	s.UseNewDashboard = f.newDashboard.Checked
	s.EnableEmailUpdate = f.emailUpdate.Checked
	s.EmergencyAccess = f.emergencyAccess.Checked
	return s
}

func (f *staffForm) state() formState {
	st := formState{staff: f.staff()}
	if f.isNew() {
		st.password, st.confirm = f.password.Text, f.confirm.Text
	}
	return st
}

// changed reports whether any field differs from what was loaded or defaulted.
func (f *staffForm) changed() bool {
	return f.ready && !reflect.DeepEqual(f.state(), f.baseline)
}

func (f *staffForm) updateStrength() {
	if f.strength == nil {
		return
	}
	so := f.staff()
	if f.strength.set(passwordStrength(f.fields, f.password.Text, app.PasswordContextOf(&so))) {
		f.relayout()
	}
}

// relayout fits the form around rows that appeared, disappeared or changed height.
func (f *staffForm) relayout() {
	if f.fields != nil {
		f.fields.refit(f.scroll)
	}
}

// updateMismatch says at once when the confirmation differs, rather than on submit.
func (f *staffForm) updateMismatch() {
	if showMismatch(f.fields, f.password.Text, f.confirm.Text) {
		f.relayout()
	}
}

// onAccountChanged takes in what Change Email changed (the address, the pending change)
// without touching what the manager is editing, and shows it in the grid.
func (f *staffForm) onAccountChanged(s *app.Staff) {
	if f.cur.Email != s.Email {
		f.cur.Version = s.Version // the confirmed address is this window's own change
	}
	f.cur.Email, f.cur.PendingEmail = s.Email, s.PendingEmail
	f.baseline.staff.Email, f.baseline.staff.PendingEmail = s.Email, s.PendingEmail
	f.relayout()
	f.d.staffSaved(s)
}

// onResetPassword asks, then emails the staff member a code to choose a new password.
// An account changed since the window read it is shown again as it is now; with edits
// of the manager's in the form, they are asked first, as on Save (Reload or Keep my
// changes), rather than losing them.
func (f *staffForm) onResetPassword() {
	s := f.cur
	f.reset = f.d.resetPassword(f.win, s, func(err error) {
		if f.finished {
			return
		}
		if f.changed() {
			f.d.logError(err)
			f.stale = askStale(f.win, err, f.onReload, f.onKeepChanges)
			return
		}
		f.onReload()
		f.d.showReshown(f.win, app.AccountOf(s.FirstName), err)
	})
}

func (f *staffForm) onCareTeamIDTypeChanged(t string) {
	switch app.CareTeamIDType(t) {
	case app.CareTeamIDNPI:
		f.careTeamID.SetPlaceHolder("10-digit NPI")
	case app.CareTeamIDNCSBN:
		f.careTeamID.SetPlaceHolder("NCSBN ID (up to 12 digits)")
	case app.CareTeamIDOther:
		f.careTeamID.SetPlaceHolder("Identifier")
	default:
		f.careTeamID.SetPlaceHolder("Choose the kind of identifier first")
	}
}

func (f *staffForm) onRestrictOfficesChanged(on bool) {
	if on {
		f.officeList.Show()
	} else {
		f.officeList.Hide()
	}
	f.relayout()
}

func (f *staffForm) onNewUnlockPIN() {
	pin, err := app.NewUnlockPIN()
	if err != nil {
		f.d.showError(f.win, app.Internal("generate an App Unlock PIN", err))
		return
	}
	f.unlockPIN.SetText(pin)
	f.fields.setError(app.FieldUnlockPIN, "")
}

func (f *staffForm) onNewSupportPIN() {
	pin, err := app.NewSupportPIN()
	if err != nil {
		f.d.showError(f.win, app.Internal("generate a Support PIN", err))
		return
	}
	f.supportPINValue = pin
	f.supportPIN.SetText(pin)
	f.fields.setError(app.FieldSupportPIN, "")
}

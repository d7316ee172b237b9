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

const titleMyAccount = "My Account"

// emailUpdateOff is what My Account says instead of Change Email when Enable Email
// Update is off for the person.
const emailUpdateOff = "Email update is turned off for your account; ask your manager."

// myAccount is what everyone may do with their own account, with or without
// permissions: see their details and their own PINs, choose a new App Unlock PIN,
// change their password and (when Enable Email Update is on) their email, see and end
// their other sessions, sign out.
type myAccount struct {
	d    *Desk
	win  fyne.Window
	keys formKeys // Enter changes the password; Escape closes
	me   *app.Staff

	scroll  *container.Scroll
	name    *widget.Label
	user    *widget.Label
	role    *widget.Label
	perms   *widget.Label
	offices *widget.Label

	emailRow    *fyne.Container // the address and Change Email, or why not
	emailChange *emailChange    // nil when Enable Email Update is off
	emailOff    *widget.Label

	unlockPIN  *widget.Label
	supportPIN *widget.Label
	choosePIN  *button
	pinAsk     *fieldDialog // Choose a new App Unlock PIN, while shown

	fields    *fieldSet
	current   *entry
	password  *entry
	confirm   *entry
	strength  *strengthMeter
	pwBanner  *widget.Label
	changePw  *button
	pwBusy    bool
	sessions  *fyne.Container // a row per open session
	ending    map[int64]bool  // sessions whose End is under way
	sessBusy  bool
	signOut   *button
	closeBtn  *button
	loaded    bool
	loadError *widget.Label
}

// openMyAccount opens My Account, or brings it forward when open.
func (d *Desk) openMyAccount() { d.showMyAccount() }

// showMyAccount opens My Account and returns it, or nil when it was already open and
// has only been brought forward.
func (d *Desk) showMyAccount() *myAccount {
	return openOnce(d, "my-account", func() (*myAccount, fyne.Window) {
		a := newMyAccount(d)
		return a, a.win
	})
}

func newMyAccount(d *Desk) *myAccount {
	a := &myAccount{d: d, win: d.app.NewWindow(titleMyAccount), ending: map[int64]bool{}}
	a.keys = formKeys{submit: a.onChangePassword, cancel: a.onClose}
	a.keys.attach(a.win)
	a.buildUI()
	a.win.Resize(fyne.NewSize(680, 560))
	a.load()
	return a
}

func caption(text string) *widget.Label {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
}

func (a *myAccount) buildUI() {
	a.name = &widget.Label{Text: "Loading…", Wrapping: fyne.TextWrapWord}
	a.user = &widget.Label{}
	a.role = &widget.Label{}
	a.perms = &widget.Label{Wrapping: fyne.TextWrapWord}
	a.offices = &widget.Label{Wrapping: fyne.TextWrapWord}
	a.emailRow = container.NewVBox()
	a.emailOff = caption(emailUpdateOff)

	a.unlockPIN = &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}}
	a.supportPIN = &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}}
	a.choosePIN = newButton("Choose a new App Unlock PIN", nil, widget.MediumImportance, a.onChoosePIN)
	a.choosePIN.Disable()

	a.current = newPasswordEntry(&a.keys, "")
	a.password = newPasswordEntry(&a.keys, "")
	a.confirm = newPasswordEntry(&a.keys, "")
	a.strength = newStrengthMeter()
	a.current.OnChanged = func(string) { a.fields.setError(app.FieldCurrentPassword, "") }
	a.password.OnChanged = func(string) {
		a.fields.setError(app.FieldPassword, "")
		a.updateStrength()
		a.updateMismatch()
	}
	a.confirm.OnChanged = func(string) { a.updateMismatch() }
	a.pwBanner = newBanner()
	a.changePw = newButton("Change password", nil, widget.MediumImportance, a.onChangePassword)
	a.sessions = container.NewVBox(caption("Loading…"))

	// One form, so that every section's labels line up.
	fs := newFieldSet()
	a.fields = fs
	fs.heading("Your account")
	fs.add("", "Name", false, a.name, "")
	fs.add("", "Username", false, a.user, "")
	fs.add(app.FieldEmail, "Email", false, a.emailRow, "")
	fs.add("", "Role", false, a.role, "")
	fs.add("", "Permissions", false, a.perms, "")
	fs.add("", "Offices", false, a.offices, "")
	fs.heading("Your PINs")
	fs.add(app.FieldUnlockPIN, "App Unlock PIN", false, container.NewHBox(a.unlockPIN, a.choosePIN),
		"Opens the practice's mobile apps.")
	fs.add(app.FieldSupportPIN, "Support PIN", false, a.supportPIN,
		"The practice's support staff ask for it to know it is you.")
	fs.heading("Change your password")
	fs.add(app.FieldCurrentPassword, "Current password", false, a.current, "")
	fs.add(app.FieldPassword, "New password", false, container.NewVBox(a.password, a.strength), "")
	fs.add(app.FieldConfirmPassword, "Confirm password", false, a.confirm,
		"Your other sessions are signed out: sign in there again with the new password.")
	fs.add("", "", false, container.NewVBox(a.pwBanner, container.NewHBox(a.changePw)), "")
	fs.heading("Your sessions")
	fs.add("", "Signed in at", false, a.sessions, "End a session you no longer use: its window returns to Sign in.")

	a.loadError = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	a.loadError.Hide()

	body := container.NewVBox(a.loadError, fs.container())
	a.scroll = container.NewVScroll(container.NewPadded(body))
	a.signOut = newButton("Sign out", theme.LogoutIcon(), widget.MediumImportance, a.d.signOut)
	a.closeBtn = newButton("Close", nil, widget.MediumImportance, a.onClose)
	footer := container.NewVBox(widget.NewSeparator(), container.NewHBox(a.signOut, layout.NewSpacer(), a.closeBtn))
	a.win.SetContent(container.NewBorder(nil, footer, nil, nil, a.scroll))
}

// load reads the person's account and their sessions.
func (a *myAccount) load() {
	var me *app.Staff
	var sessions []*app.Session
	a.d.background(func(ctx context.Context) (err error) {
		if me, err = a.d.svc.Session.Me(ctx); err != nil {
			return err
		}
		sessions, err = a.d.svc.Session.Sessions(ctx)
		return err
	}, func(err error) {
		if err != nil {
			a.d.logError(err)
			a.loadError.SetText(app.ErrorMessage(err))
			a.loadError.Show()
			return
		}
		a.loadError.Hide()
		a.show(me)
		a.showSessions(sessions)
	})
}

// show fills the window from me.
func (a *myAccount) show(me *app.Staff) {
	a.me, a.loaded = me, true
	a.name.SetText(me.FullName())
	a.user.SetText(me.Username)
	a.role.SetText(orDash(me.RoleName))
	a.perms.SetText(me.Permissions.Labels())
	if me.RestrictOffices {
		a.offices.SetText(orDash(strings.Join(me.OfficeNames, ", ")))
	} else {
		a.offices.SetText("All offices")
	}
	if me.EnableEmailUpdate {
		if a.emailChange == nil {
			a.emailChange = newEmailChange(a.d, a.win, me, a.onEmailChanged)
			a.emailRow.Objects = []fyne.CanvasObject{a.emailChange.content}
		} else {
			a.emailChange.show(me)
		}
	} else {
		a.emailChange = nil
		a.emailRow.Objects = []fyne.CanvasObject{widget.NewLabel(me.Email), a.emailOff}
	}
	a.emailRow.Refresh()
	a.unlockPIN.SetText(orDash(me.UnlockPIN))
	a.supportPIN.SetText(orDash(me.SupportPIN))
	a.choosePIN.Enable()
	a.fields.refit(a.scroll)
}

// onEmailChanged follows a change of address started (or confirmed) here.
func (a *myAccount) onEmailChanged(s *app.Staff) {
	a.d.mailChanged()
	a.me = s
}

// showSessions lists the open sessions, End on each but this one.
func (a *myAccount) showSessions(sessions []*app.Session) {
	now := time.Now()
	rows := make([]fyne.CanvasObject, 0, len(sessions))
	for _, s := range sessions {
		desk := s.Desk
		if desk == "" {
			desk = "A StaffDesk with no name"
		}
		what := widget.NewLabelWithStyle(desk, fyne.TextAlignLeading, fyne.TextStyle{Bold: s.Current})
		when := caption(fmt.Sprintf("Signed in %s · last seen %s", shortTime(s.StartedAt, now), shortTime(s.LastSeenAt, now)))
		var action fyne.CanvasObject
		if s.Current {
			action = widget.NewLabelWithStyle("This session", fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})
		} else {
			id := s.ID
			end := newButton("End", nil, widget.MediumImportance, func() { a.onEndSession(id) })
			if a.ending[id] {
				end.Disable()
			}
			action = container.NewCenter(end)
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, action, container.NewVBox(what, when)))
	}
	a.sessions.Objects = rows
	a.sessions.Refresh()
	a.fitContent()
}

func (a *myAccount) onEndSession(id int64) {
	if a.ending[id] {
		return
	}
	a.ending[id] = true
	var sessions []*app.Session
	a.d.background(func(ctx context.Context) error {
		err := a.d.svc.Session.EndSession(ctx, id)
		if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
			return err // ENOTFOUND: it ended meanwhile; list what is open
		}
		sessions, err = a.d.svc.Session.Sessions(ctx)
		return err
	}, func(err error) {
		delete(a.ending, id)
		if err != nil {
			a.d.showError(a.win, err)
			return
		}
		a.showSessions(sessions)
	})
}

func (a *myAccount) onChoosePIN() {
	if a.me == nil {
		return
	}
	a.pinAsk = newFieldDialog(a.d, a.win, "Choose a New App Unlock PIN",
		"Four digits you will remember, not easy to guess (not 1234 or your birth year).",
		app.FieldUnlockPIN, "New App Unlock PIN",
		func(keys *formKeys) *entry { return newEntry(keys, "4 digits") }, "Save PIN",
		func(ctx context.Context, pin string) (*app.Staff, error) {
			return a.d.svc.Session.SetUnlockPIN(ctx, strings.TrimSpace(pin))
		},
		func(s *app.Staff) {
			a.pinAsk = nil
			a.show(s)
		})
}

func (a *myAccount) updateStrength() {
	var pc app.PasswordContext
	if a.me != nil {
		pc = app.PasswordContext{Username: a.me.Username, FirstName: a.me.FirstName, LastName: a.me.LastName, Email: a.me.Email}
	}
	if a.strength.set(passwordStrength(a.fields, a.password.Text, pc)) {
		a.fields.refit(a.scroll)
	}
}

func (a *myAccount) updateMismatch() {
	if showMismatch(a.fields, a.password.Text, a.confirm.Text) {
		a.fields.refit(a.scroll)
	}
}

func (a *myAccount) onChangePassword() {
	if a.pwBusy {
		return
	}
	a.pwBusy = true
	setEnabled(false, a.changePw)
	current, pw, again := a.current.Text, a.password.Text, a.confirm.Text
	var sessions []*app.Session
	changed := false
	a.d.background(func(ctx context.Context) (err error) {
		if err = a.d.svc.Session.ChangePassword(ctx, current, pw, again); err != nil {
			return err
		}
		changed = true
		sessions, err = a.d.svc.Session.Sessions(ctx)
		return err
	}, func(err error) {
		a.pwBusy = false
		setEnabled(true, a.changePw)
		if !changed {
			a.d.showCodeProblems(a.win, a.fields, a.pwBanner, err)
			if a.fields.errorOf(app.FieldConfirmPassword) == "" {
				a.updateMismatch()
			}
			a.updateStrength()
			a.fields.refit(a.scroll)
			a.focusPasswordProblem()
			return
		}
		a.fields.clearErrors()
		for _, e := range []*entry{a.current, a.password, a.confirm} {
			e.SetText("")
		}
		setBanner(a.pwBanner, "Your password was changed. Your other sessions were signed out.", widget.SuccessImportance)
		a.fields.refit(a.scroll)
		a.d.mailChanged() // the "your password was changed" email is on its way
		if err != nil {
			a.d.logError(err) // the list stays as it was; the change is made
			return
		}
		a.showSessions(sessions)
	})
}

func (a *myAccount) focusPasswordProblem() {
	for _, t := range []focusTarget{{app.FieldCurrentPassword, a.current}, {app.FieldPassword, a.password},
		{app.FieldConfirmPassword, a.confirm}} {
		if a.fields.errorOf(t.field) != "" {
			a.win.Canvas().Focus(t.target)
			return
		}
	}
}

// fitContent lays the form out again around rows that came or went.
func (a *myAccount) fitContent() { a.fields.refit(a.scroll) }

func (a *myAccount) onClose() { a.win.Close() }

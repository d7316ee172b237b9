package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

const titleSetup = "Set Up Your Practice — StaffDesk"

// Set up your practice: the practice's name and staff account limit, its first
// provider and the practice administrator's own account on the first run; on the first
// start after an upgrade from a release without sign-in, the administrator is an
// existing account (given a new password) or a new one. Nothing else opens until it is
// done; the administrator is then signed in.

// The upgrade's two ways to an administrator.
const (
	adminExisting = "Choose an existing account"
	adminNew      = "Create a new administrator account"
)

// Provider fields of Set up your practice, as app.PracticeService.SetUp names them.
const (
	fieldProviderFirstName   = "provider_" + app.FieldFirstName
	fieldProviderLastName    = "provider_" + app.FieldLastName
	fieldProviderCredentials = "provider_" + app.FieldCredentials
	fieldProviderNPI         = "provider_" + app.FieldNPI
)

type setupWindow struct {
	d     *Desk
	win   fyne.Window
	state app.SetupState
	keys  formKeys // Enter sets up

	fields *fieldSet
	scroll *container.Scroll
	banner *widget.Label

	name      *entry
	unlimited *check
	limit     *entry

	provFirst, provLast, provCredentials, provNPI *entry

	// The upgrade: an existing account or a new one.
	mode       *widget.RadioGroup
	candidates []app.SetupCandidate
	candidate  *choice
	providers  []*app.Provider // the active ones, for the new account's primary provider
	provider   *choice
	existing   []*field // the rows of adminExisting
	created    []*field // the rows of adminNew

	first, last, email, username *entry
	password, confirm            *entry
	strength                     *strengthMeter

	submit, quit *button
	busy         bool
}

// showSetup opens Set up your practice for state (SetupNew or SetupUpgrade).
func (d *Desk) showSetup(state app.SetupState) *setupWindow {
	w := &setupWindow{d: d, win: d.app.NewWindow(titleSetup), state: state}
	w.keys = formKeys{submit: w.onSetUp}
	w.keys.attach(w.win)
	w.buildUI()
	// Closing it quits: nothing else can open until the practice is set up.
	w.win.SetCloseIntercept(d.app.Quit)
	d.setup = w
	w.win.Resize(fyne.NewSize(760, 700))
	d.fitToScreen(w.win, fyne.NewSize(760, 700))
	w.win.Show()
	if state == app.SetupUpgrade {
		w.loadCandidates()
	}
	return w
}

func (w *setupWindow) buildUI() {
	title := widget.NewLabelWithStyle("Set up your practice", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	introText := "Welcome to StaffDesk. Name your practice, add its first provider and create your own account: " +
		"you will be the practice administrator, with every permission."
	if w.state == app.SetupUpgrade {
		introText = "This StaffDesk now signs people in, and someone must administer it: choose an existing account " +
			"and give it a new password, or create a new administrator account. Nothing else opens until this is done."
	}
	intro := &widget.Label{Text: introText, Wrapping: fyne.TextWrapWord}

	fs := newFieldSet()
	w.fields = fs
	fs.heading("The practice")
	w.name = newEntry(&w.keys, "")
	fs.add(app.FieldPracticeName, "Practice name", true, w.name, "")
	w.limit = newEntry(&w.keys, "Number of accounts")
	w.limit.Disable()
	w.unlimited = newCheck(&w.keys, "Unlimited", func(on bool) {
		if on {
			w.limit.Disable()
			w.fields.setError(app.FieldStaffLimit, "")
		} else {
			w.limit.Enable()
			w.win.Canvas().Focus(w.limit)
		}
	})
	w.unlimited.SetChecked(true)
	fs.add(app.FieldStaffLimit, "Staff account limit", false, container.NewBorder(nil, nil, w.unlimited, nil, w.limit),
		"How many staff accounts the practice's plan allows. Pending and active accounts count; inactive ones do not.")

	if w.state == app.SetupNew {
		fs.heading("The first provider")
		w.provFirst = newEntry(&w.keys, "")
		w.provLast = newEntry(&w.keys, "")
		w.provCredentials = newEntry(&w.keys, "MD, DO, NP …")
		w.provNPI = newEntry(&w.keys, "10 digits")
		fs.add(fieldProviderFirstName, "First name", true, w.provFirst, "")
		fs.add(fieldProviderLastName, "Last name", true, w.provLast, "")
		fs.add(fieldProviderCredentials, "Credentials", false, w.provCredentials, "")
		fs.add(fieldProviderNPI, "NPI", false, w.provNPI, "")
		fs.heading("Your account")
	} else {
		fs.heading("The practice administrator")
		w.mode = widget.NewRadioGroup([]string{adminExisting, adminNew}, w.onMode)
		w.mode.Required = true
		fs.add("", "Administrator", false, w.mode, "")
		w.candidate = newChoice(&w.keys, nil, nil)
		w.candidate.PlaceHolder = "Loading accounts…"
		w.existing = append(w.existing, fs.add(app.FieldAdministrator, "Account", true, w.candidate,
			"Becomes the practice administrator, with every permission, and signs in with the password below."))
	}
	w.first = newEntry(&w.keys, "")
	w.last = newEntry(&w.keys, "")
	w.email = newEntry(&w.keys, "name@example.com")
	w.username = newEntry(&w.keys, "")
	w.username.OnChanged = func(string) { w.updateStrength() }
	w.created = append(w.created,
		fs.add(app.FieldFirstName, "First name", true, w.first, ""),
		fs.add(app.FieldLastName, "Last name", true, w.last, ""),
		fs.add(app.FieldEmail, "Email address", true, w.email, ""),
		fs.add(app.FieldUsername, "Username", true, w.username, "What you type to sign in, with your password."))
	if w.state == app.SetupUpgrade {
		w.provider = newChoice(&w.keys, nil, nil)
		w.created = append(w.created, fs.add(app.FieldProvider, "Primary provider", true, w.provider, ""))
	}
	w.password = newPasswordEntry(&w.keys, "")
	w.confirm = newPasswordEntry(&w.keys, "")
	w.strength = newStrengthMeter()
	w.password.OnChanged = func(string) {
		w.fields.setError(app.FieldPassword, "")
		w.updateStrength()
		w.updateMismatch()
	}
	w.confirm.OnChanged = func(string) { w.updateMismatch() }
	fs.add(app.FieldPassword, "Password", true, container.NewVBox(w.password, w.strength), "")
	fs.add(app.FieldConfirmPassword, "Confirm password", true, w.confirm, "")

	w.banner = newBanner()
	w.submit = newButton("Set up and sign in", theme.ConfirmIcon(), widget.HighImportance, w.onSetUp)
	w.quit = newButton("Quit", nil, widget.MediumImportance, w.d.app.Quit)

	body := container.NewVBox(title, intro, widget.NewSeparator(), fs.container(), w.banner)
	w.scroll = container.NewVScroll(container.NewPadded(body))
	footer := container.NewVBox(widget.NewSeparator(), formButtons(w.quit, w.submit))
	w.win.SetContent(container.NewBorder(nil, footer, nil, nil, w.scroll))
	if w.mode != nil {
		w.mode.SetSelected(adminExisting)
	}
	w.win.Canvas().Focus(w.name)
}

// onMode shows the rows of the chosen way to an administrator.
func (w *setupWindow) onMode(mode string) {
	for _, f := range w.existing {
		showField(f, mode != adminNew)
	}
	for _, f := range w.created {
		showField(f, mode == adminNew)
	}
	w.updateStrength()
	w.fields.refit(w.scroll)
}

// showField shows or hides a form row, its label with it.
func showField(f *field, on bool) {
	if on {
		f.label.Show()
		f.cell.Show()
	} else {
		f.label.Hide()
		f.cell.Hide()
	}
}

// loadCandidates fills the upgrade's choices: the active accounts, and the providers
// a new account can have.
func (w *setupWindow) loadCandidates() {
	var cands []app.SetupCandidate
	var dir *app.Directory
	w.d.background(func(ctx context.Context) (err error) {
		cands, dir, err = w.d.svc.Practice.Candidates(ctx)
		return err
	}, func(err error) {
		if err != nil {
			w.d.showError(w.win, err)
			return
		}
		w.candidates = cands
		names := make([]string, len(cands))
		for i, c := range cands {
			names[i] = candidateLabel(c)
		}
		w.candidate.PlaceHolder = "(Select one)"
		if len(cands) == 0 {
			w.candidate.PlaceHolder = "No active accounts"
			w.mode.SetSelected(adminNew)
		}
		w.candidate.SetOptions(names)
		w.providers = nil
		var provNames []string
		for _, p := range dir.Providers {
			if p.Active {
				w.providers = append(w.providers, p)
				provNames = append(provNames, p.DisplayName())
			}
		}
		w.provider.SetOptions(provNames)
		if len(w.providers) == 1 {
			w.provider.SetSelectedIndex(0)
		}
	})
}

// candidateLabel is how an account is offered: "Grace Kim (gkim), Office Manager".
func candidateLabel(c app.SetupCandidate) string {
	s := fmt.Sprintf("%s (%s)", c.Name, c.Username)
	if c.RoleName != "" {
		s += ", " + c.RoleName
	}
	return s
}

func (w *setupWindow) choosing() bool { return w.mode != nil && w.mode.Selected != adminNew }

func (w *setupWindow) passwordContext() app.PasswordContext {
	if w.choosing() {
		if i := w.candidate.SelectedIndex(); i >= 0 && i < len(w.candidates) {
			return app.PasswordContext{Username: w.candidates[i].Username}
		}
		return app.PasswordContext{}
	}
	return app.PasswordContext{Username: strings.TrimSpace(w.username.Text), FirstName: strings.TrimSpace(w.first.Text),
		LastName: strings.TrimSpace(w.last.Text), Email: strings.TrimSpace(w.email.Text)}
}

func (w *setupWindow) updateStrength() {
	if w.strength.set(passwordStrength(w.fields, w.password.Text, w.passwordContext())) {
		w.fields.refit(w.scroll)
	}
}

func (w *setupWindow) updateMismatch() {
	if showMismatch(w.fields, w.password.Text, w.confirm.Text) {
		w.fields.refit(w.scroll)
	}
}

// staffLimit reads the limit: 0 for Unlimited.
func (w *setupWindow) staffLimit() (int, bool) {
	if w.unlimited.Checked {
		return 0, true
	}
	n, err := strconv.Atoi(strings.TrimSpace(w.limit.Text))
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

// request is what the form says, for app.PracticeService.SetUp.
func (w *setupWindow) request(limit int) *app.PracticeSetup {
	in := &app.PracticeSetup{Name: w.name.Text, StaffLimit: limit, Desk: w.d.deskName}
	in.Admin.Password, in.Admin.ConfirmPassword = w.password.Text, w.confirm.Text
	if w.state == app.SetupNew {
		in.Provider = app.Provider{FirstName: w.provFirst.Text, LastName: w.provLast.Text,
			Credentials: w.provCredentials.Text, NPI: w.provNPI.Text}
	}
	if w.choosing() {
		if i := w.candidate.SelectedIndex(); i >= 0 && i < len(w.candidates) {
			in.AdminID = w.candidates[i].ID
		}
		return in
	}
	in.Admin.Staff = app.Staff{FirstName: w.first.Text, LastName: w.last.Text, Email: w.email.Text,
		Username: w.username.Text, EnableEmailUpdate: true}
	if w.provider != nil {
		if i := w.provider.SelectedIndex(); i >= 0 && i < len(w.providers) {
			in.Admin.ProviderID = w.providers[i].ID
		}
	}
	return in
}

func (w *setupWindow) onSetUp() {
	if w.busy {
		return
	}
	limit, ok := w.staffLimit()
	if !ok {
		w.fields.clearErrors()
		w.fields.setError(app.FieldStaffLimit, "Enter how many staff accounts the plan allows, or tick Unlimited.")
		w.fields.refit(w.scroll)
		w.win.Canvas().Focus(w.limit)
		return
	}
	if w.choosing() && w.candidate.SelectedIndex() < 0 {
		w.fields.clearErrors()
		w.fields.setError(app.FieldAdministrator, "Choose the account that administers the practice.")
		w.fields.refit(w.scroll)
		return
	}
	req := w.request(limit)
	w.setBusy(true)
	var in *app.SignedIn
	w.d.background(func(ctx context.Context) (err error) {
		in, err = w.d.svc.Practice.SetUp(ctx, req)
		return err
	}, func(err error) {
		w.setBusy(false)
		if app.ErrorCode(err) == app.ECONFLICT && len(app.ErrorFields(err)) == 0 {
			// Set up on another desk meanwhile: sign in with the account made there.
			w.d.showSignIn(app.ErrorMessage(err))
			w.close()
			return
		}
		if err != nil {
			w.d.showCodeProblems(w.win, w.fields, w.banner, err)
			if w.fields.errorOf(app.FieldConfirmPassword) == "" {
				w.updateMismatch()
			}
			w.updateStrength()
			w.fields.refit(w.scroll)
			return
		}
		w.d.enter(in)
		w.close()
	})
}

func (w *setupWindow) setBusy(busy bool) {
	w.busy = busy
	if busy {
		w.submit.SetText("Setting up…")
	} else {
		w.submit.SetText("Set up and sign in")
	}
	setEnabled(!busy, w.submit)
}

func (w *setupWindow) close() {
	if w.d.setup == w {
		w.d.setup = nil
	}
	w.win.Close()
}

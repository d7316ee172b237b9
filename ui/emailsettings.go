package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/staffdesk/staffdesk/app"
)

const titleEmailSettings = "Email Settings"

// securityLabel is how the window shows s; an unknown value shows as the first choice.
func securityLabel(s app.MailSecurity) string {
	for _, o := range app.MailSecurities {
		if o == s {
			return o.Label()
		}
	}
	return app.MailSecurities[0].Label()
}

// securityOf is the security the window shows as label, and its usual port.
func securityOf(label string) (app.MailSecurity, int) {
	for _, o := range app.MailSecurities {
		if o.Label() == label {
			return o, o.DefaultPort()
		}
	}
	return app.MailStartTLS, app.MailStartTLS.DefaultPort()
}

// isUsualPort reports whether port is empty or one the window would suggest, so that
// choosing another security may replace it without undoing something the person typed.
func isUsualPort(port string) bool {
	port = strings.TrimSpace(port)
	if port == "" {
		return true
	}
	for _, o := range app.MailSecurities {
		if port == strconv.Itoa(o.DefaultPort()) {
			return true
		}
	}
	return false
}

// openEmailSettings opens Settings → Email, or brings it forward when open.
func (d *Desk) openEmailSettings() { d.showEmailSettings() }

// showEmailSettings opens the window and returns it, or nil when it was already open
// and has only been brought forward.
func (d *Desk) showEmailSettings() *emailSettingsWindow {
	return openOnce(d, "email-settings", func() (*emailSettingsWindow, fyne.Window) {
		built := newEmailSettingsWindow(d)
		return built, built.win
	})
}

// emailSettingsWindow is Settings → Email: the mail server, the sender, what the
// emails say, and Send test email.
type emailSettingsWindow struct {
	d        *Desk
	win      fyne.Window
	keys     formKeys // Enter saves, Escape closes
	testKeys formKeys // in the test recipient: Enter sends the test email

	state    *app.EmailSettingsState // the last load; nil until it arrives
	baseline app.EmailSettings       // what the form showed when loaded or saved
	fields   *fieldSet

	outside       *fyne.Container // the "set from outside" banner
	host, port    *entry
	security      *choice
	username      *entry
	password      *entry
	passwordState *widget.Label
	forget        *button
	fromName      *entry
	fromAddress   *entry
	practice      *entry
	testTo        *entry
	sendTest      *button
	activity      *widget.Activity
	testResult    *widget.Label
	saved         *widget.Label // "Settings saved." after a save
	save, close   *button

	keychainAsk *dialog.ConfirmDialog // "keep the password in a file?" while shown
	forgetAsk   *dialog.ConfirmDialog // "forget the password?" while shown
	discardAsk  *dialog.ConfirmDialog // "discard changes?" while shown
	busy        bool                  // a save is under way
	sending     bool                  // a test email is under way
	closed      bool
}

func newEmailSettingsWindow(d *Desk) *emailSettingsWindow {
	w := &emailSettingsWindow{d: d, win: d.app.NewWindow(titleEmailSettings)}
	w.keys = formKeys{submit: w.onSave, cancel: w.onClose}
	w.testKeys = formKeys{submit: w.onSendTest, cancel: w.onClose}
	w.keys.attach(w.win)
	w.win.SetCloseIntercept(w.onClose)
	w.win.SetContent(container.NewCenter(widget.NewLabel("Loading…")))
	w.win.Resize(fyne.NewSize(680, 600)) // fits a 1024×640 screen; the form scrolls
	w.load()
	return w
}

// load reads the settings in the background and then builds the form.
func (w *emailSettingsWindow) load() {
	var st *app.EmailSettingsState
	w.d.background(func(ctx context.Context) (err error) {
		st, err = w.d.svc.EmailSettings.Load(ctx)
		return err
	}, func(err error) {
		if w.closed {
			return
		}
		if err != nil {
			w.d.logError(err)
			w.close = showLoadFailure(w.win, err, w.win.Close)
			return
		}
		if w.fields == nil {
			w.buildUI()
		}
		w.show(st)
	})
}

func (w *emailSettingsWindow) buildUI() {
	w.fields = newFieldSet()
	fs := w.fields

	outsideText := &widget.Label{Wrapping: fyne.TextWrapWord, Text: "These settings are set from outside StaffDesk " +
		"(--smtp or STAFFDESK_SMTP), so the server, sign-in and sender are shown but cannot be changed here. " +
		"The practice name can still be changed."}
	w.outside = infoBar(theme.InfoIcon(), theme.ColorNamePrimary, outsideText)

	fs.heading("Mail server")
	w.host = newEntry(&w.keys, "smtp.example.com")
	fs.add(app.FieldSMTPHost, "Server", true, w.host, "")
	w.port = newEntry(&w.keys, "587")
	fs.add(app.FieldSMTPPort, "Port", false, w.port, "Usually 587 for STARTTLS, 465 for TLS on connect.")
	labels := make([]string, len(app.MailSecurities))
	for i, o := range app.MailSecurities {
		labels[i] = o.Label()
	}
	w.security = newChoice(&w.keys, labels, w.onSecurity)
	fs.add(app.FieldSMTPSecurity, "Security", true, w.security, "")
	w.username = newEntry(&w.keys, "")
	fs.add(app.FieldSMTPUsername, "User name", false, w.username, "Leave empty if the server takes mail without signing in.")
	w.password = newPasswordEntry(&w.keys, "")
	w.passwordState = &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
	w.forget = newButton("Forget password", nil, widget.MediumImportance, w.onForget)
	passwordCell := container.NewVBox(w.password, container.NewBorder(nil, nil, nil, w.forget, w.passwordState))
	fs.add(app.FieldSMTPPassword, "Password", false, passwordCell, "")

	fs.heading("Sender")
	w.fromName = newEntry(&w.keys, "Valley Family Practice")
	fs.add(app.FieldSMTPFromName, "From name", false, w.fromName, "")
	w.fromAddress = newEntry(&w.keys, "office@example.com")
	fs.add(app.FieldSMTPFromAddress, "From address", true, w.fromAddress, "")

	fs.heading("The emails")
	w.practice = newEntry(&w.keys, "Valley Family Practice")
	fs.add(app.FieldPracticeName, "Practice name", false, w.practice,
		"Used in the emails, like “Activate your Valley Family Practice staff account”.")

	fs.heading("Test")
	w.testTo = newEntry(&w.testKeys, "")
	w.sendTest = newButton("Send test email", theme.MailSendIcon(), widget.MediumImportance, w.onSendTest)
	w.activity = widget.NewActivity()
	w.activity.Hide()
	w.testResult = &widget.Label{Wrapping: fyne.TextWrapWord}
	w.testResult.Hide()
	testRow := container.NewBorder(nil, nil, nil, container.NewHBox(w.activity, w.sendTest), w.testTo)
	fs.add(app.FieldTestEmailTo, "Send to", false, container.NewVBox(testRow, w.testResult),
		"Sends one email now with the saved settings; unsaved changes are saved first.")

	w.saved = &widget.Label{Importance: widget.SuccessImportance}
	w.saved.Hide()
	w.save = newButton("Save", nil, widget.HighImportance, w.onSave)
	w.close = newButton("Close", nil, widget.MediumImportance, w.onClose)
	buttons := container.NewHBox(w.saved, layout.NewSpacer(), w.close, w.save)

	form := container.NewVBox(w.outside, container.NewPadded(fs.container()))
	w.win.SetContent(container.NewBorder(nil, container.NewPadded(buttons), nil, nil, container.NewVScroll(form)))
	for _, e := range []*entry{w.host, w.port, w.username, w.password, w.fromName, w.fromAddress, w.practice} {
		e.OnChanged = w.onEdited
	}
}

// infoBar is a strip tinted with the theme colour c, an icon before its content, for a
// message that concerns the whole window.
func infoBar(icon fyne.Resource, c fyne.ThemeColorName, content fyne.CanvasObject) *fyne.Container {
	r, g, b, _ := theme.Color(c).RGBA()
	bg := canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x40})
	bg.CornerRadius = theme.InputRadiusSize()
	row := container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil, content)
	return container.NewStack(bg, container.NewPadded(row))
}

// show fills the form from st and makes it the baseline of unsaved changes.
func (w *emailSettingsWindow) show(st *app.EmailSettingsState) {
	w.state = st
	s := st.Settings
	w.host.SetText(s.Host)
	w.port.SetText("")
	if s.Port != 0 {
		w.port.SetText(strconv.Itoa(s.Port))
	}
	w.security.SetSelected(securityLabel(s.Security))
	w.username.SetText(s.Username)
	w.password.SetText("")
	w.fromName.SetText(s.FromName)
	w.fromAddress.SetText(s.FromAddress)
	w.practice.SetText(s.PracticeName)
	w.testTo.PlaceHolder = s.FromAddress
	w.testTo.Refresh()
	w.baseline = w.settings()

	switch {
	case st.FromOutside && st.PasswordStored:
		w.passwordState.SetText("The password comes with the outside settings.")
	case st.PasswordInFile:
		w.passwordState.SetText("A password is stored in a file readable only by you: " + st.PasswordFile)
	case st.PasswordStored:
		w.passwordState.SetText("A password is stored in the keychain. Leave this empty to keep it.")
	default:
		w.passwordState.SetText("No password is stored.")
	}
	if st.PasswordStored && !st.FromOutside {
		w.password.PlaceHolder = "(unchanged)"
		w.forget.Show()
	} else {
		w.password.PlaceHolder = ""
		w.forget.Hide()
	}
	w.password.Refresh()

	setVisible(w.outside, st.FromOutside)
	for _, o := range []fyne.Disableable{w.host, w.port, w.security, w.username, w.password, w.fromName, w.fromAddress} {
		if st.FromOutside {
			o.Disable()
		} else {
			o.Enable()
		}
	}
}

// settings are the form's values as the service takes them. A port that is not a
// number is sent as -1 so that the service's message about ports is shown under it.
func (w *emailSettingsWindow) settings() app.EmailSettings {
	security, _ := securityOf(w.security.Selected)
	port := 0
	if p := strings.TrimSpace(w.port.Text); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			n = -1
		}
		port = n
	}
	return app.EmailSettings{Host: w.host.Text, Port: port, Security: security, Username: w.username.Text,
		Password: w.password.Text, FromName: w.fromName.Text, FromAddress: w.fromAddress.Text,
		PracticeName: w.practice.Text}
}

// changed reports whether the form holds something not saved.
func (w *emailSettingsWindow) changed() bool {
	return w.fields != nil && w.settings() != w.baseline
}

func (w *emailSettingsWindow) onEdited(string) { w.saved.Hide() }

// onSecurity suggests the port that goes with the chosen security, unless the person
// typed a port of their own.
func (w *emailSettingsWindow) onSecurity(label string) {
	if w.port == nil {
		return
	}
	if _, port := securityOf(label); isUsualPort(w.port.Text) {
		w.port.SetText(strconv.Itoa(port))
	}
	w.saved.Hide()
}

func (w *emailSettingsWindow) onSave() { w.saveThen(app.SaveEmailOptions{}, nil) }

// saveThen saves the form with opt and runs then after a successful save. When the
// keychain does not answer, it asks whether to keep the password in a file instead.
func (w *emailSettingsWindow) saveThen(opt app.SaveEmailOptions, then func()) {
	if w.fields == nil || w.busy {
		return
	}
	in := w.settings()
	if opt.ForgetPassword {
		in = w.baseline // forget only the password, not half-typed changes
		in.Password = ""
	}
	w.busy = true
	w.save.Disable()
	w.saved.Hide()
	w.d.background(func(ctx context.Context) error {
		return w.d.svc.EmailSettings.Save(ctx, in, opt)
	}, func(err error) {
		w.busy = false
		w.save.Enable()
		if w.closed {
			return
		}
		if err != nil {
			w.onSaveFailed(err, opt, then)
			return
		}
		w.fields.clearErrors()
		if !opt.ForgetPassword {
			w.baseline = in
		}
		w.saved.SetText("Settings saved.")
		if opt.ForgetPassword {
			w.saved.SetText("The password was forgotten.")
		}
		w.saved.Show()
		w.d.mailChanged()
		w.reloadState(then)
	})
}

func (w *emailSettingsWindow) onSaveFailed(err error, opt app.SaveEmailOptions, then func()) {
	w.d.logError(err)
	if errors.Is(err, app.ErrNoKeychain) && !opt.PasswordInFile {
		w.keychainAsk = newConfirm("Keep the password in a file?",
			"This computer's keychain did not answer, so the password was not saved.\n\n"+
				"StaffDesk can keep it instead in a file that only you can read:\n"+w.d.svc.EmailSettings.PasswordFile(),
			func(ok bool) {
				w.keychainAsk = nil
				if ok {
					opt.PasswordInFile = true
					w.saveThen(opt, then)
				}
			}, w.win)
		w.keychainAsk.SetConfirmText("Keep in file")
		w.keychainAsk.SetDismissText("Don't save")
		w.keychainAsk.Show()
		return
	}
	rest := w.fields.showErrors(err)
	if len(app.ErrorFields(err)) == 0 {
		rest = append(rest, app.ErrorMessage(err))
	}
	if len(rest) > 0 {
		showNotice(dialog.NewError(errors.New(strings.Join(rest, "\n")), w.win), w.win)
	}
}

// reloadState reads the stored state again (where the password is kept) without
// touching what the form shows, then runs then.
func (w *emailSettingsWindow) reloadState(then func()) {
	var st *app.EmailSettingsState
	w.d.background(func(ctx context.Context) (err error) {
		st, err = w.d.svc.EmailSettings.Load(ctx)
		return err
	}, func(err error) {
		if w.closed {
			return
		}
		if err != nil {
			w.d.showError(w.win, err)
			return
		}
		saved := w.saved.Text
		w.show(st)
		w.saved.SetText(saved)
		w.saved.Show()
		if then != nil {
			then()
		}
	})
}

func (w *emailSettingsWindow) onForget() {
	w.forgetAsk = newConfirm("Forget the password?",
		"StaffDesk will forget the stored SMTP password. Email is then sent without it until you enter it again.",
		func(ok bool) {
			w.forgetAsk = nil
			if ok {
				w.saveThen(app.SaveEmailOptions{ForgetPassword: true}, nil)
			}
		}, w.win)
	w.forgetAsk.SetConfirmText("Forget password")
	w.forgetAsk.SetConfirmImportance(widget.DangerImportance)
	w.forgetAsk.Show()
}

// onSendTest sends the test email to the address typed, or to the From address. It
// saves unsaved changes first: the test is of the settings mail is sent with.
func (w *emailSettingsWindow) onSendTest() {
	if w.fields == nil || w.sending || w.busy {
		return
	}
	if w.changed() && !w.state.FromOutside {
		w.saveThen(app.SaveEmailOptions{}, w.sendTestEmail)
		return
	}
	w.sendTestEmail()
}

func (w *emailSettingsWindow) sendTestEmail() {
	to := strings.TrimSpace(w.testTo.Text)
	if to == "" {
		to = strings.TrimSpace(w.fromAddress.Text)
	}
	if _, err := app.CheckEmail(to); err != nil {
		w.testResult.Hide()
		w.fields.setError(app.FieldTestEmailTo, "Enter the address to send the test email to, like you@example.com.")
		return
	}
	w.sending = true
	w.sendTest.Disable()
	w.activity.Show()
	w.activity.Start()
	w.fields.setError(app.FieldTestEmailTo, "")
	w.showTestResult(fmt.Sprintf("Sending a test email to %s…", to), widget.MediumImportance)
	w.d.background(func(ctx context.Context) error {
		return w.d.svc.EmailSettings.SendTestEmail(ctx, to)
	}, func(err error) {
		w.sending = false
		w.sendTest.Enable()
		w.activity.Stop()
		w.activity.Hide()
		if err != nil {
			w.d.logError(err)
			w.showTestResult("The test email was not sent: "+app.ErrorMessage(err), widget.DangerImportance)
			return
		}
		w.showTestResult(fmt.Sprintf("The test email was sent to %s. Check that it arrived.", to), widget.SuccessImportance)
	})
}

func (w *emailSettingsWindow) showTestResult(msg string, importance widget.Importance) {
	w.testResult.Importance = importance
	w.testResult.SetText(msg)
	w.testResult.Show()
}

// onClose asks before unsaved changes are lost.
func (w *emailSettingsWindow) onClose() {
	if w.discardAsk != nil {
		return
	}
	if !w.changed() {
		w.finish()
		return
	}
	w.discardAsk = newConfirm("Discard changes?", "Your changes to the email settings have not been saved.",
		func(discard bool) {
			w.discardAsk = nil
			if discard {
				w.finish()
			}
		}, w.win)
	w.discardAsk.SetConfirmText("Discard")
	w.discardAsk.SetDismissText("Keep editing")
	w.discardAsk.Show()
}

func (w *emailSettingsWindow) finish() {
	w.closed = true
	w.win.Close()
}

package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The fields of Settings → Email, as keys of Error.Fields. The server's are the
// names the SMTP package reports its problems under (smtp_host, …), so that the window
// can put every message next to its field knowing only these.
const (
	FieldSMTPHost        = "smtp_host"
	FieldSMTPPort        = "smtp_port"
	FieldSMTPSecurity    = "smtp_security"
	FieldSMTPUsername    = "smtp_username"
	FieldSMTPPassword    = "smtp_password"
	FieldSMTPFromName    = "smtp_from_name"
	FieldSMTPFromAddress = "smtp_from_address"
	FieldTestEmailTo     = "smtp_test_to" // Send test email's recipient
	FieldPracticeName    = "practice_name"
	FieldLinkAddress     = "link_address"
)

// MailSecurity is how the connection to the mail server is protected. The values
// are the smtp package's.
type MailSecurity string

const (
	MailStartTLS MailSecurity = "starttls" // STARTTLS required, usually port 587
	MailTLS      MailSecurity = "tls"      // TLS on connect, usually port 465
	MailNone     MailSecurity = "none"     // plain text, only for a server on this computer
)

// MailSecurities are the choices, in the order Settings → Email offers them.
var MailSecurities = []MailSecurity{MailStartTLS, MailTLS, MailNone}

// Label is the security as Settings → Email shows it.
func (s MailSecurity) Label() string {
	switch s {
	case MailStartTLS:
		return "STARTTLS (required)"
	case MailTLS:
		return "TLS on connect (port 465)"
	case MailNone:
		return "None (this computer only)"
	}
	return string(s)
}

// DefaultPort is the port that usually goes with the security: 587, 465 or 25.
func (s MailSecurity) DefaultPort() int {
	switch s {
	case MailTLS:
		return 465
	case MailNone:
		return 25
	}
	return 587
}

// EmailSettings is Settings → Email.
type EmailSettings struct {
	Host     string
	Port     int
	Security MailSecurity
	Username string
	// Password is the SMTP password. Load never fills it; on Save, "" keeps the stored
	// password (see SaveEmailOptions to forget it).
	Password     string
	FromName     string
	FromAddress  string
	PracticeName string // used in the emails: "Activate your <practice> staff account"
	// LinkAddress is where the emails' links start, like
	// https://staff.example.com/staffdesk; "" sends codes without links.
	LinkAddress string
}

// EmailSettingsState is what the settings window shows.
type EmailSettingsState struct {
	Settings       EmailSettings // Password always ""
	PasswordStored bool          // a password is kept (keychain or file)
	PasswordInFile bool          // kept in the file readable only by this user, not the keychain
	PasswordFile   string        // that file's path
	// FromOutside is set when --smtp or STAFFDESK_SMTP provides the server settings;
	// they then win over the saved ones, and Settings shows them (practice name and
	// link address still come from the saved settings).
	FromOutside bool
	Configured  bool // enough is set to send
}

// SaveEmailOptions are the choices made when saving.
type SaveEmailOptions struct {
	// PasswordInFile keeps the password in a file readable only by this user instead of
	// the keychain. Set it only after the person agreed, typically after Save returned
	// ErrNoKeychain.
	PasswordInFile bool
	// ForgetPassword removes the stored password.
	ForgetPassword bool
}

// ErrNoKeychain is in the chain of the error Save returns when the OS keychain did not
// answer in time or is not available. Nothing was saved; the window should ask whether
// to keep the password in a file readable only by this user, and save again with
// SaveEmailOptions.PasswordInFile.
var ErrNoKeychain = errors.New("the keychain is not available")

// Keychain keeps the SMTP password. Get returns ErrNotInKeychain when there is none.
// Calls may hang (a locked keychain waiting for a prompt): the service runs each one
// under KeychainTimeout.
type Keychain interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// ErrNotInKeychain is what a Keychain's Get returns when nothing is stored.
var ErrNotInKeychain = errors.New("no password in the keychain")

// PasswordFile keeps the SMTP password in a file readable only by this user, for the
// computer whose keychain does not answer (keychain.File).
type PasswordFile interface {
	// Path is where the file is, as the settings window names it.
	Path() string
	// Read returns the password; the error wraps fs.ErrNotExist when there is none.
	Read() (string, error)
	// Write replaces the file's content with password.
	Write(password string) error
	// Remove deletes the file; none is no error.
	Remove() error
}

// noKeychain is the keychain of services built without one: it never answers, as a
// keychain that is locked or missing, so the password can only go to the file.
type noKeychain struct{}

var errNoKeychainGiven = errors.New("no keychain was given to the services")

func (noKeychain) Get(service, user string) (string, error) { return "", errNoKeychainGiven }
func (noKeychain) Set(service, user, password string) error { return errNoKeychainGiven }
func (noKeychain) Delete(service, user string) error        { return errNoKeychainGiven }

// noPasswordFile is the password file of services built without one: there is none to
// read, and none can be written.
type noPasswordFile struct{}

var errNoPasswordFile = errors.New("no password file was given to the services")

func (noPasswordFile) Path() string { return "" }
func (noPasswordFile) Read() (string, error) {
	return "", fmt.Errorf("%w: %w", errNoPasswordFile, fs.ErrNotExist)
}
func (noPasswordFile) Write(string) error { return errNoPasswordFile }
func (noPasswordFile) Remove() error      { return nil }

// KeychainTimeout bounds every keychain call.
const KeychainTimeout = 3 * time.Second

// The keychain entry of the SMTP password.
const (
	keychainService = "StaffDesk"
	keychainUser    = "smtp"
)

// PasswordFileName is the file, in the app's data folder, that holds the SMTP password
// when the person chose it over the keychain.
const PasswordFileName = "smtp-password"

// Settings keys.
const (
	setHost          = "email.host"
	setPort          = "email.port"
	setSecurity      = "email.security"
	setUsername      = "email.username"
	setFromName      = "email.from_name"
	setFromAddress   = "email.from_address"
	setPracticeName  = "email.practice_name"
	setLinkAddress   = "email.link_address"
	setPasswordStore = "email.password_store" // "", "keychain" or "file"
)

// SettingsTx reads and writes the app's settings: string values by key.
type SettingsTx interface {
	// Settings returns every setting whose key starts with prefix.
	Settings(prefix string) (map[string]string, error)
	// SetSetting sets key to value; "" removes it.
	SetSetting(key, value string) error
}

// EmailSettingsService is Settings → Email: the mail server, the From line, the
// practice name and link address the emails use, and Send test email.
type EmailSettingsService struct {
	gate     *gate
	postman  Postman
	keychain Keychain
	pwFile   PasswordFile // where the password is kept when the keychain cannot be used
	courier  *Courier
	now      func() time.Time

	mu       sync.Mutex
	outside  *EmailSettings // from --smtp or STAFFDESK_SMTP
	password *string        // the stored password once read, so the keychain is asked once
}

// SetOverride applies --smtp URL or STAFFDESK_SMTP (smtp://user:pass@host:587?…): its
// settings win over the saved ones until the app ends. A URL with a user name but no
// password (what --smtp takes) signs in with the password Settings → Email keeps in
// the keychain or its file. "" removes the override. The error never quotes the URL.
func (s *EmailSettingsService) SetOverride(raw string) error {
	if strings.TrimSpace(raw) == "" {
		s.mu.Lock()
		s.outside = nil
		s.mu.Unlock()
		return nil
	}
	if s.postman == nil {
		return Errorf(EINTERNAL, "Email cannot be sent by this build of StaffDesk.")
	}
	cfg, err := s.postman.ParseURL(raw)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.outside = &cfg
	s.mu.Unlock()
	if s.courier != nil {
		s.courier.Resume()
	}
	return nil
}

// FromOutside reports whether --smtp or STAFFDESK_SMTP provides the settings.
func (s *EmailSettingsService) FromOutside() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outside != nil
}

// PasswordFile is the path of the file the password is kept in when the keychain
// cannot be used.
func (s *EmailSettingsService) PasswordFile() string {
	return s.pwFile.Path()
}

// Load returns the settings for the window. The password is never returned. It does
// not ask the keychain, so it never waits on it.
func (s *EmailSettingsService) Load(ctx context.Context) (*EmailSettingsState, error) {
	if err := s.gate.check(ctx, PermManagePractice); err != nil {
		return nil, wrapInternal("load the email settings", err)
	}
	saved, store, err := s.saved(ctx)
	if err != nil {
		return nil, err
	}
	st := &EmailSettingsState{Settings: saved, PasswordStored: store != "", PasswordInFile: store == "file",
		PasswordFile: s.PasswordFile()}
	s.mu.Lock()
	if s.outside != nil {
		st.FromOutside = true
		o := *s.outside
		o.PracticeName, o.LinkAddress = saved.PracticeName, saved.LinkAddress
		keeps := o.Password == "" && o.Username != "" && o.Username == saved.Username && store != ""
		st.PasswordStored = o.Password != "" || keeps
		st.PasswordInFile = keeps && store == "file"
		st.Settings = o
	}
	s.mu.Unlock()
	st.Settings.Password = ""
	st.Configured = configured(st.Settings)
	return st, nil
}

// Configured reports whether email is set up enough to send.
func (s *EmailSettingsService) Configured(ctx context.Context) (bool, error) {
	cfg, err := s.effective(ctx, false)
	if err != nil {
		return false, err
	}
	return configured(cfg), nil
}

func configured(c EmailSettings) bool { return c.Host != "" && c.FromAddress != "" }

// Save checks and saves the settings. A new password goes to the keychain; when the
// keychain does not answer, nothing is saved and the error wraps ErrNoKeychain. While
// --smtp or STAFFDESK_SMTP is in force, only the practice name and link address are saved.
func (s *EmailSettingsService) Save(ctx context.Context, in EmailSettings, opt SaveEmailOptions) error {
	if err := s.gate.check(ctx, PermManagePractice); err != nil {
		return wrapInternal("save the email settings", err)
	}
	saved, store, err := s.saved(ctx)
	if err != nil {
		return err
	}
	cfg := normalizeEmailSettings(in)
	s.mu.Lock()
	outside := s.outside != nil
	s.mu.Unlock()
	if outside {
		// --smtp or STAFFDESK_SMTP sets the server, and the window shows those values:
		// only the practice's own two settings are saved, never the outside server over
		// the saved one.
		practice, link := cfg.PracticeName, cfg.LinkAddress
		cfg, opt = saved, SaveEmailOptions{}
		cfg.PracticeName, cfg.LinkAddress = practice, link
	}
	var p Problems
	checkPracticeSettings(cfg, &p)
	check := cfg
	if check.Password == "" && store != "" && !opt.ForgetPassword {
		check.Password = "(stored)" // only to check the user name goes with one
	}
	if s.postman != nil && !outside {
		p.AddErr("", s.postman.Check(check))
	}
	if err := p.Err(); err != nil {
		return err
	}

	switch {
	case opt.ForgetPassword:
		if err := s.forgetPassword(); err != nil {
			return err
		}
		store = ""
	case cfg.Password != "" && opt.PasswordInFile:
		if err := s.pwFile.Write(cfg.Password); err != nil {
			return Internal("keep the password in a file", err)
		}
		// The keychain may hold an older one; forgetting it is a courtesy, not a need.
		_ = callKeychain(func() error { return s.keychain.Delete(keychainService, keychainUser) })
		store = "file"
	case cfg.Password != "":
		if err := callKeychain(func() error { return s.keychain.Set(keychainService, keychainUser, cfg.Password) }); err != nil {
			return &Error{Code: ECONFLICT, Err: fmt.Errorf("%w: %w", ErrNoKeychain, err),
				Message: "This computer's keychain did not answer, so the password was not saved. StaffDesk can keep it instead in a file that only you can read: " + s.PasswordFile() + "."}
		}
		if err := s.pwFile.Remove(); err != nil {
			return Internal("remove the old password file", err)
		}
		store = "keychain"
	}

	values := map[string]string{
		setHost: cfg.Host, setPort: "", setSecurity: string(cfg.Security), setUsername: cfg.Username,
		setFromName: cfg.FromName, setFromAddress: cfg.FromAddress, setPracticeName: cfg.PracticeName,
		setLinkAddress: cfg.LinkAddress, setPasswordStore: store,
	}
	if cfg.Port != 0 {
		values[setPort] = strconv.Itoa(cfg.Port)
	}
	err = s.gate.system(ctx, true, func(tx *call) error { // Save checked the permission
		for k, v := range values {
			if err := tx.SetSetting(k, v); err != nil {
				return err
			}
		}
		// Whatever waited on the old settings is tried with the new ones now.
		return tx.RescheduleMail(s.now())
	})
	if err != nil {
		return wrapInternal("save the email settings", err)
	}
	s.mu.Lock()
	switch {
	case store == "":
		s.password = nil
	case cfg.Password != "":
		pw := cfg.Password
		s.password = &pw
	}
	s.mu.Unlock()
	if s.courier != nil {
		s.courier.Resume()
	}
	return nil
}

func (s *EmailSettingsService) forgetPassword() error {
	if err := s.pwFile.Remove(); err != nil {
		return Internal("remove the password file", err)
	}
	// A keychain that does not answer keeps its copy; the setting no longer points at it.
	_ = callKeychain(func() error { return s.keychain.Delete(keychainService, keychainUser) })
	s.mu.Lock()
	s.password = nil
	s.mu.Unlock()
	return nil
}

// SendTestEmail sends the test email to to with the current settings, at once, not
// through the outbox. It returns nil when the server accepted it; otherwise the
// error's message says why, in the server's own words when it gave any.
func (s *EmailSettingsService) SendTestEmail(ctx context.Context, to string) error {
	if err := s.gate.check(ctx, PermManagePractice); err != nil {
		return wrapInternal("send the test email", err)
	}
	if s.postman == nil {
		return Errorf(EINTERNAL, "Email cannot be sent by this build of StaffDesk.")
	}
	addr, err := CheckEmail(to)
	if err != nil {
		return &Error{Code: EINVALID, Message: "Enter the address to send the test email to, like you@example.com.", Err: err}
	}
	cfg, err := s.effective(ctx, true)
	if err != nil {
		return err
	}
	if !configured(cfg) {
		return Errorf(EINVALID, "Enter the mail server and the From address, and save, before sending a test email.")
	}
	text, html, subject, err := renderMail(MailTest, mailData{Practice: practiceName(cfg), Server: fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)})
	if err != nil {
		return Internal("prepare the test email", err)
	}
	l := Letter{MessageID: newMessageID(cfg.FromAddress), ToAddress: addr, Subject: subject, Text: text, HTML: html, Date: s.now()}
	if err := s.postman.Send(ctx, cfg, l); err != nil {
		var de *DeliveryError
		if errors.As(err, &de) {
			return &Error{Code: EINVALID, Message: de.Reason, Err: err}
		}
		return wrapInternal("send the test email", err)
	}
	return nil
}

// saved reads the saved settings (no password) and where the password is kept.
func (s *EmailSettingsService) saved(ctx context.Context) (EmailSettings, string, error) {
	var m map[string]string
	var practice string
	err := s.gate.system(ctx, false, func(tx *call) (err error) {
		if m, err = tx.Settings("email."); err != nil {
			return err
		}
		// The emails name the practice as Settings → Email says, or else by the name
		// it was set up with.
		if p, err := tx.Practice(); err == nil {
			practice = p.Name
		} else if ErrorCode(err) != ENOTFOUND {
			return err
		}
		return nil
	})
	if err != nil {
		return EmailSettings{}, "", wrapInternal("load the email settings", err)
	}
	port, _ := strconv.Atoi(m[setPort])
	return EmailSettings{
		Host: m[setHost], Port: port, Security: MailSecurity(m[setSecurity]), Username: m[setUsername],
		FromName: m[setFromName], FromAddress: m[setFromAddress], PracticeName: cmp.Or(m[setPracticeName], practice),
		LinkAddress: m[setLinkAddress],
	}, m[setPasswordStore], nil
}

// effective returns the settings mail is sent with: the outside ones when given,
// otherwise the saved ones, with the password when withPassword.
func (s *EmailSettingsService) effective(ctx context.Context, withPassword bool) (EmailSettings, error) {
	saved, store, err := s.saved(ctx)
	if err != nil {
		return EmailSettings{}, err
	}
	s.mu.Lock()
	if s.outside != nil {
		o := *s.outside
		s.mu.Unlock()
		o.PracticeName, o.LinkAddress = saved.PracticeName, saved.LinkAddress
		// --smtp carries no password (a command line is readable by every user of
		// the computer): the one Settings → Email keeps goes with its user name.
		if withPassword && o.Password == "" && o.Username != "" && o.Username == saved.Username && store != "" {
			if o.Password, err = s.storedPassword(store); err != nil {
				return EmailSettings{}, err
			}
		}
		return o, nil
	}
	s.mu.Unlock()
	if withPassword && store != "" {
		if saved.Password, err = s.storedPassword(store); err != nil {
			return EmailSettings{}, err
		}
	}
	return saved, nil
}

// storedPassword reads the password once from where it is kept.
func (s *EmailSettingsService) storedPassword(store string) (string, error) {
	s.mu.Lock()
	if s.password != nil {
		defer s.mu.Unlock()
		return *s.password, nil
	}
	s.mu.Unlock()
	var pw string
	switch store {
	case "file":
		var err error
		if pw, err = s.pwFile.Read(); err != nil {
			return "", &Error{Code: EINVALID, Message: "The SMTP password file could not be read; enter the password again in Settings → Email.", Err: err}
		}
	default:
		err := callKeychain(func() (err error) { pw, err = s.keychain.Get(keychainService, keychainUser); return err })
		if errors.Is(err, ErrNotInKeychain) {
			return "", &Error{Code: EINVALID, Message: "The SMTP password is missing from the keychain; enter it again in Settings → Email."}
		} else if err != nil {
			return "", &Error{Code: EINVALID, Message: "The SMTP password could not be read from this computer's keychain (it may be locked).", Err: fmt.Errorf("%w: %w", ErrNoKeychain, err)}
		}
	}
	s.mu.Lock()
	s.password = &pw
	s.mu.Unlock()
	return pw, nil
}

// errKeychainTimeout is a keychain call that did not return within KeychainTimeout.
var errKeychainTimeout = errors.New("the keychain did not answer in time")

// keychainTimeout is KeychainTimeout; tests shorten it.
var keychainTimeout = KeychainTimeout

// callKeychain runs fn with a time limit. A call that hangs is left behind in its
// goroutine: no keychain API can be interrupted.
func callKeychain(fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	t := time.NewTimer(keychainTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return errKeychainTimeout
	}
}

func normalizeEmailSettings(in EmailSettings) EmailSettings {
	c := in
	c.Host = strings.TrimSpace(c.Host)
	c.Username = strings.TrimSpace(c.Username)
	c.FromName = strings.TrimSpace(c.FromName)
	c.FromAddress = strings.TrimSpace(c.FromAddress)
	c.PracticeName = strings.TrimSpace(c.PracticeName)
	c.LinkAddress = strings.TrimSpace(c.LinkAddress)
	c.Security = MailSecurity(strings.ToLower(strings.TrimSpace(string(c.Security))))
	if c.Security == "" {
		c.Security = MailStartTLS
	}
	if c.Port == 0 {
		switch c.Security {
		case MailTLS:
			c.Port = 465
		default:
			c.Port = 587
		}
	}
	return c
}

// checkPracticeSettings checks the two settings that are app's, not the mail server's.
func checkPracticeSettings(c EmailSettings, p *Problems) {
	_, err := CheckText(FieldPracticeName, "practice name", c.PracticeName, 100, false)
	p.AddErr(FieldPracticeName, err)
	if c.LinkAddress != "" {
		u, err := url.Parse(c.LinkAddress)
		switch {
		case err != nil || hasControlChar(c.LinkAddress) || strings.ContainsAny(c.LinkAddress, " \"<>"):
			p.Add(FieldLinkAddress, "Enter the link address as a web address, like https://staff.example.com.")
		case u.Scheme != "https":
			p.Add(FieldLinkAddress, "The link address must start with https://.")
		case u.Host == "" || u.User != nil:
			p.Add(FieldLinkAddress, "Enter the link address as a web address, like https://staff.example.com.")
		case u.RawQuery != "" || u.Fragment != "":
			p.Add(FieldLinkAddress, "The link address must not contain ? or #: the emails add the rest.")
		}
	}
}

// headerTextProblem says what is wrong with text that goes into an email header (a
// subject, a name): CR, LF and other control characters could smuggle in headers.
func headerTextProblem(what, s string, max int) string {
	switch {
	case !utf8.ValidString(s):
		return fmt.Sprintf("The %s is not valid text.", what)
	case hasControlChar(s):
		return fmt.Sprintf("The %s must not contain line breaks or other control characters.", what)
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("The %s must be at most %d characters.", what, max)
	}
	return ""
}

func hasControlChar(s string) bool { return strings.IndexFunc(s, isHiddenRune) >= 0 }

// practiceName is the practice as the emails name it.
func practiceName(c EmailSettings) string {
	if c.PracticeName != "" {
		return c.PracticeName
	}
	return "StaffDesk"
}

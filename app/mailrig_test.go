package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/keychain"
	"github.com/staffdesk/staffdesk/secrets"
	appmail "github.com/staffdesk/staffdesk/smtp"
	mailtest "github.com/staffdesk/staffdesk/smtp/smtptest"
)

// The mail tests run the real services over a real SQLite file and deliver to a real
// SMTP server in the test process (mailtest), with STARTTLS on a self-signed
// certificate and AUTH PLAIN.

const (
	rigSMTPUser     = "frontdesk"
	rigSMTPPassword = "s3cret-Smtp-Pa55word"
	rigPractice     = "Valley Family Practice"
	rigFrom         = "office@valley.example"
	rigStaffPW      = "Correct-Horse-Battery-Staple-42"
)

// rigClock is a clock the test moves by hand.
type rigClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *rigClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *rigClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// memKeychain is a keychain in memory; hang makes every call block until the test ends.
type memKeychain struct {
	mu    sync.Mutex
	items map[string]string
	hang  chan struct{}
}

func newMemKeychain() *memKeychain { return &memKeychain{items: map[string]string{}} }

func (k *memKeychain) wait() {
	if k.hang != nil {
		<-k.hang
	}
}

func (k *memKeychain) Get(service, user string) (string, error) {
	k.wait()
	k.mu.Lock()
	defer k.mu.Unlock()
	pw, ok := k.items[service+"/"+user]
	if !ok {
		return "", app.ErrNotInKeychain
	}
	return pw, nil
}

func (k *memKeychain) Set(service, user, password string) error {
	k.wait()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.items[service+"/"+user] = password
	return nil
}

func (k *memKeychain) Delete(service, user string) error {
	k.wait()
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.items, service+"/"+user)
	return nil
}

// mailRig is one practice: its database, services, mail server and clock.
type mailRig struct {
	session  context.Context // the administrator's (signInAdmin)
	t        testing.TB
	dir      string
	key      []byte
	sealer   app.Sealer
	clock    *rigClock
	keychain *memKeychain
	logs     *bytes.Buffer
	srv      *mailtest.Server
	db       *data.DB
	svc      *app.Services
	postman  *appmail.Postman
	opts     rigOptions

	provider, role int64
}

type rigOptions struct {
	server     mailtest.Options // STARTTLS is turned on unless noSTARTTLS
	noSTARTTLS bool
	timeout    time.Duration // per SMTP step; default 2s
	lease      time.Duration // the courier's claim lease; default the app's
	realClock  bool          // time.Now instead of the hand-moved clock
}

func newMailRig(t testing.TB, o rigOptions) *mailRig {
	t.Helper()
	if o.server.Username == "" && !o.server.NeverGreet {
		o.server.Username, o.server.Password = rigSMTPUser, rigSMTPPassword
	}
	if !o.noSTARTTLS && !o.server.ImplicitTLS {
		o.server.STARTTLS = true
	}
	if o.timeout == 0 {
		o.timeout = 2 * time.Second
	}
	r := &mailRig{t: t, dir: t.TempDir(), key: make([]byte, 32), clock: &rigClock{now: time.Date(2026, 4, 7, 14, 0, 0, 0, time.UTC)},
		keychain: newMemKeychain(), logs: &bytes.Buffer{}, opts: o}
	rand.Read(r.key)
	var err error
	if r.sealer, err = secrets.NewAESSealer(r.key); err != nil {
		t.Fatal(err)
	}
	r.srv = mailtest.NewServer(t, o.server)
	r.open()
	return r
}

// open opens the database and builds the services, as the app does at start.
func (r *mailRig) open() {
	t := r.t
	t.Helper()
	r.db, r.svc = r.openDesk(r.logs)
	r.session = signInAdmin(t, r.svc)
	if r.provider == 0 {
		p, err := r.svc.Directory.SaveProvider(r.ctx(), &app.Provider{FirstName: "Kate", LastName: "Provider", Credentials: "MD"})
		if err != nil {
			t.Fatal(err)
		}
		r.provider = p.ID
		dir, err := r.svc.Directory.Load(r.ctx())
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range dir.Roles {
			if role.Name == "Nurse" {
				r.role = role.ID
			}
		}
	}
}

// passwordFile is the SMTP password file in the rig's folder, as main makes it.
func (r *mailRig) passwordFile() *keychain.File {
	r.t.Helper()
	f, err := keychain.NewFile(r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	return f
}

// openDesk opens the practice's file with services of their own, as a StaffDesk
// starting does (open uses it for the rig's own; a test may open a second desk).
func (r *mailRig) openDesk(logs io.Writer) (*data.DB, *app.Services) {
	t := r.t
	t.Helper()
	db, err := data.Open(filepath.Join(r.dir, "staffdesk.db"), r.sealer)
	if err != nil {
		t.Fatal(err)
	}
	now := r.clock.Now
	if r.opts.realClock {
		now = time.Now
	}
	t.Cleanup(func() { db.Close() })
	log := logrus.New()
	log.SetOutput(logs)
	log.SetLevel(logrus.DebugLevel)
	r.postman = &appmail.Postman{Timeout: r.opts.timeout, RootCAs: r.srv.CertPool()}
	svc := app.NewServices(db, app.MailOptions{
		Digester:     secrets.NewDigester(r.key),
		Postman:      r.postman,
		Keychain:     r.keychain,
		PasswordFile: r.passwordFile(),
		Now:          now,
		Courier:      app.CourierOptions{Log: log, AttemptTimeout: 10 * time.Second, Lease: r.opts.lease},
	})
	return db, svc
}

// reopen closes the database and opens it again with new services, as after a restart.
func (r *mailRig) reopen() {
	r.t.Helper()
	if r.svc.Courier != nil {
		r.svc.Courier.Stop()
	}
	if err := r.db.Close(); err != nil {
		r.t.Fatal(err)
	}
	r.open()
}

// ctx is the administrator's session, good on every desk over the rig's file.
func (r *mailRig) ctx() context.Context { return r.session }

// settings are email settings pointing at the rig's server.
func (r *mailRig) settings() app.EmailSettings {
	return app.EmailSettings{Host: r.srv.Host(), Port: r.srv.Port(), Security: app.MailStartTLS,
		Username: rigSMTPUser, Password: rigSMTPPassword, FromName: "Valley Front Desk", FromAddress: rigFrom,
		PracticeName: rigPractice}
}

func (r *mailRig) setUp(s app.EmailSettings) {
	r.t.Helper()
	if err := r.svc.EmailSettings.Save(r.ctx(), s, app.SaveEmailOptions{}); err != nil {
		r.t.Fatal(err)
	}
}

// createStaff creates a Pending account, which queues its activation email.
func (r *mailRig) createStaff(username, first, last string) *app.Staff {
	r.t.Helper()
	st, err := r.svc.Staff.Create(r.ctx(), &app.NewStaff{Staff: app.Staff{FirstName: first, LastName: last,
		ProviderID: r.provider, RoleID: r.role, Email: username + "@email.xyz", Username: username,
		UnlockPIN: "8453", EnableEmailUpdate: true}, Password: rigStaffPW, ConfirmPassword: rigStaffPW})
	if err != nil {
		r.t.Fatal(err)
	}
	return st
}

// sendDue runs one pass of the courier.
func (r *mailRig) sendDue() time.Duration {
	r.t.Helper()
	return r.svc.Courier.SendDue(r.ctx())
}

func (r *mailRig) outbox() []*app.OutboxMessage {
	r.t.Helper()
	list, err := r.svc.Outbox.List(r.ctx())
	if err != nil {
		r.t.Fatal(err)
	}
	return list
}

// message returns the only outbox message of kind to address.
func (r *mailRig) message(kind app.MailKind, to string) *app.OutboxMessage {
	r.t.Helper()
	var found []*app.OutboxMessage
	for _, m := range r.outbox() {
		if m.Kind == kind && m.ToAddress == to {
			found = append(found, m)
		}
	}
	if len(found) == 0 {
		r.t.Fatalf("no %s message to %s in the outbox", kind, to)
	}
	return found[0] // newest first
}

// peekCode reads the code out of a queued message's sealed body, as only the
// recipient could.
func (r *mailRig) peekCode(m *app.OutboxMessage) string {
	r.t.Helper()
	var text string
	err := r.db.Read(r.ctx(), func(tx app.Tx) (err error) {
		text, _, err = tx.OutboxBody(m.ID)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	code := codeIn(text)
	if code == "" {
		r.t.Fatalf("no code in the %s message", m.Kind)
	}
	return code
}

var codePattern = regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b`)

func codeIn(s string) string { return codePattern.FindString(s) }

// wantCode fails unless err is an app Error with code whose message contains part.
func wantCode(tb testing.TB, err error, code, part string) {
	tb.Helper()
	if got := app.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q, want %q (error: %v)", got, code, err)
	}
	if !strings.Contains(app.ErrorMessage(err), part) {
		tb.Fatalf("error message = %q, want it to contain %q", app.ErrorMessage(err), part)
	}
}

// eventually polls cond until it holds or the time is up.
func eventually(tb testing.TB, within time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// received is one delivered email, parsed as a mail client would.
type received struct {
	header  mail.Header
	to      *mail.Address
	subject string
	text    string
	html    string
}

func parseReceived(tb testing.TB, raw []byte) received {
	tb.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	var out received
	out.header = m.Header
	if out.to, err = mail.ParseAddress(m.Header.Get("To")); err != nil {
		tb.Fatalf("To: %v", err)
	}
	dec := new(mime.WordDecoder)
	if out.subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		tb.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		tb.Fatalf("Content-Type %q: want multipart (%v)", m.Header.Get("Content-Type"), err)
	}
	walkParts(tb, multipart.NewReader(m.Body, params["boundary"]), &out)
	if out.text == "" || out.html == "" {
		tb.Fatalf("want a text and an HTML part; text %d bytes, html %d bytes", len(out.text), len(out.html))
	}
	return out
}

func walkParts(tb testing.TB, mr *multipart.Reader, out *received) {
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			return
		} else if err != nil {
			tb.Fatal(err)
		}
		mt, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if strings.HasPrefix(mt, "multipart/") {
			walkParts(tb, multipart.NewReader(p, params["boundary"]), out)
			continue
		}
		b, err := io.ReadAll(p)
		if err != nil {
			tb.Fatal(err)
		}
		switch mt {
		case "text/plain":
			out.text = string(b)
		case "text/html":
			out.html = string(b)
		}
	}
}

// deliveredTo returns the parsed messages the server accepted for address.
func (r *mailRig) deliveredTo(address string) []received {
	r.t.Helper()
	var out []received
	for _, m := range r.srv.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, address) {
				out = append(out, parseReceived(r.t, m.Data))
			}
		}
	}
	return out
}

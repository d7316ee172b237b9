package app_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// Every account email arrives at the right address with its subject, code, expiry,
// practice name and both parts, and its code does what the email says.
func TestAccountEmails_EachKindArrives(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	camille := r.createStaff("camilles", "Camille", "Staff")
	if !camille.ActivationExpires.Equal(r.clock.Now().Add(72 * time.Hour)) {
		t.Fatalf("ActivationExpires = %v, want 3 days from now", camille.ActivationExpires)
	}
	if got := camille.StatusDetail(r.clock.Now().Add(24 * time.Hour)); got != "Pending activation · expires in 2 days" {
		t.Fatalf("StatusDetail = %q", got)
	}
	r.sendDue()

	check := func(to, subject string, wantCode bool, contains ...string) string {
		t.Helper()
		got := r.deliveredTo(to)
		var m *received
		for i := range got {
			if got[i].subject == subject {
				m = &got[i]
			}
		}
		if m == nil {
			t.Fatalf("no email %q to %s; got %d emails to that address", subject, to, len(got))
		}
		if m.to.Address != to || m.to.Name != "Camille Staff" {
			t.Fatalf("To = %v", m.to)
		}
		if from, _ := m.header.AddressList("From"); len(from) != 1 || from[0].Address != rigFrom {
			t.Fatalf("From = %v", m.header.Get("From"))
		}
		if id := m.header.Get("Message-Id"); !strings.HasSuffix(id, "@valley.example>") {
			t.Fatalf("Message-ID = %q", id)
		}
		for _, part := range []string{m.text, m.html} {
			for _, want := range append([]string{rigPractice}, contains...) {
				if !strings.Contains(part, want) {
					t.Fatalf("%q: a part lacks %q:\n%s", subject, want, part)
				}
			}
		}
		if strings.Contains(strings.ToLower(m.html), "<img") || strings.Contains(m.html, "src=") {
			t.Fatalf("the HTML of %q loads images", subject)
		}
		code := codeIn(m.text)
		if wantCode != (code != "") || wantCode && !strings.Contains(m.html, code) {
			t.Fatalf("%q: code %q in text; want one: %v (in HTML too)", subject, code, wantCode)
		}
		return code
	}

	// Activation: username, code, link, expiry.
	expires := r.clock.Now().Add(72 * time.Hour).Local().Format("Monday, January 2, 2006 at 3:04 PM")
	code := check("camilles@email.xyz", "Activate your Valley Family Practice staff account", true,
		"camilles", "3 days", expires, "https://staff.valley.example/desk/activate?code=")
	active, err := r.svc.Accounts.Activate(r.ctx(), "CAMILLES", strings.ToLower(code))
	if err != nil {
		t.Fatal(err)
	}
	if active.Status != app.StatusActive || !active.ActivationExpires.IsZero() {
		t.Fatalf("after activation: status %s, expires %v", active.Status, active.ActivationExpires)
	}

	// Password reset: code valid 72 hours, then the "changed" notice.
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), active.ID, active.Version); err != nil {
		t.Fatal(err)
	}
	r.sendDue()
	code = check("camilles@email.xyz", "Reset your Valley Family Practice staff password", true,
		"camilles", "72 hours", expires, "/reset-password?code=")
	if err := r.svc.Accounts.ResetPassword(r.ctx(), "camilles", code, "Another-Long-Passphrase-77", "Another-Long-Passphrase-77"); err != nil {
		t.Fatal(err)
	}
	r.sendDue()
	check("camilles@email.xyz", "Your Valley Family Practice staff password was changed", false, "camilles")

	// Email change: a code to the new address, a notice to the old one.
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), camille.ID, "camille.new@email.xyz"); err != nil {
		t.Fatal(err)
	}
	list, err := r.svc.Staff.List(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	row := findByID(list, func(s *app.Staff) int64 { return s.ID }, camille.ID) // the administrator's is the first
	if row == nil || row.PendingEmail != "camille.new@email.xyz" || !strings.Contains(row.StatusDetail(r.clock.Now()), "Email change pending") {
		t.Fatalf("grid row: %+v", row)
	}
	r.sendDue()
	code = check("camille.new@email.xyz", "Confirm your new email address for Valley Family Practice", true,
		"camilles", "24 hours", "camille.new@email.xyz", "/confirm-email?code=")
	check("camilles@email.xyz", "Your Valley Family Practice staff email address is being changed", false,
		"camilles@email.xyz", "camille.new@email.xyz")
	changed, err := r.svc.Accounts.ConfirmEmailChange(r.ctx(), "camilles", code)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Email != "camille.new@email.xyz" || changed.PendingEmail != "" {
		t.Fatalf("after confirming: email %q, pending %q", changed.Email, changed.PendingEmail)
	}

	// The test email goes at once, not through the outbox.
	if err := r.svc.EmailSettings.SendTestEmail(r.ctx(), "camilles@email.xyz"); err != nil {
		t.Fatal(err)
	}
	got := r.deliveredTo("camilles@email.xyz")
	last := got[len(got)-1]
	if last.subject != "Valley Family Practice test email" || !strings.Contains(last.text, r.srv.Addr()) {
		t.Fatalf("test email: %q\n%s", last.subject, last.text)
	}

	for _, m := range r.outbox() {
		if m.Status != app.MailSent || m.Attempts != 1 {
			t.Errorf("%s to %s: %s after %d attempts", m.Kind, m.ToAddress, m.Status, m.Attempts)
		}
	}
}

// A new account's activation email commits with the account, or not at all.
func TestCreate_QueuesActivationInTheSameTransaction(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.createStaff("camilles", "Camille", "Staff")
	// A clash refuses the account; no email may be left behind.
	_, err := r.svc.Staff.Create(r.ctx(), &app.NewStaff{Staff: app.Staff{FirstName: "Other", LastName: "Person",
		ProviderID: r.provider, RoleID: r.role, Email: "camilles@email.xyz", Username: "other", UnlockPIN: "8453"},
		Password: rigStaffPW, ConfirmPassword: rigStaffPW})
	if app.ErrorCode(err) != app.ECONFLICT && app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("duplicate email: %v", err)
	}
	list := r.outbox()
	if len(list) != 1 || list[0].Kind != app.MailActivation || list[0].Status != app.MailQueued {
		t.Fatalf("outbox = %+v", list)
	}
}

func TestCodes_SingleUseAndBoundToTheirAccount(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staff")
	marcus := r.createStaff("marcus", "Marcus", "Staff")
	camilleCode := r.peekCode(r.message(app.MailActivation, "camilles@email.xyz"))

	// Another person's code does not work.
	_, err := r.svc.Accounts.Activate(r.ctx(), "marcus", camilleCode)
	wantCode(t, err, app.EINVALID, "not right")

	// Typed by hand: lower case, no hyphen, O for 0 and I/L for 1, spaces.
	typed := strings.ToLower(strings.ReplaceAll(camilleCode, "-", " "))
	typed = strings.NewReplacer("0", "o", "1", "l").Replace(typed)
	camille, err = r.svc.Accounts.Activate(r.ctx(), "camilles", typed)
	if err != nil {
		t.Fatalf("typed %q for %q: %v", typed, camilleCode, err)
	}
	// Replay.
	_, err = r.svc.Accounts.Activate(r.ctx(), "camilles", camilleCode)
	wantCode(t, err, app.EINVALID, "already used")

	// A code after a newer one of the same kind was sent.
	old := r.peekCode(r.message(app.MailActivation, "marcus@email.xyz"))
	if err := r.svc.Accounts.ResendActivation(r.ctx(), marcus.ID, marcus.Version); err != nil {
		t.Fatal(err)
	}
	_, err = r.svc.Accounts.Activate(r.ctx(), "marcus", old)
	wantCode(t, err, app.EINVALID, "no longer works")
	statuses := map[app.MailStatus]int{}
	for _, m := range r.outbox() {
		if m.ToAddress == "marcus@email.xyz" {
			statuses[m.Status]++
		}
	}
	if statuses[app.MailCancelled] != 1 || statuses[app.MailQueued] != 1 {
		t.Fatalf("after resending, marcus's emails: %v; want the waiting old one cancelled", statuses)
	}
	if _, err := r.svc.Accounts.Activate(r.ctx(), "marcus", r.peekCode(r.message(app.MailActivation, "marcus@email.xyz"))); err != nil {
		t.Fatal(err)
	}

	// An activation code cannot reset a password (bound to its kind), and a reset code
	// stops working after the password changes.
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), camille.ID, camille.Version); err != nil {
		t.Fatal(err)
	}
	first := r.peekCode(r.message(app.MailPasswordReset, "camilles@email.xyz"))
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), camille.ID, "camille2@email.xyz"); err != nil {
		t.Fatal(err)
	}
	emailCode := r.peekCode(r.message(app.MailEmailChangeVerify, "camille2@email.xyz"))
	if err := r.svc.Accounts.ResetPassword(r.ctx(), "camilles", first, "Another-Long-Passphrase-77", "Another-Long-Passphrase-77"); err != nil {
		t.Fatal(err)
	}
	err = r.svc.Accounts.ResetPassword(r.ctx(), "camilles", first, "Third-Long-Passphrase-88", "Third-Long-Passphrase-88")
	wantCode(t, err, app.EINVALID, "already used")
	// The person's other codes stopped working with the password change.
	_, err = r.svc.Accounts.ConfirmEmailChange(r.ctx(), "camilles", emailCode)
	wantCode(t, err, app.EINVALID, "no longer works")
	r.message(app.MailPasswordChanged, "camilles@email.xyz")
}

func TestCodes_PasswordRulesDoNotUseTheCode(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staff")
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), camille.ID, camille.Version); err != nil {
		t.Fatal(err)
	}
	code := r.peekCode(r.message(app.MailPasswordReset, "camilles@email.xyz"))
	err := r.svc.Accounts.ResetPassword(r.ctx(), "camilles", code, "Another-Long-Passphrase-77", "Another-Long-Passphrase-78")
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("mismatched confirmation: %v", err)
	}
	if err := r.svc.Accounts.ResetPassword(r.ctx(), "camilles", code, "Another-Long-Passphrase-77", "Another-Long-Passphrase-77"); err != nil {
		t.Fatal(err)
	}
}

func TestCodes_Expire(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staff")
	marcus := r.createStaff("marcus", "Marcus", "Staff")
	code := r.peekCode(r.message(app.MailActivation, "camilles@email.xyz"))
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), marcus.ID, marcus.Version); err != nil {
		t.Fatal(err)
	}
	reset := r.peekCode(r.message(app.MailPasswordReset, "marcus@email.xyz"))

	r.clock.Advance(app.ActivationValidFor + time.Second)
	_, err := r.svc.Accounts.Activate(r.ctx(), "camilles", code)
	wantCode(t, err, app.EINVALID, "expired")
	err = r.svc.Accounts.ResetPassword(r.ctx(), "marcus", reset, "Another-Long-Passphrase-77", "Another-Long-Passphrase-77")
	wantCode(t, err, app.EINVALID, "expired")
	list, _ := r.svc.Staff.List(r.ctx())
	for _, s := range list {
		if s.ID == camille.ID && s.StatusDetail(r.clock.Now()) != "Pending activation · code expired" {
			t.Fatalf("grid: %q", s.StatusDetail(r.clock.Now()))
		}
	}
	// A second before the end it still works.
	if err := r.svc.Accounts.ResendActivation(r.ctx(), camille.ID, camille.Version); err != nil {
		t.Fatal(err)
	}
	code = r.peekCode(r.message(app.MailActivation, "camilles@email.xyz"))
	r.clock.Advance(app.ActivationValidFor - time.Second)
	if _, err := r.svc.Accounts.Activate(r.ctx(), "camilles", code); err != nil {
		t.Fatal(err)
	}
}

func TestCodes_FiveWrongCodesAnHour(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.createStaff("camilles", "Camille", "Staff")
	code := r.peekCode(r.message(app.MailActivation, "camilles@email.xyz"))
	for i := 0; i < app.MaxWrongCodes; i++ {
		_, err := r.svc.Accounts.Activate(r.ctx(), "camilles", "ABCDE-FGHJK")
		wantCode(t, err, app.EINVALID, "not right")
		r.clock.Advance(time.Minute)
	}
	// The 6th try in the hour is refused, even with the right code.
	_, err := r.svc.Accounts.Activate(r.ctx(), "camilles", code)
	until := r.clock.Now().Add(-5 * time.Minute).Add(time.Hour).Local().Format("15:04")
	wantCode(t, err, app.EFORBIDDEN, "Too many wrong codes; try again after "+until+".")
	// An hour after the first wrong code, one more try is allowed.
	r.clock.Advance(56 * time.Minute)
	if _, err := r.svc.Accounts.Activate(r.ctx(), "camilles", code); err != nil {
		t.Fatal(err)
	}
}

func TestCodes_StopWhenDeactivatedOrEmailChanges(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staff")
	code := r.peekCode(r.message(app.MailActivation, "camilles@email.xyz"))
	off, err := r.svc.Staff.Deactivate(r.ctx(), camille.ID, camille.Version)
	if err != nil {
		t.Fatal(err)
	}
	on, err := r.svc.Staff.Reactivate(r.ctx(), camille.ID, off.Version)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.svc.Accounts.Activate(r.ctx(), "camilles", code)
	wantCode(t, err, app.EINVALID, "no longer works")

	if err := r.svc.Accounts.ResendActivation(r.ctx(), camille.ID, on.Version); err != nil {
		t.Fatal(err)
	}
	code = r.peekCode(r.message(app.MailActivation, "camilles@email.xyz"))
	full, err := r.svc.Staff.Get(r.ctx(), camille.ID)
	if err != nil {
		t.Fatal(err)
	}
	full.Email = "camille.fixed@email.xyz"
	if _, err := r.svc.Staff.Update(r.ctx(), full); err != nil {
		t.Fatal(err)
	}
	_, err = r.svc.Accounts.Activate(r.ctx(), "camilles", code)
	wantCode(t, err, app.EINVALID, "no longer works")
}

// Uniqueness of the email is checked when the change is asked for and again when it
// is confirmed; a pending address is taken for others too.
func TestEmailChange_Uniqueness(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	camille := r.createStaff("camilles", "Camille", "Staff")
	marcus := r.createStaff("marcus", "Marcus", "Staff")

	err := r.svc.Accounts.RequestEmailChange(r.ctx(), camille.ID, "MARCUS@email.xyz")
	wantCode(t, err, app.ECONFLICT, "already used by marcus")
	err = r.svc.Accounts.RequestEmailChange(r.ctx(), camille.ID, "bad\r\nBcc: x@y.z")
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("address with CR LF: %v", err)
	}

	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), camille.ID, "shared@email.xyz"); err != nil {
		t.Fatal(err)
	}
	err = r.svc.Accounts.RequestEmailChange(r.ctx(), marcus.ID, "Shared@Email.xyz")
	wantCode(t, err, app.ECONFLICT, "waiting to be confirmed by camilles")
	_, err = r.svc.Staff.Create(r.ctx(), &app.NewStaff{Staff: app.Staff{FirstName: "New", LastName: "Person",
		ProviderID: r.provider, RoleID: r.role, Email: "shared@email.xyz", Username: "newperson", UnlockPIN: "8453"},
		Password: rigStaffPW, ConfirmPassword: rigStaffPW})
	if !strings.Contains(app.ErrorFields(err)[app.FieldEmail], "waiting to be confirmed by camilles") {
		t.Fatalf("create with a pending address: %v", err)
	}
	code := r.peekCode(r.message(app.MailEmailChangeVerify, "shared@email.xyz"))

	// Meanwhile marcus takes the address by an edit; confirming now is refused.
	full, err := r.svc.Staff.Get(r.ctx(), marcus.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Accounts.CancelEmailChange(r.ctx(), camille.ID); err != nil {
		t.Fatal(err)
	}
	full.Email = "shared@email.xyz"
	if _, err := r.svc.Staff.Update(r.ctx(), full); err != nil {
		t.Fatal(err)
	}
	_, err = r.svc.Accounts.ConfirmEmailChange(r.ctx(), "camilles", code)
	wantCode(t, err, app.EINVALID, "no longer works") // cancelled
	wantCode(t, r.svc.Accounts.CancelEmailChange(r.ctx(), camille.ID), app.ECONFLICT, "No email change is pending")

	// Asked while free, confirmed after someone else took it.
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), camille.ID, "late@email.xyz"); err != nil {
		t.Fatal(err)
	}
	code = r.peekCode(r.message(app.MailEmailChangeVerify, "late@email.xyz"))
	if full, err = r.svc.Staff.Get(r.ctx(), marcus.ID); err != nil { // as saved above
		t.Fatal(err)
	}
	full.Email = "late@email.xyz"
	if _, err := r.svc.Staff.Update(r.ctx(), full); err == nil {
		t.Fatal("an edit took an address another account is confirming")
	}
	err = r.db.Write(r.ctx(), func(tx app.Tx) error { // as a second window racing would
		full.Email, full.EmailKey = "late@email.xyz", app.EmailKey("late@email.xyz")
		return tx.UpdateStaff(full)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.svc.Accounts.ConfirmEmailChange(r.ctx(), "camilles", code)
	wantCode(t, err, app.ECONFLICT, "already used by marcus")
}

// The raw codes are nowhere in the database file or its WAL.
func TestCodes_NeverStoredRaw(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	var codes []string
	for _, u := range []string{"camilles", "marcus", "priya"} {
		st := r.createStaff(u, "Some", "One")
		if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), st.ID, st.Version); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, r.peekCode(r.message(app.MailActivation, u+"@email.xyz")),
			r.peekCode(r.message(app.MailPasswordReset, u+"@email.xyz")))
	}
	path := filepath.Join(r.dir, "staffdesk.db")
	scan := func(when string) {
		t.Helper()
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(path + suffix)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			for _, c := range codes {
				for _, form := range []string{c, strings.ReplaceAll(c, "-", "")} {
					if bytes.Contains(b, []byte(form)) {
						t.Fatalf("%s: code %s found in %s", when, form, filepath.Base(path+suffix))
					}
				}
			}
			if bytes.Contains(b, []byte(rigSMTPPassword)) {
				t.Fatalf("%s: the SMTP password is in %s", when, filepath.Base(path+suffix))
			}
		}
	}
	scan("queued")
	r.sendDue() // delivered: the sealed bodies are discarded too
	scan("sent")
	if err := r.db.Write(r.ctx(), func(tx app.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	r.svc.Courier.Stop()
	if err := r.db.Close(); err != nil { // closing checkpoints the WAL into the file
		t.Fatal(err)
	}
	scan("after checkpoint")
	r.open()
}

// The grid says how long an activation link has left, rounded to the nearest unit.
func TestStatusDetail_ExpiryWording(t *testing.T) {
	now := time.Date(2026, 4, 10, 14, 32, 0, 0, time.UTC)
	tests := []struct {
		left time.Duration
		want string
	}{
		{72*time.Hour - time.Minute, "Pending activation · expires in 3 days"},
		{48 * time.Hour, "Pending activation · expires in 2 days"},
		{37 * time.Hour, "Pending activation · expires in 2 days"},
		{30 * time.Hour, "Pending activation · expires in 1 day"},
		{23*time.Hour + 45*time.Minute, "Pending activation · expires in 1 day"},
		{5*time.Hour + 20*time.Minute, "Pending activation · expires in 5 hours"},
		{61 * time.Minute, "Pending activation · expires in 1 hour"},
		{10 * time.Minute, "Pending activation · expires in 10 minutes"},
		{20 * time.Second, "Pending activation · expires in a minute"},
		{-time.Second, "Pending activation · code expired"},
	}
	for _, tt := range tests {
		s := &app.Staff{Status: app.StatusPending, ActivationExpires: now.Add(tt.left)}
		if got := s.StatusDetail(now); got != tt.want {
			t.Errorf("%s left: %q, want %q", tt.left, got, tt.want)
		}
	}
	s := &app.Staff{Status: app.StatusActive, PendingEmail: "new@email.xyz"}
	if got := s.StatusDetail(now); got != "Active · Email change pending" {
		t.Errorf("email change: %q", got)
	}
}

// Resend activation carries the version the grid showed: an account whose address was
// corrected on another desk meanwhile gets no email at an address the manager did not
// confirm.
func TestResendActivation_StaleCopyRefused(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	seen := r.createStaff("camilles", "Camille", "Staff")
	other, err := r.svc.Staff.Get(r.ctx(), seen.ID)
	if err != nil {
		t.Fatal(err)
	}
	other.Email = "camille.fixed@email.xyz" // the other desk corrects the address
	if _, err := r.svc.Staff.Update(r.ctx(), other); err != nil {
		t.Fatal(err)
	}
	before, err := r.svc.Outbox.List(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	err = r.svc.Accounts.ResendActivation(r.ctx(), seen.ID, seen.Version)
	wantCode(t, err, app.ECONFLICT, "Camille's account was changed since you opened it")
	if !app.IsChanged(err) {
		t.Fatalf("stale resend: %v, want IsChanged", err)
	}
	after, err := r.svc.Outbox.List(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("the refused resend queued %d emails", len(after)-len(before))
	}
}

// Reset Password carries the version the window showed, as Resend activation does: an
// address corrected on another desk meanwhile is not mailed a reset code the manager
// never confirmed sending there, and the refusal says the account changed.
func TestRequestPasswordReset_StaleCopyRefused(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	seen := r.createStaff("camilles", "Camille", "Staff")
	other, err := r.svc.Staff.Get(r.ctx(), seen.ID)
	if err != nil {
		t.Fatal(err)
	}
	other.Email = "camille.fixed@email.xyz" // the other desk corrects the address
	if _, err := r.svc.Staff.Update(r.ctx(), other); err != nil {
		t.Fatal(err)
	}
	before, err := r.svc.Outbox.List(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	err = r.svc.Accounts.RequestPasswordReset(r.ctx(), seen.ID, seen.Version)
	wantCode(t, err, app.ECONFLICT, "Camille's account was changed since you opened it")
	if !app.IsChanged(err) {
		t.Fatalf("stale reset: %v, want IsChanged", err)
	}
	after, err := r.svc.Outbox.List(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("the refused reset queued %d emails", len(after)-len(before))
	}

	now, err := r.svc.Staff.Get(r.ctx(), seen.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), now.ID, now.Version); err != nil {
		t.Fatalf("reset of the account as it is now: %v", err)
	}
	after, err = r.svc.Outbox.List(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	var resets []string
	for _, m := range after {
		if m.Kind == app.MailPasswordReset {
			resets = append(resets, m.ToAddress)
		}
	}
	if len(after) != len(before)+1 || len(resets) != 1 || resets[0] != "camille.fixed@email.xyz" {
		t.Fatalf("the reset of the current copy queued %d emails, password resets to %v", len(after)-len(before), resets)
	}
}

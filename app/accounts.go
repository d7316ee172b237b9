package app

import (
	"context"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"time"
)

// AccountService is what the account emails unlock: activation, password reset and
// email change, each through a one-time code sent by email. The manager starts them;
// the staff member finishes them with the code. The manager never sees a code or the
// new password.
type AccountService struct {
	gate *gate
	mail *postbox
	// hash is HashPassword; a field so that tests of unrelated rules stay fast.
	hash func(string) (string, error)
}

// ResendActivation sends a new activation email to a Pending account; the previous
// code stops working. version is the account's Version as the window showed it (with
// the address it asked about): an account changed since, its address corrected on
// another desk say, is refused (ECONFLICT, IsChanged) rather than mailed at an address
// the manager did not confirm.
func (a *AccountService) ResendActivation(ctx context.Context, staffID, version int64) error {
	err := a.gate.write(ctx, PermManageAccounts, func(tx *call) error {
		st, err := tx.manageable(staffID)
		if err != nil {
			return err
		}
		if st.Version != version {
			return staffMovedOn(st)
		}
		tx.mail()
		switch st.Status {
		case StatusActive:
			return Errorf(ECONFLICT, "%s has already activated the account.", st.FullName())
		case StatusInactive:
			return Errorf(ECONFLICT, "%s is inactive; reactivate the account first.", st.FullName())
		}
		return a.mail.sendActivation(tx, st)
	})
	if err != nil {
		return wrapInternal("send the activation email", err)
	}
	return nil
}

// Activate makes the account Active with the code from its activation email.
func (a *AccountService) Activate(ctx context.Context, username, code string) (*Staff, error) {
	var out *Staff
	err := a.redeem(ctx, username, CodeActivation, code, func(tx *call, st *Staff, c *Code) error {
		switch st.Status {
		case StatusActive:
			return Errorf(ECONFLICT, "This account is already active.")
		case StatusInactive:
			return Errorf(EFORBIDDEN, "This account is inactive; ask your office manager.")
		}
		st.moveTo(StatusActive, a.mail.now())
		if err := tx.SetStaffStatus(st); err != nil {
			return err
		}
		var err error
		out, err = tx.Staff(st.ID)
		return err
	})
	if err != nil {
		return nil, wrapInternal("activate the account", err)
	}
	return out.settle(a.mail.now()), nil
}

// RequestPasswordReset emails the staff member a code to choose a new password,
// valid 72 hours. The current password keeps working until then. version is the
// account's Version as the window showed it (with the address it asked about), as for
// ResendActivation: an account changed since is refused (ECONFLICT, IsChanged).
func (a *AccountService) RequestPasswordReset(ctx context.Context, staffID, version int64) error {
	err := a.gate.write(ctx, PermManageAccounts, func(tx *call) error {
		st, err := tx.manageable(staffID)
		if err != nil {
			return err
		}
		if st.Version != version {
			return staffMovedOn(st)
		}
		if st.Status == StatusInactive {
			return Errorf(ECONFLICT, "%s is inactive; reactivate the account first.", st.FullName())
		}
		tx.mail()
		code, expires, err := a.mail.issueCode(tx, st.ID, CodePasswordReset, "")
		if err != nil {
			return err
		}
		return a.mail.queue(tx, MailPasswordReset, st, st.Email, LinkResetPassword, code, mailData{
			Expires: mailTime(expires), ValidFor: "72 hours"})
	})
	if err != nil {
		return wrapInternal("send the password reset email", err)
	}
	return nil
}

// ResetPassword sets a new password with the code from a password reset email. The
// password obeys CheckPassword. On success every other code of the person stops
// working and a "your password was changed" email is queued; the person signs in again.
func (a *AccountService) ResetPassword(ctx context.Context, username, code, password, confirm string) error {
	// The code is checked first, and nothing is said about the password until it is
	// right: the password rules know the account's names, so answering them first would
	// tell a stranger which usernames exist and what their names hold. A wrong code
	// counts as one (redeem commits that); a right one is not used up yet (the check's
	// transaction is undone), so that a refused password leaves it working.
	var rules error
	err := a.redeem(ctx, username, CodePasswordReset, code, func(tx *call, st *Staff, c *Code) error {
		rules = CheckPassword(password, confirm, passwordContextOf(st))
		return errCodeChecked
	})
	switch {
	case err == nil: // redeem neither refused the code nor ran the check: a bug
		return Internal("check the code", errors.New("the code was not checked"))
	case !errors.Is(err, errCodeChecked):
		return wrapInternal("check the code", err)
	case rules != nil:
		return rules
	}
	hash, err := a.hash(password)
	if err != nil {
		return Internal("protect the password", err)
	}
	err = a.redeem(ctx, username, CodePasswordReset, code, func(tx *call, st *Staff, c *Code) error {
		now := a.mail.now()
		if err := tx.SetPasswordHash(st.ID, hash, now); err != nil {
			return err
		}
		// The person signs in again with the new password, everywhere (the seeds), and
		// a lock from failed sign-ins ends: they proved who they are with the code.
		if _, err := tx.EndSessions(st.ID, 0, EndPasswordReset, now); err != nil {
			return err
		}
		if err := tx.SetSignInState(st.ID, SignInState{LastSignInAt: st.SignIn.LastSignInAt}); err != nil {
			return err
		}
		if err := a.mail.revoke(tx, st.ID); err != nil {
			return err
		}
		tx.mail()
		return a.mail.queue(tx, MailPasswordChanged, st, st.Email, "", "", mailData{When: mailTime(now)})
	})
	if err != nil {
		return wrapInternal("set the new password", err)
	}
	return nil
}

// RequestEmailChange sends a code to newEmail and a notice to the current address.
// The address changes when the code is entered (ConfirmEmailChange); meanwhile the
// grid shows the change as pending. The new address must be free now and again when
// confirmed.
func (a *AccountService) RequestEmailChange(ctx context.Context, staffID int64, newEmail string) error {
	email, err := CheckEmail(newEmail)
	if err != nil {
		return err
	}
	err = a.gate.write(ctx, anyone, func(tx *call) error {
		st, err := tx.emailChangeable(staffID)
		if err != nil {
			return err
		}
		if st.Status == StatusInactive {
			return Errorf(ECONFLICT, "%s is inactive; reactivate the account first.", st.FullName())
		}
		if EmailKey(email) == EmailKey(st.Email) {
			return FieldError(FieldEmail, "This is already %s's email address.", st.FullName())
		}
		if err := a.checkEmailFree(tx, st.ID, email); err != nil {
			return err
		}
		code, expires, err := a.mail.issueCode(tx, st.ID, CodeEmailChange, email)
		if err != nil {
			return err
		}
		d := mailData{Expires: mailTime(expires), ValidFor: "24 hours", NewEmail: email, OldEmail: st.Email}
		if err := a.mail.queue(tx, MailEmailChangeVerify, st, email, LinkConfirmEmail, code, d); err != nil {
			return err
		}
		tx.mail()
		return a.mail.queue(tx, MailEmailChangeNotice, st, st.Email, "", "", d)
	})
	if err != nil {
		return wrapInternal("start the email change", err)
	}
	return nil
}

// ConfirmEmailChange makes the pending new address the account's, with the code sent
// to it. Every other code of the person stops working.
func (a *AccountService) ConfirmEmailChange(ctx context.Context, username, code string) (*Staff, error) {
	var out *Staff
	err := a.redeem(ctx, username, CodeEmailChange, code, func(tx *call, st *Staff, c *Code) error {
		if err := a.checkEmailFree(tx, st.ID, c.NewEmail); err != nil {
			return err
		}
		full, err := tx.Staff(st.ID)
		if err != nil {
			return err
		}
		full.Email, full.EmailKey, full.UpdatedAt = c.NewEmail, EmailKey(c.NewEmail), a.mail.now()
		if err := tx.UpdateStaff(full); err != nil {
			return err
		}
		if err := a.mail.revoke(tx, st.ID); err != nil {
			return err
		}
		out, err = tx.Staff(st.ID)
		return err
	})
	if err != nil {
		return nil, wrapInternal("change the email address", err)
	}
	return out, nil
}

// CancelEmailChange stops a pending email change; its code stops working.
func (a *AccountService) CancelEmailChange(ctx context.Context, staffID int64) error {
	err := a.gate.write(ctx, anyone, func(tx *call) error {
		if _, err := tx.emailChangeable(staffID); err != nil {
			return err
		}
		if _, err := tx.LiveCode(staffID, CodeEmailChange); ErrorCode(err) == ENOTFOUND {
			return Errorf(ECONFLICT, "No email change is pending.")
		} else if err != nil {
			return err
		}
		return a.mail.revoke(tx, staffID, CodeEmailChange)
	})
	return wrapInternal("cancel the email change", err)
}

// checkEmailFree refuses email when another account has it, or is waiting to confirm it.
func (a *AccountService) checkEmailFree(tx Tx, staffID int64, email string) error {
	others, err := tx.FindStaff(StaffFilter{EmailKey: EmailKey(email)})
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != staffID {
			return ConflictError(FieldEmail, "This email is already used by %s.", o.Username)
		}
	}
	owner, err := tx.PendingEmailOwner(EmailKey(email), staffID, a.mail.now())
	if err != nil {
		return err
	} else if owner != "" {
		return ConflictError(FieldEmail, "This email is waiting to be confirmed by %s.", owner)
	}
	return nil
}

// redeem checks a typed code for username inside one write transaction and, when it
// is good, marks it used and runs then. A wrong code is recorded (it counts towards
// MaxWrongCodes) even though the call fails; an error from then undoes everything.
func (a *AccountService) redeem(ctx context.Context, username string, kind CodeKind, typed string, then func(*call, *Staff, *Code) error) error {
	var verdict error
	err := a.gate.public(ctx, true, func(tx *call) error {
		verdict = nil
		now := a.mail.now()
		found, err := tx.FindStaff(StaffFilter{Username: strings.TrimSpace(username)})
		if err != nil {
			return err
		}
		if strings.TrimSpace(username) == "" || len(found) != 1 {
			// The same words as a wrong code: the window must not reveal which usernames exist.
			verdict = FieldError(FieldCode, "That code is not right for this username. Check both and try again.")
			return nil
		}
		st := found[0]
		n, oldest, err := tx.CodeFailuresSince(st.ID, now.Add(-WrongCodeWindow))
		if err != nil {
			return err
		}
		if n >= MaxWrongCodes {
			verdict = Errorf(EFORBIDDEN, "Too many wrong codes; try again after %s.", oldest.Add(WrongCodeWindow).Local().Format("15:04"))
			return nil
		}
		norm, ok := NormalizeCode(typed)
		if !ok {
			verdict = FieldError(FieldCode, "A code is 10 letters and digits, like ABCDE-12345.")
			return nil
		}
		c, err := tx.CodeByDigest(codeDigest(a.mail.digester, st.ID, kind, norm))
		if ErrorCode(err) == ENOTFOUND {
			if err := tx.AddCodeFailure(st.ID, now); err != nil {
				return err
			}
			msg := "That code is not right for this username. Check both and try again."
			if left := MaxWrongCodes - n - 1; left == 0 {
				msg += " That was the last try for this hour."
			}
			verdict = FieldError(FieldCode, "%s", msg)
			return nil
		} else if err != nil {
			return err
		}
		switch {
		case !c.UsedAt.IsZero():
			verdict = FieldError(FieldCode, "This code was already used.")
		case !c.RevokedAt.IsZero():
			verdict = FieldError(FieldCode, "This code no longer works: a newer one was sent, or the password, email address or account status changed since. %s", askForNew(kind))
		case !now.Before(c.ExpiresAt):
			verdict = FieldError(FieldCode, "This code expired on %s. %s", mailTime(c.ExpiresAt), askForNew(kind))
		case st.Status == StatusInactive:
			verdict = Errorf(EFORBIDDEN, "This account is inactive; ask your office manager.")
		}
		if verdict != nil {
			return nil
		}
		if err := tx.UseCode(c.ID, now); err != nil {
			return err
		}
		return then(tx, st, c)
	})
	if err != nil {
		return err
	}
	return verdict
}

// errCodeChecked undoes a redeem that only checked a code.
var errCodeChecked = errors.New("code checked, not used")

func askForNew(kind CodeKind) string {
	switch kind {
	case CodeActivation:
		return "Ask your office manager to resend the activation email."
	case CodePasswordReset:
		return "Ask your office manager for a new password reset email."
	}
	return "Ask your office manager to start the email change again."
}

// StatusInfo is where an account is, with what the grid's status cell says beneath it.
type StatusInfo struct {
	Kind StaffStatus
	// Expires is when the live activation code expires (zero: none); Left is the time
	// left then, and Expired says it is up, as of the time asked.
	Expires            time.Time
	Left               time.Duration
	Expired            bool
	EmailChangePending bool
}

// StatusInfo is s's status as of now.
func (s *Staff) StatusInfo(now time.Time) StatusInfo {
	st := StatusInfo{Kind: s.Status, EmailChangePending: s.PendingEmail != ""}
	if s.Status == StatusPending && !s.ActivationExpires.IsZero() {
		st.Expires, st.Left = s.ActivationExpires, s.ActivationExpires.Sub(now)
		st.Expired = st.Left <= 0
	}
	return st
}

// Headline is the status itself: "Pending activation", "Active", "Inactive".
func (st StatusInfo) Headline() string { return st.Kind.Label() }

// Details are what the grid shows under the headline: "expires in 2 days" or "code
// expired", and "Email change pending".
func (st StatusInfo) Details() []string {
	var d []string
	switch {
	case st.Expires.IsZero():
	case st.Expired:
		d = append(d, "code expired")
	default:
		d = append(d, "expires in "+roughDuration(st.Left))
	}
	if st.EmailChangePending {
		d = append(d, "Email change pending")
	}
	return d
}

// Label is the status on one line: "Pending activation · expires in 2 days".
func (st StatusInfo) Label() string {
	return strings.Join(append([]string{st.Headline()}, st.Details()...), " · ")
}

// StatusDetail is the status cell on one line: "Pending activation · expires in 2
// days", "Pending activation · code expired", "Active · Email change pending",
// "Inactive".
func (s *Staff) StatusDetail(now time.Time) string { return s.StatusInfo(now).Label() }

// roughDuration is "2 days", "5 hours", "10 minutes", rounded down.
func roughDuration(d time.Duration) string {
	// Rounded to the nearest unit: a link valid for 3 days, sent a minute ago, "expires
	// in 3 days", as its email says.
	switch {
	case d >= 36*time.Hour:
		return fmt.Sprintf("%d days", (d+12*time.Hour)/(24*time.Hour))
	case d >= 23*time.Hour+30*time.Minute:
		return "1 day"
	case d >= 90*time.Minute:
		return fmt.Sprintf("%d hours", (d+30*time.Minute)/time.Hour)
	case d >= 59*time.Minute+30*time.Second:
		return "1 hour"
	case d >= 90*time.Second:
		return fmt.Sprintf("%d minutes", (d+30*time.Second)/time.Minute)
	}
	return "a minute"
}

// postbox issues codes and queues account emails inside the caller's transaction, so
// that an email commits together with the change that causes it, or not at all.
type postbox struct {
	digester Digester
	settings *EmailSettingsService // for settings given from outside; may be nil
	now      func() time.Time
	bell     chan struct{}
}

func newPostbox(d Digester, now func() time.Time, bell chan struct{}) *postbox {
	if now == nil {
		now = time.Now
	}
	if bell == nil {
		bell = make(chan struct{}, 1)
	}
	return &postbox{digester: d, now: now, bell: bell}
}

// ring tells the courier something was queued. Call it after the commit.
func (p *postbox) ring() {
	select {
	case p.bell <- struct{}{}:
	default:
	}
}

// issueCode makes a new code of kind for the account; the older one of that kind
// stops working. It returns the code as the email shows it, and when it expires.
func (p *postbox) issueCode(tx Tx, staffID int64, kind CodeKind, newEmail string) (string, time.Time, error) {
	code, err := NewCode()
	if err != nil {
		return "", time.Time{}, Internal("make a code", err)
	}
	norm, _ := NormalizeCode(code)
	// An email still waiting with the older code would only confuse.
	if _, err := tx.CancelWaitingMail(staffID, codeMail[kind]); err != nil {
		return "", time.Time{}, err
	}
	now := p.now()
	valid := ActivationValidFor
	switch kind {
	case CodePasswordReset:
		valid = PasswordResetValidFor
	case CodeEmailChange:
		valid = EmailChangeValidFor
	}
	c := &Code{StaffID: staffID, Kind: kind, Digest: codeDigest(p.digester, staffID, kind, norm),
		NewEmail: newEmail, NewEmailKey: EmailKey(newEmail), ExpiresAt: now.Add(valid), CreatedAt: now}
	// The new code replaces the older one of its kind.
	if err := tx.RevokeCodes(staffID, now, kind); err != nil {
		return "", time.Time{}, err
	}
	if err := tx.CreateCode(c); err != nil {
		return "", time.Time{}, err
	}
	return code, c.ExpiresAt, nil
}

// codeMail is the email that carries each kind of code.
var codeMail = map[CodeKind]MailKind{
	CodeActivation:    MailActivation,
	CodePasswordReset: MailPasswordReset,
	CodeEmailChange:   MailEmailChangeVerify,
}

// revoke ends the account's live codes of kinds (every kind when none is given) and
// cancels the emails still waiting to carry them.
func (p *postbox) revoke(tx Tx, staffID int64, kinds ...CodeKind) error {
	if err := tx.RevokeCodes(staffID, p.now(), kinds...); err != nil {
		return err
	}
	if len(kinds) == 0 {
		kinds = []CodeKind{CodeActivation, CodePasswordReset, CodeEmailChange}
	}
	mails := make([]MailKind, len(kinds))
	for i, k := range kinds {
		mails[i] = codeMail[k]
	}
	_, err := tx.CancelWaitingMail(staffID, mails...)
	return err
}

// sendActivation issues an activation code for st and queues its email.
func (p *postbox) sendActivation(tx Tx, st *Staff) error {
	code, expires, err := p.issueCode(tx, st.ID, CodeActivation, "")
	if err != nil {
		return err
	}
	return p.queue(tx, MailActivation, st, st.Email, LinkActivate, code, mailData{
		Expires: mailTime(expires), ValidFor: "3 days"})
}

// queue renders kind for st, to the address to, and writes it to the outbox: the
// bodies with code (sealed by the store) and a copy with the code masked. An email
// with a code carries the staffdesk: link of action that opens the window for it
// ("" for an email without a code), and the code as text besides, for the mail
// program that does not open such links.
func (p *postbox) queue(tx Tx, kind MailKind, st *Staff, to string, action LinkAction, code string, d mailData) error {
	set, err := tx.Settings("email.")
	if err != nil {
		return err
	}
	cfg := EmailSettings{PracticeName: set[setPracticeName], FromAddress: set[setFromAddress]}
	if p.settings != nil {
		p.settings.mu.Lock()
		if o := p.settings.outside; o != nil {
			cfg.FromAddress = o.FromAddress
		}
		p.settings.mu.Unlock()
	}
	d.Practice, d.Name, d.Username = practiceName(cfg), st.FullName(), st.Username

	full, masked := d, d
	full.Code, masked.Code = code, ""
	if code != "" {
		masked.Code = maskedCode
	}
	if action != "" && code != "" {
		// A username an older release let in that a link cannot carry gets the email
		// without one: the code and username are in it as text all the same.
		if link, err := BuildLink(action, st.Username, code); err == nil {
			full.Link = htmltemplate.URL(link)
			masked.Link = htmltemplate.URL(linkURL(action, st.Username, maskedCode))
		}
	}
	text, html, subject, err := renderMail(kind, full)
	if err != nil {
		return Internal("prepare the email", err)
	}
	rtext, rhtml, _, err := renderMail(kind, masked)
	if err != nil {
		return Internal("prepare the email", err)
	}
	if msg := headerTextProblem("name", st.FullName(), 2*MaxNameLen+1); msg != "" { // the longest two names CheckName allows
		return FieldError(FieldName, "%s", msg)
	}
	now := p.now()
	m := &OutboxMessage{StaffID: st.ID, Kind: kind, ToName: st.FullName(), ToAddress: to, Subject: subject,
		MessageID: newMessageID(cfg.FromAddress), Text: text, HTML: html, RedactedText: rtext, RedactedHTML: rhtml,
		Status: MailQueued, NextAttemptAt: now, CreatedAt: now}
	return tx.QueueMail(m)
}

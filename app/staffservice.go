package app

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// StaffService creates, edits, deactivates and deletes office staff accounts.
type StaffService struct {
	gate *gate
	// hash is HashPassword; a field so that tests of unrelated rules stay fast.
	hash func(string) (string, error)
	// mail queues the activation email in the transaction that creates the account
	// (accounts.go).
	mail *postbox
}

// now is the service's clock, the one that stamps every record it writes.
func (s *StaffService) now() time.Time { return s.mail.now().UTC() }

// List returns every account the caller may see (office scoping), inactive ones
// included, for the Staff grid.
func (s *StaffService) List(ctx context.Context) ([]*Staff, error) {
	var out []*Staff
	err := s.gate.read(ctx, anyone, func(tx *call) error {
		all, err := tx.FindStaff(StaffFilter{})
		if err != nil {
			return err
		}
		// Each row carries its role's permissions, so that the grid offers to change
		// only the accounts the caller may (checkAbove).
		roles, err := tx.Roles()
		if err != nil {
			return err
		}
		perms := make(map[int64]PermissionSet, len(roles))
		for _, r := range roles {
			perms[r.ID] = r.Permissions
		}
		for _, st := range all {
			st.Permissions = perms[st.RoleID]
		}
		if !tx.me.Staff.RestrictOffices {
			out = all
			return nil
		}
		out = all[:0]
		for _, st := range all {
			if tx.me.MaySee(st) {
				out = append(out, st)
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrapInternal("load the staff list", err)
	}
	now := s.now()
	for _, st := range out {
		st.settle(now)
	}
	return out, nil
}

// Get returns one account with its offices and its role's permissions, and its PINs
// when it is the caller's own or they hold See staff PINs (PINsHidden otherwise).
func (s *StaffService) Get(ctx context.Context, id int64) (*Staff, error) {
	var out *Staff
	err := s.gate.read(ctx, anyone, func(tx *call) error {
		st, err := tx.visible(id)
		if err != nil {
			return err
		}
		out, err = tx.view(st)
		return err
	})
	if err != nil {
		return nil, wrapInternal("load the staff member", err)
	}
	return out.settle(s.now()), nil
}

// Create validates in and creates the account as Pending activation. A Support PIN is
// generated when in has none; the password is stored only as an Argon2id hash.
func (s *StaffService) Create(ctx context.Context, in *NewStaff) (*Staff, error) {
	st := in.Staff
	st.ID, st.Version = 0, 0
	st.Status, st.ActivatedAt = StatusPending, time.Time{}
	st.TwoFactor = false
	var p Problems
	normalizeStaff(&st, &p)
	p.AddErr(FieldPassword, CheckPassword(in.Password, in.ConfirmPassword, passwordContextOf(&st)))
	if st.SupportPIN == "" {
		pin, err := NewSupportPIN()
		if err != nil {
			return nil, Internal("generate a Support PIN", err)
		}
		st.SupportPIN = pin
	}
	if err := p.Err(); err != nil {
		// Report reference and uniqueness problems too, so the manager fixes all at once.
		if rerr := s.gate.read(ctx, PermManageAccounts, func(tx *call) error { return checkReferences(tx, &st, nil, &p, s.now()) }); rerr != nil && ErrorCode(rerr) != EINVALID && ErrorCode(rerr) != ECONFLICT {
			return nil, wrapInternal("check the staff member", rerr)
		}
		return nil, p.Err()
	}
	hash, err := s.hash(in.Password)
	if err != nil {
		return nil, Internal("protect the password", err)
	}
	err = s.gate.write(ctx, PermManageAccounts, func(tx *call) error {
		now := s.now()
		if err := checkReferences(tx, &st, nil, &p, now); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := tx.checkRoleGrant(st.RoleID); err != nil {
			return err
		}
		if err := tx.checkOfficeGrant(&st, nil); err != nil {
			return err
		}
		if err := tx.checkStaffLimit(); err != nil {
			return err
		}
		st.CreatedAt, st.UpdatedAt = now, now
		// The manager chose this password and knows it: the person chooses their own
		// at their first sign-in.
		st.SignIn = SignInState{MustChangePassword: true}
		if err := tx.CreateStaff(&st, hash); err != nil {
			return staffTaken(tx, &st, err)
		}
		if err := s.mail.sendActivation(tx, &st); err != nil {
			return err
		}
		tx.mail()
		created, err := tx.reread(st.ID)
		if err != nil {
			return err
		}
		st = *created
		return nil
	})
	if err != nil {
		return nil, wrapInternal(fmt.Sprintf("create the account %s", st.Username), err)
	}
	return &st, nil
}

// StaffUpdate is what Update did.
type StaffUpdate struct {
	Staff *Staff // the account as saved
	// ActivationSentTo is the corrected address a new activation email was sent to: the
	// address of an account never activated was changed. "" when it was not.
	ActivationSentTo string
}

// Update validates and saves every editable field of in, if the account is still at
// in.Version: an edit made from a stale copy is refused (ECONFLICT, IsChanged) rather
// than undoing someone else's. The password and status are not changed here.
//
// The address of an account that was never activated can be corrected here: its old
// codes stop working and, while it is Pending, a new activation email goes to the new
// address at once. An activated account's address changes only through
// AccountService.RequestEmailChange, which the new address must confirm.
func (s *StaffService) Update(ctx context.Context, in *Staff) (*StaffUpdate, error) {
	st := *in
	var p Problems
	normalizeStaff(&st, &p)
	var out StaffUpdate
	err := s.gate.write(ctx, PermManageAccounts, func(tx *call) error {
		now := s.now()
		cur, err := tx.manageable(st.ID)
		if ErrorCode(err) == ENOTFOUND {
			return Errorf(ENOTFOUND, "%s was deleted since you opened it.", AccountOf(in.FirstName))
		} else if err != nil {
			return err
		}
		if cur.Version != st.Version {
			return staffChanged(cur)
		}
		ends, err := tx.checkAccessChange(&st, cur)
		if err != nil {
			return err
		}
		// A new address is one with another identity key: the same address in another
		// form (capitals, its domain's xn-- form) is saved in place, as Change Email
		// would refuse it as the account's own.
		emailChanged := EmailKey(cur.Email) != st.EmailKey
		if emailChanged && !cur.ActivatedAt.IsZero() && !p.Has(FieldEmail) {
			p.Add(FieldEmail, fmt.Sprintf("%s has activated the account: the address changes once the new one is confirmed. Use Change Email.", cur.FullName()))
		}
		if err := checkReferences(tx, &st, cur, &p, now); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		st.Status, st.ActivatedAt, st.CreatedAt, st.UpdatedAt = cur.Status, cur.ActivatedAt, cur.CreatedAt, now
		if err := tx.UpdateStaff(&st); IsChanged(err) {
			return staffChanged(cur)
		} else if err != nil {
			return staffTaken(tx, &st, err)
		}
		if ends != "" {
			if _, err := tx.EndSessions(st.ID, 0, ends, now); err != nil {
				return err
			}
		}
		if emailChanged {
			// Codes sent to the old address stop working (a new email stops them all),
			// and the emails still waiting to carry them are cancelled.
			if err := s.mail.revoke(tx, st.ID); err != nil {
				return err
			}
			if st.Status == StatusPending {
				if err := s.mail.sendActivation(tx, &st); err != nil {
					return err
				}
				out.ActivationSentTo = st.Email
				tx.mail()
			}
		}
		out.Staff, err = tx.reread(st.ID)
		return err
	})
	if err != nil {
		return nil, wrapInternal(fmt.Sprintf("save the account %s", st.Username), err)
	}
	out.Staff.settle(s.now())
	return &out, nil
}

// AccountOf is "Camille's account", for the messages about one.
func AccountOf(firstName string) string {
	if firstName = strings.TrimSpace(firstName); firstName == "" {
		return "The account"
	}
	return firstName + "'s account"
}

// staffChanged is the refusal of an edit made from a copy older than cur.
func staffChanged(cur *Staff) error {
	return &Error{Code: ECONFLICT, Err: ErrChanged,
		Message: AccountOf(cur.FirstName) + " was changed since you opened it: reload or keep your changes"}
}

// staffTaken puts the store's refusal of st's username or email, taken by another
// account meanwhile, into the words checkReferences uses, naming the other account.
func staffTaken(tx Tx, st *Staff, err error) error {
	field, ok := takenField(err)
	if !ok {
		return err
	}
	f := StaffFilter{UsernameKey: st.UsernameKey}
	if field == FieldEmail {
		f = StaffFilter{EmailKey: st.EmailKey}
	}
	owner := st.Username // as typed, should the owner not be found
	if others, e := tx.FindStaff(f); e == nil {
		for _, o := range others {
			if o.ID != st.ID {
				owner = o.Username
			}
		}
	}
	var e *Error
	switch field {
	case FieldUsername:
		e = ConflictError(field, "The username %s is taken.", owner)
	case FieldEmail:
		e = ConflictError(field, "This email is already used by %s.", owner)
	default:
		return err
	}
	_, e.Err, _ = refusalOf(err)
	return e
}

// Deactivate makes an account Inactive: it can no longer sign in. version is the
// account's Version as the window showed it: when the account was changed since (on
// another desk, or by its owner activating it), the change is refused (ECONFLICT,
// IsChanged), so that a status is never changed on an account the manager has not seen.
func (s *StaffService) Deactivate(ctx context.Context, id, version int64) (*Staff, error) {
	return s.setStatus(ctx, id, version, func(tx *call, cur *Staff) (StaffStatus, error) {
		if cur.Status == StatusInactive {
			return "", Errorf(ECONFLICT, "%s is already inactive.", cur.FullName())
		}
		if cur.ID == tx.me.Staff.ID {
			return "", Forbidden("You cannot deactivate your own account.")
		}
		if err := tx.checkNotLastAdministrator(cur, "deactivate the account"); err != nil {
			return "", err
		}
		return StatusInactive, nil
	})
}

// Reactivate brings an Inactive account back: Active when it had been activated
// before, Pending activation otherwise. version is as for Deactivate.
func (s *StaffService) Reactivate(ctx context.Context, id, version int64) (*Staff, error) {
	return s.setStatus(ctx, id, version, func(tx *call, cur *Staff) (StaffStatus, error) {
		if cur.Status != StatusInactive {
			return "", Errorf(ECONFLICT, "%s is not inactive.", cur.FullName())
		}
		if err := tx.checkStaffLimit(); err != nil {
			return "", err
		}
		if cur.ActivatedAt.IsZero() {
			return StatusPending, nil
		}
		return StatusActive, nil
	})
}

func (s *StaffService) setStatus(ctx context.Context, id, version int64, next func(*call, *Staff) (StaffStatus, error)) (*Staff, error) {
	var out *Staff
	err := s.gate.write(ctx, PermManageAccounts, func(tx *call) error {
		cur, err := tx.manageable(id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staffMovedOn(cur)
		}
		status, err := next(tx, cur)
		if err != nil {
			return err
		}
		cur.moveTo(status, s.now())
		if err := tx.SetStaffStatus(cur); IsChanged(err) {
			return staffMovedOn(cur)
		} else if err != nil {
			return err
		}
		if status == StatusInactive {
			// A deactivated account's codes stop working, and its sessions end.
			if err := s.mail.revoke(tx, id); err != nil {
				return err
			}
			if _, err := tx.EndSessions(id, 0, EndDeactivated, cur.UpdatedAt); err != nil {
				return err
			}
		}
		out, err = tx.reread(id)
		return err
	})
	if err != nil {
		return nil, wrapInternal("change the account's status", err)
	}
	return out.settle(s.now()), nil
}

// staffMovedOn is the refusal of a status change or a deletion asked for from a copy
// of the account older than cur: there are no edits to keep, only a list to look at
// again.
func staffMovedOn(cur *Staff) error {
	return &Error{Code: ECONFLICT, Err: ErrChanged,
		Message: AccountOf(cur.FirstName) + " was changed since you opened it; look at it again, then try again."}
}

// DeleteResult is what Delete did besides deleting the account.
type DeleteResult struct {
	// CancelledMail is how many of the account's emails were still waiting to be sent
	// and will now never be.
	CancelledMail int
}

// Delete removes an account for good, and cancels every email still waiting to be sent
// to it. typedUsername is what the manager typed to confirm; it must match the
// account's username (ignoring case and surrounding space). version is the account's
// Version as the Delete dialog showed it: an account changed since (given to another
// person, reactivated, activated by its owner) is not deleted on a confirmation given
// for what it was (ECONFLICT, IsChanged), even when its username is still the one typed.
func (s *StaffService) Delete(ctx context.Context, id, version int64, typedUsername string) (*DeleteResult, error) {
	var out DeleteResult
	err := s.gate.write(ctx, PermManageAccounts, func(tx *call) error {
		cur, err := tx.manageable(id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return staffMovedOn(cur)
		}
		if cur.ID == tx.me.Staff.ID {
			return Forbidden("You cannot delete your own account.")
		}
		if !strings.EqualFold(strings.TrimSpace(typedUsername), cur.Username) {
			return FieldError(FieldConfirmUsername, "Type %s to confirm.", cur.Username)
		}
		if err := tx.checkNotLastAdministrator(cur, "delete the account"); err != nil {
			return err
		}
		// Its window, wherever it is open, is told why at its next action.
		if _, err := tx.EndSessions(id, 0, EndDeleted, s.now()); err != nil {
			return err
		}
		// Once the account is gone its messages no longer name it (staff_id is cleared):
		// cancel them while they still do.
		if out.CancelledMail, err = tx.CancelWaitingMail(id, staffMailKinds...); err != nil {
			return err
		}
		return tx.DeleteStaff(id)
	})
	if err != nil {
		return nil, wrapInternal("delete the account", err)
	}
	return &out, nil
}

// staffMailKinds are every kind of email sent to an account.
var staffMailKinds = []MailKind{MailActivation, MailPasswordReset, MailPasswordChanged,
	MailEmailChangeVerify, MailEmailChangeNotice}

// normalizeStaff trims and checks every field of st in place, recording problems.
func normalizeStaff(st *Staff, p *Problems) {
	var err error
	st.FirstName, err = CheckName(FieldFirstName, "first name", st.FirstName)
	p.AddErr(FieldFirstName, err)
	st.LastName, err = CheckName(FieldLastName, "last name", st.LastName)
	p.AddErr(FieldLastName, err)
	if st.ProviderID == 0 {
		p.Add(FieldProvider, "Choose the primary provider.")
	}
	if st.RoleID == 0 {
		p.Add(FieldRole, "Choose a role.")
	}
	st.CareTeamID = strings.TrimSpace(st.CareTeamID)
	switch st.CareTeamIDType {
	case CareTeamIDNone:
		if st.CareTeamID != "" {
			p.Add(FieldCareTeamIDType, "Choose what kind of identifier this is.")
		}
	case CareTeamIDNPI:
		if st.CareTeamID == "" {
			p.Add(FieldCareTeamID, "Enter the NPI, or clear the identifier type.")
		} else {
			st.CareTeamID, err = CheckNPI(FieldCareTeamID, st.CareTeamID)
			p.AddErr(FieldCareTeamID, err)
		}
	case CareTeamIDNCSBN:
		if st.CareTeamID == "" {
			p.Add(FieldCareTeamID, "Enter the NCSBN ID, or clear the identifier type.")
		} else if !isDigits(st.CareTeamID) || len(st.CareTeamID) > 12 {
			p.Add(FieldCareTeamID, "An NCSBN ID is a number of up to 12 digits.")
		}
	case CareTeamIDOther:
		st.CareTeamID, err = CheckText(FieldCareTeamID, "identifier", st.CareTeamID, 50, true)
		p.AddErr(FieldCareTeamID, err)
	default:
		p.Add(FieldCareTeamIDType, "Choose NPI, NCSBN ID or Other.")
	}
	st.Email, err = CheckEmail(st.Email)
	p.AddErr(FieldEmail, err)
	st.Username, err = CheckUsername(st.Username)
	p.AddErr(FieldUsername, err)
	st.EmailKey, st.UsernameKey = EmailKey(st.Email), UsernameKey(st.Username) // identity.go
	st.HomePhone, err = CheckPhone(FieldHomePhone, st.HomePhone)
	p.AddErr(FieldHomePhone, err)
	st.CellPhone, err = CheckPhone(FieldCellPhone, st.CellPhone)
	p.AddErr(FieldCellPhone, err)
	if st.PINsHidden && st.ID != 0 {
		// Edited by someone who may not see them: Update keeps the stored ones.
		st.UnlockPIN, st.SupportPIN = "", ""
	} else {
		st.UnlockPIN = strings.TrimSpace(st.UnlockPIN)
		p.AddErr(FieldUnlockPIN, CheckUnlockPIN(st.UnlockPIN))
		st.SupportPIN = strings.TrimSpace(st.SupportPIN)
		if st.SupportPIN != "" || st.ID != 0 {
			p.AddErr(FieldSupportPIN, CheckSupportPIN(st.SupportPIN))
		}
	}
	st.OfficeIDs = uniqueIDs(st.OfficeIDs)
	if !st.RestrictOffices {
		st.OfficeIDs = nil
	} else if len(st.OfficeIDs) == 0 {
		p.Add(FieldOffices, "Choose at least one office, or turn off Restrict offices.")
	}
}

// checkReferences checks, inside tx, what needs the store: the provider is active, the
// role, care team role and offices exist and are active, and the username and email
// are free (not used, nor waiting to be confirmed by another account at now). cur is
// the account as stored when editing (nil when creating): a role, care team role or
// office it already has may be kept though it has been made inactive since; choosing
// one newly is refused.
func checkReferences(tx Tx, st, cur *Staff, p *Problems, now time.Time) error {
	if st.ProviderID != 0 && !p.Has(FieldProvider) {
		prov, err := tx.Provider(st.ProviderID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			p.Add(FieldProvider, "That provider no longer exists; choose another.")
		case err != nil:
			return err
		case !prov.Active:
			p.Add(FieldProvider, fmt.Sprintf("%s is inactive; choose an active provider.", prov.DisplayName()))
		}
	}
	if st.RoleID != 0 && !p.Has(FieldRole) {
		r, err := tx.Role(st.RoleID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			p.Add(FieldRole, "That role no longer exists; choose another.")
		case err != nil:
			return err
		case !r.Active && (cur == nil || cur.RoleID != r.ID):
			p.Add(FieldRole, fmt.Sprintf("The role %s is inactive; choose an active role.", r.Name))
		}
	}
	if st.CareTeamRoleID != 0 {
		r, err := tx.CareTeamRole(st.CareTeamRoleID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			p.Add(FieldCareTeamRole, "That care team role no longer exists; choose another.")
		case err != nil:
			return err
		case !r.Active && (cur == nil || cur.CareTeamRoleID != r.ID):
			p.Add(FieldCareTeamRole, fmt.Sprintf("The care team role %s is inactive; choose an active one.", r.Name))
		}
	}
	had := map[int64]bool{}
	if cur != nil {
		for _, id := range cur.OfficeIDs {
			had[id] = true
		}
	}
	for _, id := range st.OfficeIDs {
		o, err := tx.Office(id)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			p.Add(FieldOffices, "One of the chosen offices no longer exists.")
		case err != nil:
			return err
		case !o.Active && !had[id]:
			p.Add(FieldOffices, fmt.Sprintf("The office %s is inactive; choose active offices.", o.Name))
		}
	}
	if st.Username != "" && !p.Has(FieldUsername) {
		found, err := tx.FindStaff(StaffFilter{UsernameKey: st.UsernameKey})
		if err != nil {
			return err
		}
		for _, o := range found {
			if o.ID != st.ID {
				p.Add(FieldUsername, fmt.Sprintf("The username %s is taken.", o.Username))
			}
		}
	}
	if st.Email != "" && !p.Has(FieldEmail) {
		found, err := tx.FindStaff(StaffFilter{EmailKey: st.EmailKey})
		if err != nil {
			return err
		}
		for _, o := range found {
			if o.ID != st.ID {
				p.Add(FieldEmail, fmt.Sprintf("This email is already used by %s.", o.Username))
			}
		}
	}
	if st.Email != "" && !p.Has(FieldEmail) {
		// An address another account is confirming (Change Email) is taken too.
		owner, err := tx.PendingEmailOwner(st.EmailKey, st.ID, now)
		if err != nil {
			return err
		} else if owner != "" {
			p.Add(FieldEmail, fmt.Sprintf("This email is waiting to be confirmed by %s.", owner))
		}
	}
	return nil
}

func passwordContextOf(st *Staff) PasswordContext {
	return PasswordContext{Username: st.Username, FirstName: st.FirstName, LastName: st.LastName, Email: st.Email}
}

// PasswordContextOf returns what a password may not contain for st, for the strength meter.
func PasswordContextOf(st *Staff) PasswordContext { return passwordContextOf(st) }

// wrapInternal keeps app Errors as they are, puts the store's refusals into words, and
// wraps anything else as an internal failure while doing what.
func wrapInternal(what string, err error) error {
	if err == nil {
		return nil
	}
	err = storeWords(err)
	if ErrorCode(err) != EINTERNAL {
		return err
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	return Internal(what, err)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

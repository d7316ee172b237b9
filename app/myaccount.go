package app

import (
	"context"
	"time"
)

// My Account: what everyone may do with their own account, with or without
// permissions.

// Me returns the caller's own account with its PINs, offices and permissions.
func (s *SessionService) Me(ctx context.Context) (*Staff, error) {
	var out *Staff
	err := s.gate.read(ctx, anyone, func(tx *call) (err error) {
		out, err = tx.view(tx.me.Staff)
		return err
	})
	if err != nil {
		return nil, wrapInternal("load your account", err)
	}
	return out.settle(s.gate.now().UTC()), nil
}

// SetUnlockPIN gives the caller's own account a new App Unlock PIN of their choosing.
func (s *SessionService) SetUnlockPIN(ctx context.Context, pin string) (*Staff, error) {
	if err := CheckUnlockPIN(pin); err != nil {
		return nil, err
	}
	var out *Staff
	err := s.gate.write(ctx, anyone, func(tx *call) error {
		st := tx.me.Staff
		st.UnlockPIN, st.UpdatedAt = pin, s.gate.now().UTC()
		if err := tx.UpdateStaff(st); err != nil {
			return err
		}
		var err error
		out, err = tx.reread(st.ID)
		return err
	})
	if err != nil {
		return nil, wrapInternal("save your App Unlock PIN", err)
	}
	return out, nil
}

// ChangePassword replaces the caller's password, given their current one. Their other
// sessions end (they sign in again there with the new one), and a "your password was
// changed" email goes to them.
func (s *SessionService) ChangePassword(ctx context.Context, current, password, confirm string) error {
	if current == "" {
		return FieldError(FieldCurrentPassword, "Enter your current password.")
	}
	return s.setOwnPassword(ctx, &current, password, confirm)
}

// ChooseOwnPassword replaces a password someone else chose (SignedIn.MustChangePassword)
// with the person's own, right after they signed in with it; it must differ from it.
func (s *SessionService) ChooseOwnPassword(ctx context.Context, password, confirm string) error {
	return s.setOwnPassword(ctx, nil, password, confirm)
}

func (s *SessionService) setOwnPassword(ctx context.Context, current *string, password, confirm string) error {
	var me *Staff
	var hash string
	err := s.gate.read(ctx, anyone, func(tx *call) (err error) {
		me = tx.me.Staff
		if current == nil && !me.SignIn.MustChangePassword {
			return Forbidden("Your password is already your own; change it with your current password.")
		}
		hash, err = tx.PasswordHash(me.ID)
		return err
	})
	if err != nil {
		return wrapInternal("change your password", err)
	}
	if current != nil {
		if ok, err := s.verify(hash, *current); err != nil {
			return Internal("check your current password", err)
		} else if !ok {
			return FieldError(FieldCurrentPassword, "That is not your current password.")
		}
	}
	if err := CheckPassword(password, confirm, passwordContextOf(me)); err != nil {
		return err
	}
	if same, err := s.verify(hash, password); err != nil {
		return Internal("check your new password", err)
	} else if same {
		return FieldError(FieldPassword, "Choose a password different from the one you have now.")
	}
	next, err := s.hash(password)
	if err != nil {
		return Internal("protect the password", err)
	}
	err = s.gate.write(ctx, anyone, func(tx *call) error {
		now := s.gate.now().UTC()
		if tx.me.Staff.Version != me.Version {
			return Errorf(ECONFLICT, "Your account was changed just now on another desk; try again.")
		}
		if err := tx.SetPasswordHash(me.ID, next, now); err != nil {
			return err
		}
		state := tx.me.Staff.SignIn
		state.MustChangePassword = false
		if err := tx.SetSignInState(me.ID, state); err != nil {
			return err
		}
		if _, err := tx.EndSessions(me.ID, tx.me.Session.ID, EndPasswordChanged, now); err != nil {
			return err
		}
		// A password reset email waiting to be used would undo this choice.
		if err := s.mail.revoke(tx, me.ID, CodePasswordReset); err != nil {
			return err
		}
		tx.mail()
		return s.mail.queue(tx, MailPasswordChanged, tx.me.Staff, tx.me.Staff.Email, "", "", mailData{When: mailTime(now)})
	})
	if err != nil {
		return wrapInternal("change your password", err)
	}
	return nil
}

// Unlock ends the lock and the count of failed sign-ins of an account.
func (s *StaffService) Unlock(ctx context.Context, id int64) (*Staff, error) {
	var out *Staff
	err := s.gate.write(ctx, PermManageAccounts, func(tx *call) error {
		st, err := tx.manageable(id)
		if err != nil {
			return err
		}
		state := st.SignIn
		state.Failures, state.LastFailedAt, state.LockedUntil = 0, st.SignIn.LastFailedAt, time.Time{}
		if err := tx.SetSignInState(id, state); err != nil {
			return err
		}
		out, err = tx.reread(id)
		return err
	})
	if err != nil {
		return nil, wrapInternal("unlock the account", err)
	}
	return out, nil
}

package app

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Session is one sign-in at one desk, kept in the store so that another process or
// desk on the same database sees it end. The token that proves it is never stored,
// only its digest.
type Session struct {
	ID          int64
	StaffID     int64
	TokenDigest []byte
	Desk        string // the computer it was opened on, as the person would know it
	StartedAt   time.Time
	LastSeenAt  time.Time
	EndedAt     time.Time  // zero while it is live
	EndReason   SessionEnd // "" while it is live
	Current     bool       // set by the services: the session of the call that listed it
}

// Live reports whether the session has not ended.
func (s *Session) Live() bool { return s.EndedAt.IsZero() }

// SessionEnd is why a session ended.
type SessionEnd string

const (
	EndSignedOut          SessionEnd = "signed_out"
	EndEndedElsewhere     SessionEnd = "ended_elsewhere" // the person ended it from another session
	EndPasswordReset      SessionEnd = "password_reset"
	EndPasswordChanged    SessionEnd = "password_changed"
	EndDeactivated        SessionEnd = "deactivated"
	EndDeleted            SessionEnd = "deleted"
	EndRoleChanged        SessionEnd = "role_changed"
	EndPermissionsChanged SessionEnd = "permissions_changed"
)

// Message is what the Sign in window says about a session that ended this way.
func (e SessionEnd) Message() string {
	switch e {
	case EndSignedOut:
		return "You signed out."
	case EndEndedElsewhere:
		return "This session was ended from another StaffDesk. Sign in again to go on."
	case EndPasswordReset:
		return "Your password was reset. Sign in with your new password."
	case EndPasswordChanged:
		return "Your password was changed. Sign in with your new password."
	case EndDeactivated:
		return "Your account was deactivated, so you were signed out. Ask your manager if this is unexpected."
	case EndDeleted:
		return "Your account was deleted, so you were signed out."
	case EndRoleChanged:
		return "Your role was changed, so you were signed out. Sign in again to go on with your new permissions."
	case EndPermissionsChanged:
		return "The permissions of your role were changed, so you were signed out. Sign in again to go on."
	}
	return "You were signed out. Sign in again to go on."
}

// ESIGNEDOUT: the call needs a signed-in person and its session is missing or has
// ended; SignedOutReason says why. The window returns to Sign in saying so.
const ESIGNEDOUT = "signed_out"

// errSignedOut travels in an ESIGNEDOUT error, carrying the reason.
type errSignedOut struct{ reason SessionEnd }

func (e *errSignedOut) Error() string { return "session ended: " + string(e.reason) }

// SignedOut is the ESIGNEDOUT error for a session that ended for reason ("" when there
// was no session at all).
func SignedOut(reason SessionEnd) *Error {
	msg := reason.Message()
	if reason == "" {
		msg = "Sign in to go on."
	}
	return &Error{Code: ESIGNEDOUT, Message: msg, Err: &errSignedOut{reason}}
}

// SignedOutReason returns why err's session ended, when err is an ESIGNEDOUT error.
func SignedOutReason(err error) (SessionEnd, bool) {
	var e *errSignedOut
	if !errors.As(err, &e) {
		return "", false
	}
	return e.reason, true
}

// Forbidden is the EFORBIDDEN error of an action the person may not take.
func Forbidden(msg string) *Error { return &Error{Code: EFORBIDDEN, Message: msg} }

// forbiddenWithout is the refusal of an action that needs perm.
func forbiddenWithout(perm Permission) *Error {
	return Forbidden(fmt.Sprintf("You need the %s permission for this. Ask your practice administrator.", perm.Label()))
}

type sessionKey struct{}

// WithSession returns ctx carrying the token of a signed-in session (SignedIn.Token).
// Every service call but signing in and the emailed-code flows needs one.
func WithSession(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, sessionKey{}, token)
}

// sessionToken returns the token ctx carries, or "".
func sessionToken(ctx context.Context) string {
	t, _ := ctx.Value(sessionKey{}).(string)
	return t
}

// SessionTx keeps sessions.
type SessionTx interface {
	// CreateSession inserts s, setting s.ID.
	CreateSession(s *Session) error
	// SessionByToken returns the session whose token has that digest, live or ended;
	// ENOTFOUND when none.
	SessionByToken(digest []byte) (*Session, error)
	// LiveSessions returns the live sessions of an account, oldest first.
	LiveSessions(staffID int64) ([]*Session, error)
	// EndSessions ends every live session of an account but exceptID (0: none) at at,
	// for reason, and returns how many it ended.
	EndSessions(staffID, exceptID int64, reason SessionEnd, at time.Time) (int, error)
	// EndSession ends one live session; ENOTFOUND when there is no such live session.
	EndSession(id int64, reason SessionEnd, at time.Time) error
	// TouchSession records that a live session was used at at.
	TouchSession(id int64, at time.Time) error
}

// SignInState is an account's (or a typed name's) record of signing in: the last
// success and the failures in a row since, with the lock they led to. Writing it does
// not change the account's Version: an Edit window open on the account stays current.
type SignInState struct {
	LastSignInAt time.Time
	Failures     int // failed attempts in a row since the last success or unlock
	LastFailedAt time.Time
	LockedUntil  time.Time // zero: not locked
	// MustChangePassword: the person signs in next with a password someone else chose
	// (the manager who created the account), and is asked to choose their own.
	MustChangePassword bool
}

// SignInTx keeps the sign-in records. Names typed at Sign in that match no account
// keep theirs by the name's key, so that probing for accounts meets the same delays and
// locks as guessing a password.
type SignInTx interface {
	SetSignInState(staffID int64, st SignInState) error
	// NameThrottle returns the record of a typed name matching no account (zero when
	// none); SetNameThrottle writes it, or forgets it when st is zero.
	NameThrottle(key string) (SignInState, error)
	SetNameThrottle(key string, st SignInState) error
	// ForgetNameThrottles forgets the records of typed names whose last failure was
	// before before, unless they are locked then.
	ForgetNameThrottles(before time.Time) error
}

// Practice is the practice StaffDesk keeps the staff of.
type Practice struct {
	Name string
	// StaffLimit is how many accounts that are pending or active the practice's plan
	// allows; 0 is unlimited. The seeds: some plans add only three.
	StaffLimit int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64 // 0 before it is first saved
}

// PracticeTx keeps the one practice record.
type PracticeTx interface {
	// Practice returns the practice; ENOTFOUND before Set up your practice.
	Practice() (*Practice, error)
	// SavePractice inserts the practice when p.Version is 0, or updates it if it is
	// still at p.Version (Changed otherwise), and bumps p.Version.
	SavePractice(p *Practice) error
}

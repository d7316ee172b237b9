package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"sync"
	"time"
)

// SessionService signs people in and out, keeps their sessions, and is their own
// account (My Account, myaccount.go).
type SessionService struct {
	gate   *gate
	hash   func(string) (string, error)
	verify func(encoded, pw string) (bool, error)
	mail   *postbox

	decoyOnce sync.Once
	decoy     string // a hash checked for names matching no account, so they take as long
}

// FieldLogin and FieldCurrentPassword are the Sign in window's name and My Account's
// current password.
const (
	FieldLogin           = "login"
	FieldCurrentPassword = "current_password"
)

// Landing is the window a person lands on after signing in.
type Landing int

const (
	LandStaff     Landing = iota // the Staff grid
	LandDashboard                // the Dashboard (Use new dashboard? on)
)

// LandingOf is where st lands after signing in: the seeds' Use new dashboard?.
func LandingOf(st *Staff) Landing {
	if st.UseNewDashboard {
		return LandDashboard
	}
	return LandStaff
}

// SignedIn is a new session.
type SignedIn struct {
	// Token proves the session in every later call (WithSession). It is a secret: it
	// is kept only in memory and never logged.
	Token string
	Me    *Staff // the person's own account, PINs and permissions included
	// MustChangePassword: the password was chosen by someone else (the manager who
	// created the account); the window asks for the person's own before anything else.
	MustChangePassword bool
	Landing            Landing
}

// SignInFailed is the one message of every sign-in that fails on its name or password:
// no such name, a wrong password, an account not yet activated or inactive. Saying
// which would tell a stranger which names exist.
const SignInFailed = "Those details did not sign you in. Check your username (or email) and password. A new account signs in once it is activated with the link in its email."

// ErrNotSetUp is in the chain of a sign-in refused because the practice is waiting
// for Set up your practice (Practice.State is not SetupDone).
var ErrNotSetUp = errorString("the practice is not set up")

// ErrSignInFailed is in the chain of the SignInFailed error.
var ErrSignInFailed = errorString("sign-in failed")

type errorString string

func (e errorString) Error() string { return string(e) }

func signInFailed() *Error {
	return &Error{Code: EFORBIDDEN, Err: ErrSignInFailed, Message: SignInFailed,
		Fields: map[string]string{FieldPassword: SignInFailed}}
}

// attempt is what the first look at a sign-in found.
type attempt struct {
	st    *Staff // nil: no account has that name
	key   string // the typed name's key, for a name matching no account
	state SignInState
	hash  string
}

// SignIn checks login (a username or an email address) and password and opens a
// session at desk (the computer's name, as the person knows it). Every failure of the
// name or password gives the one SignInFailed message; after ThrottleAfter failures in
// a row attempts wait a growing delay and after LockAfter the name is locked for
// LockFor, whether or not an account has it.
func (s *SessionService) SignIn(ctx context.Context, login, password, desk string) (*SignedIn, error) {
	login = strings.TrimSpace(login)
	if login == "" {
		return nil, FieldError(FieldLogin, "Enter your username or email.")
	}
	if password == "" {
		return nil, FieldError(FieldPassword, "Enter your password.")
	}
	var a attempt
	now := s.gate.now().UTC()
	err := s.gate.public(ctx, false, func(tx *call) (err error) {
		// An upgraded database's accounts have passwords their manager chose, and
		// their roles now carry permissions: nobody signs in before the practice
		// administrator is chosen.
		if state, err := setupState(tx); err != nil {
			return err
		} else if state != SetupDone {
			return &Error{Code: EFORBIDDEN, Err: ErrNotSetUp, Message: "Nobody can sign in until Set up your practice is finished: it chooses the practice administrator."}
		}
		a, err = s.look(tx, login, now)
		if err != nil {
			return err
		}
		return a.state.refusal(now)
	})
	if err != nil {
		return nil, wrapInternal("sign in", err)
	}
	// The hash is checked outside any transaction: it takes tens of milliseconds on
	// purpose, and another desk must not wait for it.
	ok, err := s.check(a.hash, password)
	if err != nil {
		return nil, Internal("check the password", err)
	}
	var out *SignedIn
	var verdict error // a refusal whose transaction still commits: a failure is counted
	err = s.gate.public(ctx, true, func(tx *call) error {
		out, verdict = nil, nil
		now := s.gate.now().UTC()
		cur, err := s.look(tx, login, now)
		if err != nil {
			return err
		}
		if cur.st == nil || cur.st.ID != idOf(a.st) {
			ok = false // the name changed hands meanwhile: this password was not its
		}
		if err := cur.state.refusal(now); err != nil {
			return err
		}
		if !ok {
			next := cur.state.failed(now)
			if cur.st != nil {
				err = tx.SetSignInState(cur.st.ID, next)
			} else {
				err = tx.SetNameThrottle(cur.key, next)
			}
			if err != nil {
				return err
			}
			verdict = signInFailed()
			if next.Locked(now) {
				verdict = next.refusal(now)
			}
			return nil
		}
		if cur.st.Status != StatusActive {
			verdict = signInFailed() // the right password, but not an account that signs in
			return nil
		}
		cur.state.LastSignInAt = now
		cur.state.Failures, cur.state.LastFailedAt, cur.state.LockedUntil = 0, time.Time{}, time.Time{}
		if err := tx.SetSignInState(cur.st.ID, cur.state); err != nil {
			return err
		}
		token, err := s.open(tx, cur.st.ID, desk, now)
		if err != nil {
			return err
		}
		me, err := tx.Staff(cur.st.ID)
		if err != nil {
			return err
		}
		if me, err = tx.view(me); err != nil {
			return err
		}
		out = &SignedIn{Token: token, Me: me, MustChangePassword: cur.state.MustChangePassword, Landing: LandingOf(me)}
		return nil
	})
	if err != nil {
		return nil, wrapInternal("sign in", err)
	}
	if verdict != nil {
		return nil, verdict
	}
	return out, nil
}

func idOf(st *Staff) int64 {
	if st == nil {
		return 0
	}
	return st.ID
}

// look finds the account named by login, and the record its attempts are counted in.
func (s *SessionService) look(tx *call, login string, now time.Time) (attempt, error) {
	var a attempt
	var f StaffFilter
	if strings.Contains(login, "@") {
		a.key = "email:" + EmailKey(login)
		f.EmailKey = EmailKey(login)
	} else {
		a.key = "username:" + UsernameKey(login)
		f.UsernameKey = UsernameKey(login)
	}
	if f.EmailKey == "" && f.UsernameKey == "" {
		// Not a name any account could have; still counted, under what was typed.
		a.key = "typed:" + strings.ToLower(login)
	} else if found, err := tx.FindStaff(f); err != nil {
		return a, err
	} else if len(found) == 1 {
		a.st = found[0]
	}
	if a.st == nil {
		st, err := tx.NameThrottle(a.key)
		if err != nil {
			return a, err
		}
		a.state = st.settled(now)
		return a, nil
	}
	a.state = a.st.SignIn.settled(now)
	hash, err := tx.PasswordHash(a.st.ID)
	if err != nil {
		return a, err
	}
	a.hash = hash
	return a, nil
}

// check verifies password against hash, or against a decoy when there is no account,
// so that a name matching none takes as long to refuse.
func (s *SessionService) check(hash, password string) (bool, error) {
	if hash == "" {
		s.decoyOnce.Do(func() {
			s.decoy, _ = s.hash("decoy password that signs nobody in")
		})
		if s.decoy != "" {
			_, _ = s.verify(s.decoy, password)
		}
		return false, nil
	}
	return s.verify(hash, password)
}

// open creates a session for staffID at desk and returns its token.
func (s *SessionService) open(tx *call, staffID int64, desk string, now time.Time) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	desk = strings.TrimSpace(desk)
	if len(desk) > 100 {
		desk = strings.ToValidUTF8(desk[:100], "") // not half a character
	}
	sess := &Session{StaffID: staffID, TokenDigest: sessionDigest(s.gate.digest, token), Desk: desk,
		StartedAt: now, LastSeenAt: now}
	if err := tx.CreateSession(sess); err != nil {
		return "", err
	}
	return token, nil
}

// SignOut ends the caller's session. Signing out of a session that has already ended
// does nothing.
func (s *SessionService) SignOut(ctx context.Context) error {
	err := s.gate.write(ctx, anyone, func(tx *call) error {
		return tx.EndSession(tx.me.Session.ID, EndSignedOut, s.gate.now().UTC())
	})
	if _, ended := SignedOutReason(err); ended {
		return nil
	}
	return wrapInternal("sign out", err)
}

// Sessions returns the caller's live sessions, oldest first, the current one marked.
func (s *SessionService) Sessions(ctx context.Context) ([]*Session, error) {
	var out []*Session
	err := s.gate.read(ctx, anyone, func(tx *call) (err error) {
		out, err = tx.LiveSessions(tx.me.Staff.ID)
		for _, sess := range out {
			sess.Current = sess.ID == tx.me.Session.ID
			sess.TokenDigest = nil
		}
		return err
	})
	if err != nil {
		return nil, wrapInternal("list your sessions", err)
	}
	return out, nil
}

// EndSession ends another of the caller's own sessions; its window returns to Sign in
// at its next action.
func (s *SessionService) EndSession(ctx context.Context, id int64) error {
	err := s.gate.write(ctx, anyone, func(tx *call) error {
		live, err := tx.LiveSessions(tx.me.Staff.ID)
		if err != nil {
			return err
		}
		for _, sess := range live {
			if sess.ID == id {
				reason := EndEndedElsewhere
				if id == tx.me.Session.ID {
					reason = EndSignedOut
				}
				return tx.EndSession(id, reason, s.gate.now().UTC())
			}
		}
		return Errorf(ENOTFOUND, "That session has already ended.")
	})
	return wrapInternal("end the session", err)
}

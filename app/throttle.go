package app

import (
	"fmt"
	"time"
)

// Sign-in throttling: after ThrottleAfter failures in a row each further attempt waits
// a growing delay after the last failure (ThrottleBase, doubling); after LockAfter the
// account (or typed name) is locked for LockFor, or until a manager unlocks it.
const (
	ThrottleAfter = 5
	ThrottleBase  = 2 * time.Second
	LockAfter     = 10
	LockFor       = 15 * time.Minute
	// ForgetNamesAfter is how long the record of a typed name that matches no account
	// is kept after its last failure, so that names typed once do not pile up.
	ForgetNamesAfter = 24 * time.Hour
)

// Locked reports whether the record is locked at now.
func (st SignInState) Locked(now time.Time) bool { return now.Before(st.LockedUntil) }

// settled is the record as it stands at now: a lock that has run out starts the count
// afresh.
func (st SignInState) settled(now time.Time) SignInState {
	if !st.LockedUntil.IsZero() && !now.Before(st.LockedUntil) {
		st.Failures, st.LockedUntil = 0, time.Time{}
	}
	return st
}

// Delay is how long after the last failure the next attempt must wait, given the
// failures in a row so far: none before ThrottleAfter.
func (st SignInState) Delay() time.Duration {
	if st.Failures < ThrottleAfter {
		return 0
	}
	return ThrottleBase << min(st.Failures-ThrottleAfter, 8)
}

// refusal is why an attempt at now is refused before its password is checked, or nil.
func (st SignInState) refusal(now time.Time) error {
	if st.Locked(now) {
		return &Error{Code: EFORBIDDEN, Err: ErrLocked, Message: fmt.Sprintf(
			"Too many failed sign-ins: signing in with this name is locked until %s. A manager can unlock the account sooner.",
			st.LockedUntil.Local().Format("15:04"))}
	}
	if wait := st.LastFailedAt.Add(st.Delay()).Sub(now); st.Delay() > 0 && wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return &Error{Code: EFORBIDDEN, Err: ErrThrottled, Message: fmt.Sprintf(
			"Too many failed sign-ins: wait %d second%s, then try again.", secs, plural(secs))}
	}
	return nil
}

// failed is the record after one more failure at now.
func (st SignInState) failed(now time.Time) SignInState {
	st.Failures++
	st.LastFailedAt = now
	if st.Failures >= LockAfter {
		st.LockedUntil = now.Add(LockFor)
	}
	return st
}

// ErrLocked and ErrThrottled are in the chain of a sign-in refused for too many failures.
var (
	ErrLocked    = fmt.Errorf("sign-in locked")
	ErrThrottled = fmt.Errorf("sign-in throttled")
)

package app

import (
	"crypto/rand"
	"strconv"
	"strings"
	"time"
)

// FieldCode is the field of a one-time code in the Activate account, Set a new
// password and Confirm email windows.
const FieldCode = "code"

// CodeKind is what a one-time code unlocks.
type CodeKind string

const (
	CodeActivation    CodeKind = "activation"     // makes a Pending account Active
	CodePasswordReset CodeKind = "password_reset" // lets the person set a new password
	CodeEmailChange   CodeKind = "email_change"   // confirms a new email address
)

// How long each kind of code works. The seeds promise 3 days for activation and 72
// hours for a password reset.
const (
	ActivationValidFor    = 3 * 24 * time.Hour
	PasswordResetValidFor = 72 * time.Hour
	EmailChangeValidFor   = 24 * time.Hour
)

// Wrong codes an account may see in WrongCodeWindow before further tries are refused.
const (
	MaxWrongCodes   = 5
	WrongCodeWindow = time.Hour
)

// Code is one one-time code as the store keeps it: never the code itself, only its
// digest. A code works until it expires, is used, or is revoked (a newer code of its
// kind, a new password or email, or deactivation).
type Code struct {
	ID       int64
	StaffID  int64
	Kind     CodeKind
	Digest   []byte
	NewEmail string // CodeEmailChange: the address being confirmed
	// NewEmailKey is NewEmail's identity key (EmailKey): another account waiting for a
	// look-alike of the address is found by it.
	NewEmailKey string
	ExpiresAt   time.Time
	UsedAt      time.Time // zero until entered
	RevokedAt   time.Time // zero until something ended it early
	CreatedAt   time.Time
}

// CodeTx reads and writes one-time codes and the count of wrong ones.
type CodeTx interface {
	// CreateCode inserts c, setting c.ID. At most one code of a kind is live per
	// account: revoke the older one first (RevokeCodes).
	CreateCode(c *Code) error
	// CodeByDigest returns the code with that digest, live or not; ENOTFOUND if none.
	CodeByDigest(digest []byte) (*Code, error)
	// LiveCode returns the account's unused, unrevoked code of kind (expired or not);
	// ENOTFOUND if none.
	LiveCode(staffID int64, kind CodeKind) (*Code, error)
	// UseCode marks a code used at at; Changed when it was used meanwhile.
	UseCode(id int64, at time.Time) error
	// RevokeCodes ends the account's live codes of the given kinds (all kinds when
	// none are given).
	RevokeCodes(staffID int64, at time.Time, kinds ...CodeKind) error
	// PendingEmailOwner returns the username of another account (not exceptStaffID)
	// with an unexpired, live email change to an address whose identity key is
	// emailKey (EmailKey); "" if none, or if emailKey is "".
	PendingEmailOwner(emailKey string, exceptStaffID int64, now time.Time) (string, error)
	// CodesMissingEmailKey returns the email-change codes stored without their new
	// address's key (BackfillIdentityKeys), in id order.
	CodesMissingEmailKey() ([]*Code, error)
	// SetCodeEmailKey stores the key of a code's new address.
	SetCodeEmailKey(id int64, key string) error
	// AddCodeFailure records a wrong code typed for the account at at, forgetting
	// those older than a day.
	AddCodeFailure(staffID int64, at time.Time) error
	// CodeFailuresSince returns how many wrong codes the account saw since since, and
	// when the oldest of them was typed.
	CodeFailuresSince(staffID int64, since time.Time) (n int, oldest time.Time, err error)
}

// crockford is Crockford's base32 alphabet: digits and capitals without I, L, O and U,
// so that nothing typed by hand can be mistaken for something else.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeLength is the characters in a code: 50 random bits.
const codeLength = 10

// NewCode returns a random one-time code, grouped for reading: "7K2QD-M9XWA".
func NewCode() (string, error) {
	buf := make([]byte, codeLength)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	for i, b := range buf {
		buf[i] = crockford[b&31] // 256 is a multiple of 32: no bias
	}
	return string(buf[:5]) + "-" + string(buf[5:]), nil
}

// NormalizeCode reads a code as a person may type it: any case, with hyphens or
// spaces anywhere, I or L for 1 and O for 0. It returns the 10 characters without the
// hyphen, or false when s cannot be a code.
func NormalizeCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '\u00a0':
			continue
		case r == 'I' || r == 'L':
			r = '1'
		case r == 'O':
			r = '0'
		case r >= 0x80 || strings.IndexRune(crockford, r) < 0:
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != codeLength {
		return "", false
	}
	return b.String(), true
}

// Digester turns a one-time code into the digest the store keeps. Its key must live
// outside the database file, so that the file alone cannot be used to test guesses
// (secrets.NewDigester).
type Digester interface {
	Digest(msg []byte) []byte
}

// codeDigest binds a normalized code to its account and kind, so that one person's
// code can never unlock another's account or another action.
func codeDigest(d Digester, staffID int64, kind CodeKind, normalized string) []byte {
	msg := strconv.FormatInt(staffID, 10) + "\x00" + string(kind) + "\x00" + normalized
	return d.Digest([]byte(msg))
}

// maskedCode stands for a code in the copy of an email kept for the Outbox window.
const maskedCode = "•••••-•••••"

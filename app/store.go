package app

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Store is where the practice's records live. The SQLite store in data/ implements it;
// a PostgreSQL store can later. Each service call runs inside exactly one Read or Write,
// so that a change, the emails it causes and its audit entry commit together or not at all.
type Store interface {
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a read-write transaction that commits when fn returns nil and
	// rolls back otherwise.
	Write(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is one transaction's view of the store. Its refusals carry no words for a person:
// ENOTFOUND for a missing record, ECONFLICT when a unique index refuses a write or an
// update names a version the record has moved on from, each an Error with a Code and a
// Refusal saying which record and field, but no Message. The services put them into
// the person's words (storeWords), so that a race gives the same message as the
// service's own check. Any other failure is a plain error for the log, which the
// services report as an internal one. Times are never the store's own: it writes the
// ones it is given.
type Tx interface {
	StaffTx
	DirectoryTx
	OutboxTx   // outbox.go
	CodeTx     // codes.go
	SettingsTx // emailsettings.go
	SessionTx  // session.go
	SignInTx   // session.go
	PracticeTx // session.go
}

// StaffTx reads and writes staff accounts. Every update names the Version the account
// was read at and bumps it; the store refuses it with Changed when the account has been
// updated since, and with NotFound when it is gone.
type StaffTx interface {
	// Staff returns one account with everything filled in: PINs decrypted, offices and
	// display names resolved.
	Staff(id int64) (*Staff, error)
	// FindStaff returns the accounts matching f in id order, with display names,
	// office ids and sign-in state resolved but without PINs or office names (the
	// grid needs neither).
	FindStaff(f StaffFilter) ([]*Staff, error)
	// CreateStaff inserts s with the given password hash, as s says: its Status,
	// ActivatedAt, CreatedAt, UpdatedAt and SignIn are the caller's. It sets s.ID and
	// s.Version.
	// An id is never given twice, even after the account holding it is deleted.
	CreateStaff(s *Staff, passwordHash string) error
	// UpdateStaff writes every editable field of s, including its offices, and
	// s.UpdatedAt, then bumps s.Version. It does not touch the password, status,
	// ActivatedAt or CreatedAt.
	UpdateStaff(s *Staff) error
	// SetStaffStatus writes s.Status, s.ActivatedAt and s.UpdatedAt, then bumps
	// s.Version.
	SetStaffStatus(s *Staff) error
	// SetStaffIdentityKeys stores an account's identity keys (BackfillIdentityKeys);
	// ECONFLICT when another account has one of them.
	SetStaffIdentityKeys(id int64, emailKey, usernameKey string) error
	// SetPasswordHash replaces an account's password hash at at; it bumps the version
	// whatever it was.
	SetPasswordHash(id int64, hash string, at time.Time) error
	PasswordHash(id int64) (string, error)
	DeleteStaff(id int64) error
	// CountStaff returns how many accounts there are, inactive ones included.
	CountStaff() (int, error)
	// CountStaffByStatus returns how many accounts there are in each status.
	CountStaffByStatus() (map[StaffStatus]int, error)
	// CountStaffOfProvider returns how many accounts that are not inactive have the
	// provider as their primary provider.
	CountStaffOfProvider(providerID int64) (int, error)
}

// DirectoryTx reads and writes providers, offices, roles and care team roles. A role's
// Permissions are read and written with it. Lists are
// sorted for display (providers by last then first name, the others by name); inactive
// records are included and flagged. Create sets the record's ID and Version; Update
// writes it if it is still at its Version, and bumps it, like UpdateStaff.
type DirectoryTx interface {
	Providers() ([]*Provider, error)
	Provider(id int64) (*Provider, error)
	CreateProvider(p *Provider) error
	UpdateProvider(p *Provider) error

	Offices() ([]*Office, error)
	Office(id int64) (*Office, error)
	CreateOffice(o *Office) error
	UpdateOffice(o *Office) error

	Roles() ([]*Role, error)
	Role(id int64) (*Role, error)
	CreateRole(r *Role) error
	UpdateRole(r *Role) error

	CareTeamRoles() ([]*CareTeamRole, error)
	CareTeamRole(id int64) (*CareTeamRole, error)
	CreateCareTeamRole(r *CareTeamRole) error
	UpdateCareTeamRole(r *CareTeamRole) error
}

// Sealer encrypts the secrets that must stay retrievable (the PINs managers are shown)
// with a key kept outside the database file.
type Sealer interface {
	Seal(plaintext []byte) ([]byte, error)
	Open(sealed []byte) ([]byte, error)
}

// Record names a kind of record in the store's refusals.
type Record string

const (
	RecordStaff        Record = "staff"
	RecordProvider     Record = "provider"
	RecordOffice       Record = "office"
	RecordRole         Record = "role"
	RecordCareTeamRole Record = "care team role"
	RecordCode         Record = "code"
)

// ErrChanged is in the chain of the ECONFLICT Error of an update refused because the
// record was changed (its Version moved on) since it was read. A window holding the
// record as it was offers to reload it or to keep the person's changes.
var ErrChanged = errors.New("changed since it was read")

// IsChanged reports whether err is the refusal of an update to a record that was
// changed since it was read.
func IsChanged(err error) bool { return errors.Is(err, ErrChanged) }

// Refusal is why the store refused a read or a write, without words for a person. It
// travels as the Err of an Error that has a Code but no Message.
type Refusal struct {
	Record Record
	// Field is the field concerned: the one whose value a unique index found taken, or
	// the one of the record being written that points at the missing record. "" for
	// the record itself.
	Field string
	Err   error // the low-level cause; ErrChanged for a stale version
}

func (r *Refusal) Error() string {
	msg := string(r.Record)
	if r.Field != "" {
		msg += " " + r.Field
	}
	if r.Err != nil {
		msg += ": " + r.Err.Error()
	}
	return msg
}

func (r *Refusal) Unwrap() error { return r.Err }

// NotFound is the store's ENOTFOUND: there is no such record. field, when not "", is the
// field of the record being written that points at the missing one.
func NotFound(rec Record, field string, cause error) *Error {
	return refusal(ENOTFOUND, rec, field, cause)
}

// Taken is the store's ECONFLICT when a unique index refuses a write: field's value
// belongs to another record.
func Taken(rec Record, field string, cause error) *Error {
	return refusal(ECONFLICT, rec, field, cause)
}

// refusal is an Error without words; Fields, when field is given, names the field with
// an empty message until a service words it.
func refusal(code string, rec Record, field string, cause error) *Error {
	e := &Error{Code: code, Err: &Refusal{Record: rec, Field: field, Err: cause}}
	if field != "" {
		e.Fields = map[string]string{field: ""}
	}
	return e
}

// Changed is the store's ECONFLICT when an update names a version the record has moved
// on from.
func Changed(rec Record) *Error {
	return &Error{Code: ECONFLICT, Err: &Refusal{Record: rec, Err: ErrChanged}}
}

// refusalOf returns the store's refusal in err when err is one still without words.
func refusalOf(err error) (*Error, *Refusal, bool) {
	var e *Error
	var r *Refusal
	if !errors.As(err, &e) || e.Message != "" || !errors.As(e.Err, &r) {
		return nil, nil, false
	}
	return e, r, true
}

// takenField returns the field a unique index refused, when err is that refusal.
func takenField(err error) (string, bool) {
	e, r, ok := refusalOf(err)
	if !ok || e.Code != ECONFLICT || r.Field == "" {
		return "", false
	}
	return r.Field, true
}

// storeWords puts a refusal of the store into the person's words, in general terms: a
// service that knows more (whose the taken email is, which account changed) says it
// before this is reached. Anything else is returned as it is.
func storeWords(err error) error {
	e, r, ok := refusalOf(err)
	if !ok {
		return err
	}
	var msg string
	switch {
	case e.Code == ENOTFOUND && r.Field == FieldOffices:
		msg = "One of the chosen offices no longer exists."
	case e.Code == ENOTFOUND && r.Field != "":
		msg = "That " + string(r.Record) + " no longer exists; choose another."
	case e.Code == ENOTFOUND && r.Record == RecordStaff:
		msg = "That staff member no longer exists."
	case e.Code == ENOTFOUND && r.Record == RecordCode:
		msg = "That code does not exist."
	case e.Code == ENOTFOUND:
		msg = "That " + string(r.Record) + " no longer exists."
	case errors.Is(r, ErrChanged) && r.Record == RecordCode:
		msg = "This code was already used."
	case errors.Is(r, ErrChanged) && r.Record == RecordStaff:
		msg = "The account was changed since you opened it: reload or keep your changes"
	case errors.Is(r, ErrChanged):
		msg = "The " + string(r.Record) + " was changed since you opened it: reload or keep your changes"
	case r.Field == FieldUsername:
		msg = "That username is taken."
	case r.Field == FieldEmail:
		msg = "This email is already used by another staff member."
	case r.Field == FieldNPI:
		msg = "This NPI is already used by another provider."
	case r.Field == FieldName:
		msg = strings.ToUpper(article(string(r.Record))[:1]) + article(string(r.Record))[1:] + " " + string(r.Record) + " of that name already exists."
	default:
		msg = "The " + string(r.Record) + " could not be saved as it is."
	}
	out := &Error{Code: e.Code, Message: msg, Err: r}
	if r.Field != "" {
		out.Fields = map[string]string{r.Field: msg}
	}
	return out
}

// NotStaffDesksFile is the store's refusal, at open, of a file that is not a StaffDesk
// database: it was left untouched.
func NotStaffDesksFile(path string, cause error) *Error {
	return &Error{Code: EINVALID, Err: cause,
		Message: path + " is not a StaffDesk database, so StaffDesk left it untouched. Choose another file with --db."}
}

// OtherUsersFile is the store's refusal, at open, of a database file (or its -wal or
// -shm) that belongs to another user of the computer: it was left untouched.
func OtherUsersFile(path string, cause error) *Error {
	return &Error{Code: EINVALID, Err: cause,
		Message: path + " belongs to another user of this computer, so StaffDesk left it untouched. Choose another file with --db."}
}

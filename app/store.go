package app

import "context"

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

// Tx is one transaction's view of the store. Methods return *Error values: ENOTFOUND
// for a missing record and ECONFLICT with the field's message when a unique index
// refuses a write (so a race gives the same message as the service's own check).
type Tx interface {
	StaffTx
	DirectoryTx
	OutboxTx   // outbox.go
	CodeTx     // codes.go
	SettingsTx // emailsettings.go
}

// StaffTx reads and writes staff accounts.
type StaffTx interface {
	// Staff returns one account with everything filled in: PINs decrypted, offices and
	// display names resolved.
	Staff(id int64) (*Staff, error)
	// FindStaff returns the accounts matching f in id order, with display
	// names resolved but without PINs or offices (the grid needs neither).
	FindStaff(f StaffFilter) ([]*Staff, error)
	// CreateStaff inserts s with the given password hash and sets s.ID, CreatedAt and
	// UpdatedAt.
	CreateStaff(s *Staff, passwordHash string) error
	// UpdateStaff writes every editable field of s, including its offices, and sets
	// UpdatedAt. It does not touch the password, status or CreatedAt.
	UpdateStaff(s *Staff) error
	// SetStaffStatus changes an account's status; moving to StatusActive for the first
	// time also sets ActivatedAt.
	SetStaffStatus(id int64, status StaffStatus) error
	SetPasswordHash(id int64, hash string) error
	PasswordHash(id int64) (string, error)
	DeleteStaff(id int64) error
	// CountStaff returns how many accounts there are, inactive ones included.
	CountStaff() (int, error)
	// CountStaffOfProvider returns how many accounts that are not inactive have the
	// provider as their primary provider.
	CountStaffOfProvider(providerID int64) (int, error)
}

// DirectoryTx reads and writes providers, offices, roles and care team roles. Lists are
// sorted for display (providers by last then first name, the others by name); inactive
// records are included and flagged.
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

package app

import (
	"strings"
	"time"
)

// Field names, used as keys of Error.Fields so that a window can put each message next
// to the field that caused it.
const (
	FieldFirstName       = "first_name"
	FieldLastName        = "last_name"
	FieldProvider        = "provider"
	FieldRole            = "role"
	FieldCareTeamRole    = "care_team_role"
	FieldCareTeamIDType  = "care_team_id_type"
	FieldCareTeamID      = "care_team_id"
	FieldEmail           = "email"
	FieldUsername        = "username"
	FieldPassword        = "password"
	FieldConfirmPassword = "confirm_password"
	FieldHomePhone       = "home_phone"
	FieldCellPhone       = "cell_phone"
	FieldUnlockPIN       = "unlock_pin"
	FieldSupportPIN      = "support_pin"
	FieldOffices         = "offices"
	FieldConfirmUsername = "confirm_username"

	// Provider, office and role fields.
	FieldSuffix      = "suffix"
	FieldCredentials = "credentials"
	FieldNPI         = "npi"
	FieldName        = "name"
	FieldAddress     = "address"
	FieldPhone       = "phone"
)

// StaffStatus is where an account is in its life.
type StaffStatus string

const (
	StatusPending  StaffStatus = "pending"  // created, activation email not yet acted on
	StatusActive   StaffStatus = "active"   // may sign in
	StatusInactive StaffStatus = "inactive" // deactivated by a manager
)

// Label is the status as the grid shows it.
func (s StaffStatus) Label() string {
	switch s {
	case StatusPending:
		return "Pending activation"
	case StatusActive:
		return "Active"
	case StatusInactive:
		return "Inactive"
	}
	return string(s)
}

// CareTeamIDType is the kind of identifier given as a staff member's Care Team Identifier.
type CareTeamIDType string

const (
	CareTeamIDNone  CareTeamIDType = ""
	CareTeamIDNPI   CareTeamIDType = "NPI"
	CareTeamIDNCSBN CareTeamIDType = "NCSBN ID"
	CareTeamIDOther CareTeamIDType = "Other"
)

// CareTeamIDTypes lists the identifier kinds in the order a form offers them.
var CareTeamIDTypes = []CareTeamIDType{CareTeamIDNPI, CareTeamIDNCSBN, CareTeamIDOther}

// Staff is one office staff account.
type Staff struct {
	ID int64
	// Version is bumped by every update of the account, its status and password
	// included. An update names the version it read and is refused when the account
	// has moved on since (ErrChanged).
	Version int64

	FirstName      string
	LastName       string
	ProviderID     int64 // primary provider; must be active
	RoleID         int64
	CareTeamRoleID int64 // 0: none
	CareTeamIDType CareTeamIDType
	CareTeamID     string
	Email          string
	Username       string
	HomePhone      string // E.164, or "" for none
	CellPhone      string // E.164, or "" for none

	// EmailKey and UsernameKey are the identity keys of Email and Username (EmailKey,
	// UsernameKey in identity.go), unique among accounts; set by the service, stored
	// and read back by the store.
	EmailKey, UsernameKey string

	SendDailyBilling  bool
	UnlockPIN         string // 4 digits; encrypted at rest
	SupportPIN        string // 6 digits; encrypted at rest
	RestrictOffices   bool
	OfficeIDs         []int64 // the offices the account is restricted to
	UseNewDashboard   bool
	EnableEmailUpdate bool
	EmergencyAccess   bool
	TwoFactor         bool // two-factor sign-in set up (arrives with sign-in)

	// SignIn is the account's record of signing in; written by the sign-in service
	// alone (SetSignInState), and by CreateStaff.
	SignIn SignInState

	// Permissions are those of the account's role, set by the services when they
	// read an account for a window; PINsHidden is set when the reader may not see
	// its PINs, which are then blank. Ignored on write.
	Permissions PermissionSet
	PINsHidden  bool

	Status      StaffStatus
	ActivatedAt time.Time // zero until the account is first activated
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// ActivationExpires is when the live activation code expires (zero when there is
	// none); PendingEmail is the address of an email change waiting for its code ("" when
	// none, or expired) and PendingEmailExpires when that code expires. The store reads
	// the live codes; the services clear an expired PendingEmail (settle). Ignored on
	// write.
	ActivationExpires   time.Time
	PendingEmail        string
	PendingEmailExpires time.Time

	// Names resolved by the store when it reads an account; ignored on write.
	ProviderName     string
	RoleName         string
	CareTeamRoleName string
	OfficeNames      []string
}

// FullName is "First Last".
func (s *Staff) FullName() string {
	return strings.TrimSpace(s.FirstName + " " + s.LastName)
}

// NewStaff is what the New Office Staff window submits.
type NewStaff struct {
	Staff
	Password        string
	ConfirmPassword string
}

// StaffFilter narrows a read of staff accounts. The zero value reads all of them.
type StaffFilter struct {
	ID       int64
	Username string // exact, ignoring ASCII case: the name a person typed to sign in

	// EmailKey and UsernameKey match the identity keys exactly: who is who is told by
	// them (see EmailKey), not by the address as typed.
	EmailKey, UsernameKey string
	// MissingIdentityKeys: only accounts stored without one of their keys (written
	// before the keys existed, or clashing with another account's).
	MissingIdentityKeys bool
	// RoleIDs and Statuses, when not empty, keep only accounts with one of those roles
	// and one of those statuses.
	RoleIDs  []int64
	Statuses []StaffStatus
}

// moveTo changes the account's status at at. The first move to active is when the
// account was activated; later ones keep that first time.
func (s *Staff) moveTo(status StaffStatus, at time.Time) {
	s.Status, s.UpdatedAt = status, at
	if status == StatusActive && s.ActivatedAt.IsZero() {
		s.ActivatedAt = at
	}
}

// settle forgets an email change whose code expired by now: it is no longer pending.
func (s *Staff) settle(now time.Time) *Staff {
	if s != nil && s.PendingEmail != "" && !now.Before(s.PendingEmailExpires) {
		s.PendingEmail, s.PendingEmailExpires = "", time.Time{}
	}
	return s
}

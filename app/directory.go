package app

import "strings"

// Provider is a clinician staff members are assigned to.
type Provider struct {
	ID          int64
	FirstName   string
	LastName    string
	Suffix      string // "Jr.", "III"
	Credentials string // "MD", "DO, FACP"
	NPI         string // 10 digits, or ""
	Active      bool
	Version     int64 // bumped by every update; an update names the one it read
}

// DisplayName is how a provider is shown in lists: "Kate Provider, Jr., MD".
func (p *Provider) DisplayName() string {
	parts := []string{strings.TrimSpace(p.FirstName + " " + p.LastName)}
	if p.Suffix != "" {
		parts = append(parts, p.Suffix)
	}
	if p.Credentials != "" {
		parts = append(parts, p.Credentials)
	}
	return strings.Join(parts, ", ")
}

// Office is one of the practice's locations.
type Office struct {
	ID      int64
	Name    string
	Address string
	Phone   string // E.164, or ""
	Active  bool
	Version int64 // bumped by every update; an update names the one it read
}

// Role is a staff member's job in the practice (Nurse, Biller, ...).
type Role struct {
	ID          int64
	Name        string
	Active      bool
	Permissions PermissionSet // what holders of the role may do (access.go)
	Version     int64         // bumped by every update; an update names the one it read
}

// CareTeamRole is an occupation shown in a patient's care team ("General nurse (occupation)").
type CareTeamRole struct {
	ID      int64
	Name    string
	Active  bool
	Version int64 // bumped by every update; an update names the one it read
}

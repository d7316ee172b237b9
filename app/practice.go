package app

import (
	"context"
	"fmt"
	"strings"
)

// PracticeService is Set up your practice, on the first run and on the first start
// after an upgrade from a release without sign-in, and then the practice's name and
// staff account limit.
type PracticeService struct {
	gate    *gate
	hash    func(string) (string, error)
	session *SessionService
}

// SetupState is what the database needs before anyone can sign in.
type SetupState int

const (
	SetupDone SetupState = iota
	// SetupNew: an empty database. Set up your practice makes the practice, its
	// first provider and the administrator's account.
	SetupNew
	// SetupUpgrade: staff from a release without sign-in and no practice yet. Set up
	// your practice makes the practice and chooses (or creates) the administrator;
	// nothing else happens until then.
	SetupUpgrade
)

// Fields of Set up your practice and the practice settings.
const (
	FieldStaffLimit    = "staff_limit"
	FieldAdministrator = "administrator"
)

// MaxStaffLimit is the largest limit a plan can set; larger is a typing slip.
const MaxStaffLimit = 100000

// State says whether the practice is set up. It needs no one signed in.
func (s *PracticeService) State(ctx context.Context) (SetupState, error) {
	state := SetupDone
	err := s.gate.public(ctx, false, func(tx *call) error {
		var err error
		state, err = setupState(tx)
		return err
	})
	if err != nil {
		return SetupDone, wrapInternal("read the practice", err)
	}
	return state, nil
}

func setupState(tx *call) (SetupState, error) {
	if _, err := tx.Practice(); err == nil {
		return SetupDone, nil
	} else if ErrorCode(err) != ENOTFOUND {
		return SetupDone, err
	}
	n, err := tx.CountStaff()
	if err != nil {
		return SetupDone, err
	}
	if n > 0 {
		return SetupUpgrade, nil
	}
	return SetupNew, nil
}

// SetupCandidate is an account that can be chosen as the administrator on upgrade.
type SetupCandidate struct {
	ID       int64
	Name     string
	Username string
	RoleName string
}

// Candidates lists the active accounts one of which can be made the administrator,
// while the practice is waiting for Set up your practice after an upgrade (SetupUpgrade);
// none otherwise.
func (s *PracticeService) Candidates(ctx context.Context) ([]SetupCandidate, *Directory, error) {
	var out []SetupCandidate
	var dir Directory
	err := s.gate.public(ctx, false, func(tx *call) error {
		state, err := setupState(tx)
		if err != nil || state != SetupUpgrade {
			return err
		}
		all, err := tx.FindStaff(StaffFilter{Statuses: []StaffStatus{StatusActive}})
		if err != nil {
			return err
		}
		for _, st := range all {
			out = append(out, SetupCandidate{ID: st.ID, Name: st.FullName(), Username: st.Username, RoleName: st.RoleName})
		}
		dir.Providers, err = tx.Providers()
		return err
	})
	if err != nil {
		return nil, nil, wrapInternal("list the accounts", err)
	}
	return out, &dir, nil
}

// PracticeSetup is what Set up your practice submits.
type PracticeSetup struct {
	Name       string
	StaffLimit int // 0: unlimited
	// Provider is the practice's first provider, created here; required for a new
	// practice. On upgrade it may stay empty, and Admin.ProviderID names an existing one.
	Provider Provider
	// AdminID, on upgrade, chooses an existing active account as the administrator; its
	// password becomes Password. 0: Admin is created instead.
	AdminID int64
	// Admin is the administrator's own account when it is created: names, email,
	// username, Password and ConfirmPassword. Its role is AdministratorRole; it is
	// active at once.
	Admin NewStaff
	Desk  string // for the session that signs the administrator in
}

// SetUp makes the practice and its administrator, who is signed in. It is refused once
// the practice is set up (by another desk meanwhile, say).
func (s *PracticeService) SetUp(ctx context.Context, in *PracticeSetup) (*SignedIn, error) {
	// What the database needs decides what the form must hold; the write transaction
	// below checks it again.
	state := SetupDone
	if err := s.gate.public(ctx, false, func(tx *call) (err error) {
		state, err = setupState(tx)
		return err
	}); err != nil {
		return nil, wrapInternal("read the practice", err)
	}
	if state == SetupDone {
		return nil, setUpMeanwhile()
	}
	var p Problems
	name, err := CheckText(FieldPracticeName, "practice name", in.Name, 100, true)
	p.AddErr(FieldPracticeName, err)
	if in.StaffLimit < 0 || in.StaffLimit > MaxStaffLimit {
		p.Add(FieldStaffLimit, fmt.Sprintf("The limit is a number from 1 to %d, or Unlimited.", MaxStaffLimit))
	}
	prov := in.Provider
	newProvider := strings.TrimSpace(prov.FirstName+prov.LastName) != ""
	if newProvider {
		// Under "provider_" fields: the form's own first_name and last_name are the
		// administrator's.
		normalizeProvider(&prov, &p, "provider_")
	} else if state == SetupNew {
		p.Add("provider_"+FieldLastName, "Enter the practice's first provider.")
	}
	if state == SetupNew && in.AdminID != 0 {
		p.Add(FieldAdministrator, "There are no accounts to choose from; create yours.")
	}
	admin := in.Admin.Staff
	password, confirm := in.Admin.Password, in.Admin.ConfirmPassword
	if in.AdminID == 0 {
		admin.ID, admin.Version = 0, 0
		admin.RoleID = -1 // set in the transaction; keeps normalizeStaff from asking for one
		if newProvider || state == SetupNew {
			admin.ProviderID = -1 // the provider created here
		}
		if admin.UnlockPIN == "" {
			if admin.UnlockPIN, err = NewUnlockPIN(); err != nil {
				return nil, Internal("generate an App Unlock PIN", err)
			}
		}
		if admin.SupportPIN, err = NewSupportPIN(); err != nil {
			return nil, Internal("generate a Support PIN", err)
		}
		admin.RestrictOffices, admin.OfficeIDs = false, nil
		normalizeStaff(&admin, &p)
		p.AddErr(FieldPassword, CheckPassword(password, confirm, passwordContextOf(&admin)))
	} else if password == "" {
		p.Add(FieldPassword, "Enter a new password for the administrator.")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if in.AdminID != 0 {
		// The chosen account's names are known only in the transaction; its password is
		// checked against them there, before it is hashed.
		var chosen *Staff
		if err := s.gate.public(ctx, false, func(tx *call) (err error) {
			chosen, err = tx.Staff(in.AdminID)
			if ErrorCode(err) == ENOTFOUND {
				return FieldError(FieldAdministrator, "That account no longer exists; choose another.")
			}
			return err
		}); err != nil {
			return nil, wrapInternal("read the chosen account", err)
		}
		if err := CheckPassword(password, confirm, passwordContextOf(chosen)); err != nil {
			return nil, err
		}
	}
	hash, err := s.hash(password)
	if err != nil {
		return nil, Internal("protect the password", err)
	}
	var out *SignedIn
	err = s.gate.public(ctx, true, func(tx *call) error {
		out = nil
		now := s.gate.now().UTC()
		state, err := setupState(tx)
		if err != nil {
			return err
		}
		if state == SetupDone {
			return setUpMeanwhile()
		}
		if state == SetupNew && in.AdminID != 0 {
			return FieldError(FieldAdministrator, "There are no accounts to choose from; create yours.")
		}
		if state == SetupNew && !newProvider {
			return FieldError("provider_"+FieldLastName, "Enter the practice's first provider.")
		}
		adminRole, err := administratorRole(tx)
		if err != nil {
			return err
		}
		used, err := tx.CountStaffByStatus()
		if err != nil {
			return err
		}
		n := used[StatusPending] + used[StatusActive]
		if in.AdminID == 0 {
			n++
		}
		if in.StaffLimit > 0 && n > in.StaffLimit {
			return FieldError(FieldStaffLimit, "%d staff accounts are pending or active, counting the administrator's: the limit cannot be lower.", n)
		}
		if err := tx.SavePractice(&Practice{Name: name, StaffLimit: in.StaffLimit, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		if newProvider {
			prov.ID, prov.Version, prov.Active = 0, 0, true
			if err := npiTaken(tx, &prov, tx.CreateProvider(&prov)); err != nil {
				return err
			}
		}
		var id int64
		if in.AdminID == 0 {
			st := admin
			st.RoleID = adminRole.ID
			if newProvider {
				st.ProviderID = prov.ID
			}
			var probs Problems
			if err := checkReferences(tx, &st, nil, &probs, now); err != nil {
				return err
			}
			if err := probs.Err(); err != nil {
				return err
			}
			st.Status, st.ActivatedAt, st.CreatedAt, st.UpdatedAt = StatusActive, now, now, now
			if err := tx.CreateStaff(&st, hash); err != nil {
				return staffTaken(tx, &st, err)
			}
			id = st.ID
		} else {
			st, err := tx.Staff(in.AdminID)
			if ErrorCode(err) == ENOTFOUND {
				return FieldError(FieldAdministrator, "That account no longer exists; choose another.")
			} else if err != nil {
				return err
			}
			if st.Status != StatusActive {
				return FieldError(FieldAdministrator, "%s's account is not active; choose an active one.", st.FullName())
			}
			st.RoleID, st.RestrictOffices, st.OfficeIDs, st.UpdatedAt = adminRole.ID, false, nil, now
			if err := tx.UpdateStaff(st); err != nil {
				return err
			}
			if err := tx.SetPasswordHash(st.ID, hash, now); err != nil {
				return err
			}
			id = st.ID
		}
		// Signed in now, with a password of their own choosing: no lock, nothing to change.
		if err := tx.SetSignInState(id, SignInState{LastSignInAt: now}); err != nil {
			return err
		}
		token, err := s.session.open(tx, id, in.Desk, now)
		if err != nil {
			return err
		}
		me, err := tx.Staff(id)
		if err != nil {
			return err
		}
		me.Permissions = adminRole.Permissions
		out = &SignedIn{Token: token, Me: me, Landing: LandingOf(me)}
		return nil
	})
	if err != nil {
		return nil, wrapInternal("set up the practice", err)
	}
	return out, nil
}

// setUpMeanwhile is the refusal of Set up your practice once it is done.
func setUpMeanwhile() error {
	return Errorf(ECONFLICT, "The practice was set up meanwhile, on another desk. Sign in.")
}

// administratorRole is the role every permission comes with, made active.
func administratorRole(tx *call) (*Role, error) {
	roles, err := tx.Roles()
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if strings.EqualFold(r.Name, AdministratorRole) {
			if !r.Active || !r.Permissions.Covers(AllPermissions) {
				r.Active, r.Permissions = true, NewPermissionSet(AllPermissions...)
				if err := tx.UpdateRole(r); err != nil {
					return nil, err
				}
			}
			return r, nil
		}
	}
	r := &Role{Name: AdministratorRole, Active: true, Permissions: NewPermissionSet(AllPermissions...)}
	return r, tx.CreateRole(r)
}

// PracticeInfo is the practice with how much of its staff limit is used.
type PracticeInfo struct {
	Practice Practice
	Usage    StaffUsage
}

// Get returns the practice and its usage; anyone signed in may read it.
func (s *PracticeService) Get(ctx context.Context) (*PracticeInfo, error) {
	var out PracticeInfo
	err := s.gate.read(ctx, anyone, func(tx *call) error {
		p, err := tx.Practice()
		if err != nil {
			return err
		}
		out.Practice = *p
		out.Usage, err = tx.usage()
		return err
	})
	if err != nil {
		return nil, wrapInternal("read the practice", err)
	}
	return &out, nil
}

// Save changes the practice's name and staff account limit, if the practice is still
// at version. The limit cannot go below the accounts in use.
func (s *PracticeService) Save(ctx context.Context, name string, limit int, version int64) (*PracticeInfo, error) {
	var p Problems
	name, err := CheckText(FieldPracticeName, "practice name", name, 100, true)
	p.AddErr(FieldPracticeName, err)
	if limit < 0 || limit > MaxStaffLimit {
		p.Add(FieldStaffLimit, fmt.Sprintf("The limit is a number from 1 to %d, or Unlimited.", MaxStaffLimit))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var out PracticeInfo
	err = s.gate.write(ctx, PermManagePractice, func(tx *call) error {
		cur, err := tx.Practice()
		if err != nil {
			return err
		}
		if cur.Version != version {
			return Errorf(ECONFLICT, "The practice settings were changed since you opened them: reload or keep your changes")
		}
		u, err := tx.usage()
		if err != nil {
			return err
		}
		if limit > 0 && u.Used > limit {
			return FieldError(FieldStaffLimit, "%d staff accounts are pending or active: the limit cannot be lower. Deactivate some first.", u.Used)
		}
		cur.Name, cur.StaffLimit, cur.UpdatedAt = name, limit, s.gate.now().UTC()
		if err := tx.SavePractice(cur); err != nil {
			return err
		}
		out.Practice, out.Usage = *cur, StaffUsage{Used: u.Used, Limit: limit}
		return nil
	})
	if err != nil {
		return nil, wrapInternal("save the practice", err)
	}
	return &out, nil
}

// Usage is how many staff accounts are used of the limit, for "+ Add Staff Member".
func (s *PracticeService) Usage(ctx context.Context) (StaffUsage, error) {
	var u StaffUsage
	err := s.gate.read(ctx, anyone, func(tx *call) (err error) {
		u, err = tx.usage()
		return err
	})
	return u, wrapInternal("count the staff accounts", err)
}

// Package demo fills a demo database with a believable sample practice, so that a
// newcomer sees every feature at once.
//
// It goes through the practice's public services, exactly as a manager and the staff
// would: a manager creates every account, which queues its activation email; the
// accounts the demo shows as settled are activated by their owners with the code
// from that email (delivered to a mailbox in memory), and the ones who left are
// deactivated by the manager. No state is written that those steps cannot reach.
package demo

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
)

// Options are what Seed needs of the app it seeds for.
type Options struct {
	// Digester must be the one the app's services use, so that the activation codes
	// of the accounts left Pending work when their emails go out.
	Digester app.Digester
	// Log receives the demo mailbox's deliveries.
	Log logrus.FieldLogger
	// PasswordHash replaces app.HashPassword when not nil (tests: app.CheapPasswordHash).
	PasswordHash func(string) (string, error)
}

// The demo practice's office manager, whom --demo signs in, and the password of every
// demo account: the demo is for trying StaffDesk out, signing in as anyone included.
const (
	Manager  = "omanning"
	Password = "Quartz-Harbor-Maple-42"
)

// SignIn signs the demo practice's office manager in at desk.
func SignIn(ctx context.Context, svc *app.Services, desk string) (*app.SignedIn, error) {
	return svc.Session.SignIn(ctx, Manager, Password, desk)
}

// Seed fills an empty practice in store: Set up your practice (the practice, its first
// provider and Olivia Manning, the office manager, who holds every permission), three
// providers (one inactive), two offices, and a dozen staff in every state, with and
// without phones, permissions and office restrictions, some of whom have signed in,
// failed to, or been locked out. It does nothing when the practice is set up; a demo
// database from a release without sign-in only gets its office manager.
func Seed(ctx context.Context, store app.Store, opt Options) error {
	box := &mailbox{}
	clock := &demoClock{}
	s := app.NewServices(store, app.MailOptions{Digester: opt.Digester, Postman: box, Now: clock.now, Courier: app.CourierOptions{Log: opt.Log}})
	if opt.PasswordHash != nil {
		s.SetPasswordHash(opt.PasswordHash)
	}
	state, err := s.Practice.State(ctx)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	manager := app.NewStaff{Staff: app.Staff{FirstName: "Olivia", LastName: "Manning", Username: Manager,
		Email: "olivia.manning@example.com", CellPhone: "(217) 555-0101", UseNewDashboard: true, EnableEmailUpdate: true,
		SendDailyBilling: true}, Password: Password, ConfirmPassword: Password}
	setup := &app.PracticeSetup{Name: "Springfield Family Practice", StaffLimit: 15, Admin: manager, Desk: "demo"}
	switch state {
	case app.SetupDone:
		return nil
	case app.SetupUpgrade:
		_, dir, err := s.Practice.Candidates(ctx)
		if err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		for _, p := range dir.Providers {
			if p.Active {
				setup.Admin.ProviderID = p.ID
				break
			}
		}
		setup.StaffLimit = 0
		if _, err := s.Practice.SetUp(ctx, setup); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		return nil
	}
	setup.Provider = app.Provider{FirstName: "Kate", LastName: "Provider", Credentials: "MD", NPI: "1234567893"}
	in, err := s.Practice.SetUp(ctx, setup)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	ctx = app.WithSession(ctx, in.Token)
	// Settled accounts' activation emails go to the demo mailbox: these settings live
	// only in s, which ends with Seed; nothing is saved to Settings → Email.
	if err := s.EmailSettings.SetOverride("demo:"); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	dir, err := s.Directory.Load(ctx)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	var kate *app.Provider
	for _, p := range dir.Providers {
		if p.NPI == "1234567893" {
			kate = p
		}
	}
	// A Biller sees the PINs of the staff of their offices, to help them with the apps.
	for _, r := range dir.Roles {
		if r.Name == "Biller" {
			if _, err := s.Permissions.SetRolePermission(ctx, r.ID, r.Version, app.PermSeePINs, true); err != nil {
				return fmt.Errorf("seed demo permissions: %w", err)
			}
		}
	}

	hannah, err := s.Directory.SaveProvider(ctx, &app.Provider{FirstName: "Hannah", LastName: "Provider", Credentials: "DO", NPI: "1245319599"})
	if err != nil {
		return fmt.Errorf("seed demo provider: %w", err)
	}
	robert, err := s.Directory.SaveProvider(ctx, &app.Provider{FirstName: "Robert", LastName: "Allen", Suffix: "Jr.", Credentials: "MD, FACP"})
	if err != nil {
		return fmt.Errorf("seed demo provider: %w", err)
	}
	if err := s.Directory.SetProviderActive(ctx, robert.ID, robert.Version, false); err != nil {
		return fmt.Errorf("seed demo provider: %w", err)
	}
	main, err := s.Directory.SaveOffice(ctx, &app.Office{Name: "Main Street Clinic", Address: "100 Main Street\nSpringfield, IL 62701", Phone: "(217) 555-0100"})
	if err != nil {
		return fmt.Errorf("seed demo office: %w", err)
	}
	river, err := s.Directory.SaveOffice(ctx, &app.Office{Name: "Riverside Office", Address: "42 River Road\nSpringfield, IL 62704", Phone: "(217) 555-0188"})
	if err != nil {
		return fmt.Errorf("seed demo office: %w", err)
	}

	role := func(name string) int64 { return roleID(dir.Roles, name) }
	ctr := func(name string) int64 { return careTeamRoleID(dir.CareTeamRoles, name) }

	type demo struct {
		st     app.Staff
		status app.StaffStatus
	}
	people := []demo{
		{app.Staff{FirstName: "Camille", LastName: "Staff", Username: "camilles", Email: "camilles@email.xyz", ProviderID: kate.ID, RoleID: role("Nurse"),
			CareTeamRoleID: ctr("General nurse (occupation)"), CareTeamIDType: app.CareTeamIDNCSBN, CareTeamID: "12345678",
			CellPhone: "(212) 555-0123", EmergencyAccess: true, UseNewDashboard: true}, app.StatusActive},
		{app.Staff{FirstName: "Marcus", LastName: "Staff", Username: "marcusstaff", Email: "mstaff@email.xyz", ProviderID: hannah.ID, RoleID: role("Nurse")}, app.StatusActive},
		{app.Staff{FirstName: "Jamie", LastName: "Tester", Username: "jamie_demo_staff", Email: "jamie_demo_staff@example.com", ProviderID: hannah.ID, RoleID: role("Front Desk"),
			HomePhone: "(217) 555-0147"}, app.StatusPending},
		{app.Staff{FirstName: "Priya", LastName: "Raman", Username: "praman", Email: "priya.raman@example.com", ProviderID: kate.ID, RoleID: role("Biller"),
			CellPhone: "(217) 555-0162", HomePhone: "(217) 555-0163", RestrictOffices: true, OfficeIDs: []int64{main.ID}}, app.StatusActive},
		{app.Staff{FirstName: "Luis", LastName: "Ortega", Username: "lortega", Email: "luis.ortega@example.com", ProviderID: kate.ID, RoleID: role("Medical Assistant"),
			CareTeamRoleID: ctr("Medical assistant (occupation)"), CellPhone: "(217) 555-0171", EmergencyAccess: true}, app.StatusActive},
		{app.Staff{FirstName: "Grace", LastName: "Kim", Username: "gkim", Email: "grace.kim@example.com", ProviderID: hannah.ID, RoleID: role("Office Manager"),
			CellPhone: "(217) 555-0190", UseNewDashboard: true, RestrictOffices: true, OfficeIDs: []int64{main.ID, river.ID}}, app.StatusActive},
		{app.Staff{FirstName: "Dmitri", LastName: "Volkov", Username: "dvolkov", Email: "dmitri.volkov@example.com", ProviderID: hannah.ID, RoleID: role("Medical Assistant"),
			RestrictOffices: true, OfficeIDs: []int64{river.ID}}, app.StatusPending},
		{app.Staff{FirstName: "Aisha", LastName: "Bello", Username: "abello", Email: "aisha.bello@example.com", ProviderID: kate.ID, RoleID: role("Nurse"),
			CareTeamRoleID: ctr("Registered nurse (occupation)"), CareTeamIDType: app.CareTeamIDNPI, CareTeamID: "1245319599", CellPhone: "(217) 555-0134", EmergencyAccess: true}, app.StatusActive},
		{app.Staff{FirstName: "Tom", LastName: "Becker", Username: "tbecker", Email: "tom.becker@example.com", ProviderID: kate.ID, RoleID: role("Front Desk"),
			HomePhone: "(217) 555-0115"}, app.StatusInactive},
		{app.Staff{FirstName: "Rosa", LastName: "Delgado", Username: "rdelgado", Email: "rosa.delgado@example.com", ProviderID: hannah.ID, RoleID: role("Biller"),
			CellPhone: "(217) 555-0152", RestrictOffices: true, OfficeIDs: []int64{river.ID}}, app.StatusInactive},
		{app.Staff{FirstName: "Noah", LastName: "Fischer", Username: "nfischer", Email: "noah.fischer@example.com", ProviderID: kate.ID, RoleID: role("Front Desk"),
			CellPhone: "(217) 555-0179", UseNewDashboard: true}, app.StatusPending},
		{app.Staff{FirstName: "Mei", LastName: "Chen", Username: "mchen", Email: "mei.chen@example.com", ProviderID: hannah.ID, RoleID: role("Nurse"),
			CareTeamRoleID: ctr("Licensed practical nurse (occupation)"), CellPhone: "(217) 555-0126", HomePhone: "(217) 555-0127"}, app.StatusActive},
	}
	// The settled accounts first: created, then activated by their owners with the
	// code their email brought (Tom had been active before he left; Rosa never
	// activated hers), and the manager deactivates those who left. The Pending ones
	// come last, so their activation emails stay waiting in the outbox.
	created := map[string]*app.Staff{}
	for _, pending := range []bool{false, true} {
		for i, p := range people {
			if (p.status == app.StatusPending) != pending {
				continue
			}
			st := p.st
			st.SendDailyBilling = i%3 != 2
			st.EnableEmailUpdate = i%4 != 3
			var err error
			if st.UnlockPIN, err = app.NewUnlockPIN(); err != nil {
				return fmt.Errorf("seed demo: %w", err)
			}
			pw := Password
			if created[st.Username], err = s.Staff.Create(ctx, &app.NewStaff{Staff: st, Password: pw, ConfirmPassword: pw}); err != nil {
				return fmt.Errorf("seed demo staff %s: %w", st.Username, err)
			}
		}
		if pending {
			break
		}
		s.Courier.SendDue(ctx)
		for _, p := range people {
			st := created[p.st.Username]
			if p.status == app.StatusPending || st == nil {
				continue
			}
			if p.status == app.StatusActive || st.Username == "tbecker" {
				code, ok := box.code(st.Email)
				if !ok {
					return fmt.Errorf("seed demo staff %s: no activation email was delivered", st.Username)
				}
				if _, err := s.Accounts.Activate(ctx, st.Username, code); err != nil {
					return fmt.Errorf("seed demo staff %s: %w", st.Username, err)
				}
			}
			if p.status == app.StatusInactive {
				cur, err := s.Staff.Get(ctx, st.ID) // activating moved its version on
				if err != nil {
					return fmt.Errorf("seed demo staff %s: %w", st.Username, err)
				}
				if _, err := s.Staff.Deactivate(ctx, cur.ID, cur.Version); err != nil {
					return fmt.Errorf("seed demo staff %s: %w", st.Username, err)
				}
			}
		}
	}
	if err := signIns(ctx, s, clock); err != nil {
		return err
	}
	// The office manager set the demo up; the desk signs her in afresh (SignIn).
	return s.Session.SignOut(ctx)
}

// demoClock is the seed's clock: the time now, except while the sign-in history is
// made, which happened over the past minutes.
type demoClock struct{ at time.Time }

func (c *demoClock) now() time.Time {
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// signIns gives the demo its sign-in history: three people have signed in, one has
// mistyped a password three times, and one has been locked out by ten failures.
func signIns(ctx context.Context, s *app.Services, clock *demoClock) error {
	defer func() { clock.at = time.Time{} }()
	clock.at = time.Now().Add(-2 * time.Hour)
	for _, name := range []string{"camilles", "marcusstaff", "abello"} {
		in, err := s.Session.SignIn(ctx, name, Password, "front-desk-2")
		if err != nil {
			return fmt.Errorf("seed demo sign-in %s: %w", name, err)
		}
		if err := s.Session.SignOut(app.WithSession(ctx, in.Token)); err != nil {
			return fmt.Errorf("seed demo sign-out %s: %w", name, err)
		}
	}
	for name, n := range map[string]int{"lortega": 3, "mchen": app.LockAfter} {
		clock.at = time.Now().Add(-8 * time.Minute)
		for range n {
			// A minute apart, past every delay the throttle asks for.
			clock.at = clock.at.Add(40 * time.Second)
			_, err := s.Session.SignIn(ctx, name, "not the password at all", "front-desk-2")
			if app.ErrorCode(err) != app.EFORBIDDEN {
				return fmt.Errorf("seed demo failed sign-in %s: %v", name, err)
			}
		}
	}
	return nil
}

func roleID(roles []*app.Role, name string) int64 {
	for _, r := range roles {
		if r.Name == name {
			return r.ID
		}
	}
	return 0
}

func careTeamRoleID(roles []*app.CareTeamRole, name string) int64 {
	for _, r := range roles {
		if r.Name == name {
			return r.ID
		}
	}
	return 0
}

// mailbox is the demo staff's inbox: a Postman that delivers into memory, where each
// demo person reads the code of their activation email.
type mailbox struct {
	mu    sync.Mutex
	codes map[string]string // by address: the code of the newest email
}

var _ app.Postman = (*mailbox)(nil)

// codePattern finds a one-time code as the emails write it: "7K2QD-M9XWA".
var codePattern = regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b`)

func (b *mailbox) Send(ctx context.Context, s app.EmailSettings, l app.Letter) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.codes == nil {
		b.codes = map[string]string{}
	}
	if code := codePattern.FindString(l.Text); code != "" {
		b.codes[l.ToAddress] = code
	}
	return nil
}

// Session sends each letter as Send does: the mailbox has no connection to keep.
func (b *mailbox) Session(s app.EmailSettings) app.PostSession { return mailboxSession{b, s} }

type mailboxSession struct {
	box *mailbox
	s   app.EmailSettings
}

func (m mailboxSession) Send(ctx context.Context, l app.Letter) error { return m.box.Send(ctx, m.s, l) }
func (m mailboxSession) Close()                                       {}

func (b *mailbox) code(address string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	code, ok := b.codes[address]
	return code, ok
}

// ParseURL gives the settings of the demo mailbox, whatever the URL.
func (b *mailbox) ParseURL(string) (app.EmailSettings, error) {
	return app.EmailSettings{Host: "mailbox.demo.invalid", Port: 587, Security: app.MailStartTLS,
		FromName: "Main Street Clinic", FromAddress: "office@demo.invalid"}, nil
}

func (b *mailbox) Check(app.EmailSettings) error { return nil }

func (b *mailbox) EML(app.EmailSettings, app.Letter) ([]byte, error) {
	return nil, errors.New("the demo mailbox writes no files")
}

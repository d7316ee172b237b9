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
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"sync"

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

// Seed fills an empty practice in store: three providers (one inactive), two offices,
// and a dozen staff in every state, with and without phones, some restricted to
// offices. It does nothing when staff already exist.
func Seed(ctx context.Context, store app.Store, opt Options) error {
	box := &mailbox{}
	s := app.NewServices(store, app.MailOptions{Digester: opt.Digester, Postman: box, Courier: app.CourierOptions{Log: opt.Log}})
	if opt.PasswordHash != nil {
		s.SetPasswordHash(opt.PasswordHash)
	}
	if list, err := s.Staff.List(ctx); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	} else if len(list) > 0 {
		return nil
	}
	// Settled accounts' activation emails go to the demo mailbox: these settings live
	// only in s, which ends with Seed; nothing is saved to Settings → Email.
	if err := s.EmailSettings.SetOverride("demo:"); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	dir, err := s.Directory.Load(ctx)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}

	kate, err := s.Directory.SaveProvider(ctx, &app.Provider{FirstName: "Kate", LastName: "Provider", Credentials: "MD", NPI: "1234567893"})
	if err != nil {
		return fmt.Errorf("seed demo provider: %w", err)
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
			// Nobody knows a demo account's password: it is random and thrown away.
			pw, err := demoPassword(&st)
			if err != nil {
				return fmt.Errorf("seed demo: %w", err)
			}
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
	return nil
}

// demoPassword draws random passwords until one passes the rules for st (a random one
// can, rarely, contain a short name).
func demoPassword(st *app.Staff) (string, error) {
	for range 100 {
		pw := rand.Text()
		if app.CheckPassword(pw, pw, app.PasswordContextOf(st)) == nil {
			return pw, nil
		}
	}
	return "", fmt.Errorf("no acceptable random password for %s", st.Username)
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

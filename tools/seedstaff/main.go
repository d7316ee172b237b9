// Command seedstaff fills a StaffDesk database with a large made-up practice, for
// measuring how the Staff window feels at 10,000 or 100,000 accounts:
//
//	XDG_CONFIG_HOME=/tmp/m/config seedstaff -db /tmp/m/staff.db -n 100000
//
// It uses the app's own key file (pin.key in StaffDesk's folder in the config folder,
// as main.go chooses it), so that staffdesk started with the same XDG_CONFIG_HOME and
// --db reads the PINs it wrote.
//
// Providers and offices go through the directory service, as a manager adds them.
// Accounts are written through the store's Write and Tx.CreateStaff, a thousand to a
// transaction, already active, with their identity keys, and with one Argon2id hash of
// a random, forgotten password shared by all. The staff service's Create would make
// each one pending, with an activation email waiting in the outbox (100,000 of them,
// and the mail banner counting them), one transaction each. Nothing here writes SQL.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/secrets"
)

func main() {
	dbPath := flag.String("db", "", "the database `file` to fill (created if missing)")
	n := flag.Int("n", 10000, "how many staff accounts to add")
	providers := flag.Int("providers", 24, "how many providers to add (when there is at most the one set-up made)")
	offices := flag.Int("offices", 4, "how many offices to add (when there are none yet)")
	seed := flag.Uint64("seed", 6, "seed of the made-up names, so that two runs make the same practice")
	flag.Parse()
	if *dbPath == "" {
		fmt.Fprintln(os.Stderr, "seedstaff: give the database with -db FILE")
		os.Exit(2)
	}
	start := time.Now()
	if err := run(*dbPath, *n, *providers, *offices, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "seedstaff:", app.ErrorMessage(err))
		fmt.Fprintln(os.Stderr, "seedstaff: detail:", err)
		os.Exit(1)
	}
	fmt.Printf("seedstaff: %d staff in %s (%.1f s)\n", *n, *dbPath, time.Since(start).Seconds())
}

func run(dbPath string, n, nProviders, nOffices int, seed uint64) error {
	base, err := os.UserConfigDir()
	if err != nil {
		return fmt.Errorf("find the config folder: %w", err)
	}
	dir := filepath.Join(base, "StaffDesk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	key, err := secrets.LoadOrCreateKey(filepath.Join(dir, "pin.key"))
	if err != nil {
		return fmt.Errorf("the PIN key: %w", err)
	}
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		return err
	}
	db, err := data.Open(dbPath, sealer)
	if err != nil {
		return err
	}
	defer db.Close()
	var store app.Store = db
	// No Postman: nothing here sends mail, and no account made here has any waiting.
	svc := app.NewServices(store, app.MailOptions{Digester: secrets.NewDigester(key)})
	ctx, err := signIn(svc)
	if err != nil {
		return err
	}
	rnd := mrand.New(mrand.NewPCG(seed, 0x5eed))

	dir0, err := svc.Directory.Load(ctx)
	if err != nil {
		return err
	}
	// Set up your practice made one provider: the made-up practice gets its own on top.
	if len(dir0.Providers) <= 1 {
		for i := range nProviders {
			p := &app.Provider{FirstName: pick(rnd, firstNames), LastName: pick(rnd, lastNames),
				Credentials: pick(rnd, credentials), NPI: npi(100000 + i)}
			if _, err := svc.Directory.SaveProvider(ctx, p); err != nil {
				return fmt.Errorf("add provider %d: %w", i, err)
			}
		}
	}
	if len(dir0.Offices) == 0 {
		for i := range nOffices {
			o := &app.Office{Name: fmt.Sprintf("%s Office", pick(rnd, streets)) + suffix(i),
				Address: fmt.Sprintf("%d %s Street\nSpringfield, IL 627%02d", 10+rnd.IntN(900), pick(rnd, streets), i),
				Phone:   fmt.Sprintf("+1217555%04d", 100+i)}
			if _, err := svc.Directory.SaveOffice(ctx, o); err != nil {
				return fmt.Errorf("add office %d: %w", i, err)
			}
		}
	}
	dir1, err := svc.Directory.Load(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	var providerIDs, officeIDs, roleIDs []int64
	for _, p := range dir1.Providers {
		if p.Active {
			providerIDs = append(providerIDs, p.ID)
		}
	}
	for _, o := range dir1.Offices {
		if o.Active {
			officeIDs = append(officeIDs, o.ID)
		}
	}
	for _, r := range dir1.Roles {
		if r.Active && r.Name != app.AdministratorRole { // the practice has one administrator
			roleIDs = append(roleIDs, r.ID)
		}
	}
	if len(providerIDs) == 0 || len(roleIDs) == 0 {
		return fmt.Errorf("the directory has %d active providers and %d active roles; both are needed", len(providerIDs), len(roleIDs))
	}

	// Nobody knows this password: it is random and thrown away.
	hash, err := app.HashPassword(rand.Text())
	if err != nil {
		return err
	}
	var first int
	if err := store.Read(ctx, func(tx app.Tx) (err error) { first, err = tx.CountStaff(); return err }); err != nil {
		return err
	}
	now := time.Now().UTC()
	const batch = 1000
	for done := 0; done < n; {
		k := min(batch, n-done)
		people := make([]*app.Staff, k)
		for j := range people {
			if people[j], err = madeUp(rnd, first+done+j, now, providerIDs, officeIDs, roleIDs); err != nil {
				return err
			}
		}
		if err := store.Write(ctx, func(tx app.Tx) error {
			for _, st := range people {
				if err := tx.CreateStaff(st, hash); err != nil {
					return fmt.Errorf("add %s: %w", st.Username, err)
				}
			}
			return nil
		}); err != nil {
			return err
		}
		done += k
	}
	return nil
}

// madeUp is the i-th made-up account: unique username and email, a mix of phones,
// offices, roles and statuses (one in ten inactive, so hidden until Show inactive).
func madeUp(rnd *mrand.Rand, i int, now time.Time, providerIDs, officeIDs, roleIDs []int64) (*app.Staff, error) {
	first, last := pick(rnd, firstNames), pick(rnd, lastNames)
	st := &app.Staff{
		FirstName:         first,
		LastName:          last,
		Username:          fmt.Sprintf("%s%s%d", strings.ToLower(first[:1]), strings.ToLower(last), i),
		Email:             fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(first), strings.ToLower(last), i),
		ProviderID:        providerIDs[rnd.IntN(len(providerIDs))],
		RoleID:            roleIDs[rnd.IntN(len(roleIDs))],
		SendDailyBilling:  rnd.IntN(3) != 0,
		EnableEmailUpdate: rnd.IntN(4) != 0,
		UseNewDashboard:   rnd.IntN(2) == 0,
		EmergencyAccess:   rnd.IntN(5) == 0,
		Status:            app.StatusActive,
	}
	if rnd.IntN(10) < 7 {
		st.CellPhone = phone(rnd)
	}
	if rnd.IntN(10) < 3 {
		st.HomePhone = phone(rnd)
	}
	if len(officeIDs) > 0 && rnd.IntN(4) == 0 {
		st.RestrictOffices = true
		st.OfficeIDs = []int64{officeIDs[rnd.IntN(len(officeIDs))]}
	}
	// The identity keys the staff service gives every account it creates, so that the
	// app finds none to backfill when it starts.
	st.EmailKey, st.UsernameKey = app.EmailKey(st.Email), app.UsernameKey(st.Username)
	var err error
	if st.UnlockPIN, err = app.NewUnlockPIN(); err != nil {
		return nil, err
	}
	if st.SupportPIN, err = app.NewSupportPIN(); err != nil {
		return nil, err
	}
	created := now.Add(-time.Duration(rnd.IntN(3*365*24)) * time.Hour)
	st.CreatedAt, st.UpdatedAt, st.ActivatedAt = created, created, created.Add(time.Hour)
	if rnd.IntN(10) == 0 {
		st.Status = app.StatusInactive
	}
	return st, nil
}

func pick(rnd *mrand.Rand, from []string) string { return from[rnd.IntN(len(from))] }

// phone is a US number in E.164 form, as the app stores it, with a real area code and
// an exchange that is not 555.
func phone(rnd *mrand.Rand) string {
	areas := []string{"217", "312", "212", "415", "617", "303", "512", "206"}
	return fmt.Sprintf("+1%s%d%02d%04d", areas[rnd.IntN(len(areas))], 2+rnd.IntN(8), rnd.IntN(100), rnd.IntN(10000))
}

// npi is a 10-digit NPI ending in its Luhn check digit (computed over the 80840 prefix).
func npi(n int) string {
	body := fmt.Sprintf("1%08d", n%100000000)
	sum := 24 // the 80840 prefix's share of the Luhn sum
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return body + fmt.Sprint((10-sum%10)%10)
}

func suffix(i int) string {
	if i == 0 {
		return ""
	}
	return fmt.Sprintf(" %d", i+1)
}

var credentials = []string{"MD", "DO", "MD, FACP", "NP", "PA-C", "MD, PhD"}

var streets = []string{"Main", "River", "Oak", "Maple", "Lincoln", "Washington", "Lake", "Hill", "Park", "Cedar"}

var firstNames = []string{
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
	"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
	"Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra",
	"Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
	"Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Dorothy", "George", "Melissa", "Timothy", "Deborah",
	"Ronald", "Stephanie", "Edward", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia",
	"Jacob", "Kathleen", "Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna",
	"Priya", "Luis", "Grace", "Dmitri", "Aisha", "Rosa", "Noah", "Mei", "Camille", "Marcus",
	"Fatima", "Hiroshi", "Olga", "Tariq", "Ingrid", "Kwame", "Lucia", "Ravi", "Sofia", "Mateo",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
	"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
	"Raman", "Ortega", "Kim", "Volkov", "Bello", "Becker", "Delgado", "Fischer", "Chen", "Okafor",
	"Nakamura", "Petrov", "Haddad", "Larsen", "Mensah", "Rossi", "Sharma", "Novak", "Cohen", "Silva",
}

// The administrator of a practice seedstaff sets up, and their password: a made-up
// practice for measuring, signed in as at the Sign in window.
const (
	seedAdmin         = "admin"
	seedAdminPassword = "Measure-Quartz-Lantern-2026"
)

// signIn sets the practice up when it is not yet, with seedAdmin as its administrator,
// and signs them in.
func signIn(svc *app.Services) (context.Context, error) {
	c := context.Background()
	state, err := svc.Practice.State(c)
	if err != nil {
		return nil, err
	}
	var in *app.SignedIn
	if state == app.SetupDone {
		in, err = svc.Session.SignIn(c, seedAdmin, seedAdminPassword, "seedstaff")
	} else {
		in, err = svc.Practice.SetUp(c, &app.PracticeSetup{Name: "Measured Practice",
			Provider: app.Provider{FirstName: "Morgan", LastName: "Measure", Credentials: "MD"},
			Admin: app.NewStaff{Staff: app.Staff{FirstName: "Ada", LastName: "Admin", Username: seedAdmin,
				Email: "admin@measured.example"}, Password: seedAdminPassword, ConfirmPassword: seedAdminPassword},
			Desk: "seedstaff"})
		if err == nil {
			fmt.Printf("seedstaff: set up the practice; sign in as %s with the password %s\n", seedAdmin, seedAdminPassword)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", seedAdmin, err)
	}
	return app.WithSession(c, in.Token), nil
}

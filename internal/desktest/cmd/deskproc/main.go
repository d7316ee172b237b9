// Command deskproc is one StaffDesk without its window, for the tests that run two
// desks on one database file as two real processes (internal/desktest). It opens the
// file with the real services, makes the creates and edits it is told to, delivers
// the outbox to the SMTP server it is given, and prints what happened as one line of
// JSON on stdout. The keys and the SMTP password come from the environment, never
// from the command line: DESKPROC_KEY (64 hex digits) and DESKPROC_SMTP_PASSWORD, and
// the person it signs in as, DESKPROC_ADMIN with DESKPROC_ADMIN_PASSWORD.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/secrets"
	"github.com/staffdesk/staffdesk/smtp"
)

// Report is what deskproc prints.
type Report struct {
	Name    string   `json:"name"`
	Creates int      `json:"creates"`
	Edits   int      `json:"edits"`
	Errors  []string `json:"errors"`
	// Locked counts the errors that carried SQLite's "database is locked" or EBUSY:
	// a person's save that failed because another desk was saving.
	Locked int `json:"locked"`
	// Probe is how the call made after stdin closed ended (-probe): "ok", or the
	// error's code; ProbeReason is why the session ended, for an ESIGNEDOUT one, and
	// ProbeMessage what the window would say.
	Probe        string `json:"probe,omitempty"`
	ProbeReason  string `json:"probe_reason,omitempty"`
	ProbeMessage string `json:"probe_message,omitempty"`
}

func main() {
	var (
		dbPath  = flag.String("db", "", "the database file")
		name    = flag.String("name", "desk", "this desk's name; its usernames start with it")
		creates = flag.Int("creates", 0, "accounts to create")
		edits   = flag.Int("edits", 0, "edits of those accounts")
		smtp    = flag.String("smtp", "", "host:port of the SMTP server; empty: no courier")
		user    = flag.String("smtp-user", "", "SMTP user name (the password is DESKPROC_SMTP_PASSWORD)")
		drain   = flag.Duration("drain", 10*time.Second, "how long to wait for the outbox to empty at the end")
		hold    = flag.Bool("hold", false, "after the creates and edits, keep the courier running until stdin closes")
		stall   = flag.Duration("stall", 0, "first hold the write lock this long, as a desk saving slowly would")
		marker  = flag.String("stall-marker", "", "a file created once the write lock is held (-stall)")
		ready   = flag.String("ready", "", "a file created once the database is open and the courier started")
		after   = flag.String("after", "", "files (comma-separated) to wait for before the stall, creates and edits")
		probe   = flag.Bool("probe", false, "once ready, hold the session until stdin closes, then make one call with it and report how it ended")
	)
	flag.Parse()
	rep, err := run(*dbPath, *name, *creates, *edits, *smtp, *user, *drain, *hold, *stall, *marker, *ready, *after, *probe)
	if err != nil {
		fmt.Fprintln(os.Stderr, "deskproc:", err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(rep)
}

func run(dbPath, name string, creates, edits int, smtpAddr, user string, drain time.Duration, hold bool, stall time.Duration, marker, ready, after string, probe bool) (*Report, error) {
	key, err := hex.DecodeString(os.Getenv("DESKPROC_KEY"))
	if err != nil || len(key) != 32 {
		return nil, errors.New("DESKPROC_KEY must be 64 hex digits")
	}
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		return nil, err
	}
	db, err := data.Open(dbPath, sealer)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	log := logrus.New()
	log.SetOutput(os.Stderr)
	log.SetFormatter(&logrus.TextFormatter{DisableTimestamp: false, FullTimestamp: true})
	log = log.WithField("desk", name).Logger
	opts := app.MailOptions{Digester: secrets.NewDigester(key), Keychain: &memKeychain{},
		Courier: app.CourierOptions{Log: log.WithField("desk", name)}}
	if smtpAddr != "" {
		opts.Postman = &smtp.Postman{Timeout: 10 * time.Second}
	}
	svc := app.NewServices(db, opts)
	rep := &Report{Name: name, Errors: []string{}}
	in, err := svc.Session.SignIn(context.Background(), os.Getenv("DESKPROC_ADMIN"), os.Getenv("DESKPROC_ADMIN_PASSWORD"), name)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	ctx := app.WithSession(context.Background(), in.Token)
	var mu sync.Mutex
	fail := func(what string, err error) {
		mu.Lock()
		defer mu.Unlock()
		rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %s [%s] (%v)", what, app.ErrorMessage(err), app.ErrorCode(err), err))
		if app.ErrorCode(err) == app.EBUSY || strings.Contains(err.Error(), "database is locked") {
			rep.Locked++
		}
	}

	if smtpAddr != "" {
		u := url.URL{Scheme: "smtp", Host: smtpAddr, User: url.UserPassword(user, os.Getenv("DESKPROC_SMTP_PASSWORD")),
			RawQuery: url.Values{"security": {"none"}, "from": {"office@valley.example"}}.Encode()}
		if err := svc.EmailSettings.SetOverride(u.String()); err != nil {
			return nil, fmt.Errorf("email settings: %s", app.ErrorMessage(err))
		}
		if err := svc.Courier.Start(ctx); err != nil {
			return nil, err
		}
		defer svc.Courier.Stop()
	}

	dir, err := svc.Directory.Load(ctx)
	if err != nil {
		return nil, err
	}
	if len(dir.Providers) == 0 || len(dir.Roles) == 0 {
		return nil, errors.New("the database has no provider or role")
	}
	if ready != "" {
		if err := os.WriteFile(ready, nil, 0o600); err != nil {
			return nil, err
		}
	}
	if probe {
		// The session lives in the file: another process may end it meanwhile, and this
		// desk learns it at its next call, as its window would.
		io.Copy(io.Discard, os.Stdin)
		_, err := svc.Staff.List(ctx)
		rep.Probe = "ok"
		if err != nil {
			rep.Probe, rep.ProbeMessage = app.ErrorCode(err), app.ErrorMessage(err)
			reason, _ := app.SignedOutReason(err)
			rep.ProbeReason = string(reason)
		}
		return rep, nil
	}
	for _, f := range strings.FieldsFunc(after, func(r rune) bool { return r == ',' }) {
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(f); err == nil {
				break
			} else if time.Now().After(deadline) {
				return nil, fmt.Errorf("%s never appeared", f)
			}
		}
	}
	if stall > 0 {
		err := db.Write(ctx, func(tx app.Tx) error {
			if err := tx.SetSetting("deskproc.stall", name); err != nil {
				return err
			}
			if marker != "" {
				if err := os.WriteFile(marker, nil, 0o600); err != nil {
					return err
				}
			}
			time.Sleep(stall)
			return nil
		})
		if err != nil {
			fail("stall", err)
		}
	}

	var made []*app.Staff
	for i := 0; i < creates; i++ {
		u := fmt.Sprintf("%s%03d", name, i)
		st, err := svc.Staff.Create(ctx, &app.NewStaff{Staff: app.Staff{FirstName: "Camille", LastName: "Staff",
			ProviderID: dir.Providers[0].ID, RoleID: dir.Roles[0].ID, Email: u + "@email.xyz", Username: u,
			UnlockPIN: "8453", EnableEmailUpdate: true}, Password: "Correct-Horse-Battery-Staple-42", ConfirmPassword: "Correct-Horse-Battery-Staple-42"})
		if err != nil {
			fail("create "+u, err)
			continue
		}
		rep.Creates++
		made = append(made, st)
	}
	for i := 0; i < edits && len(made) > 0; i++ {
		st, err := svc.Staff.Get(ctx, made[i%len(made)].ID)
		if err != nil {
			fail("load for edit", err)
			continue
		}
		st.LastName = []string{"Alder", "Birch", "Cedar"}[i%3]
		if _, err := svc.Staff.Update(ctx, st); err != nil {
			fail("edit "+st.Username, err)
			continue
		}
		rep.Edits++
	}

	if hold {
		io.Copy(io.Discard, os.Stdin) // until the test closes it
	}
	if smtpAddr != "" {
		deadline := time.Now().Add(drain)
		for time.Now().Before(deadline) {
			list, err := svc.Outbox.List(ctx)
			if err != nil {
				fail("outbox", err)
				break
			}
			waiting := 0
			for _, m := range list {
				if !m.Status.Final() {
					waiting++
				}
			}
			if waiting == 0 {
				break
			}
			svc.Courier.Wake() // another desk may have queued it
			time.Sleep(50 * time.Millisecond)
		}
	}
	return rep, nil
}

// memKeychain keeps nothing: the SMTP settings come from the override.
type memKeychain struct{}

func (*memKeychain) Get(service, user string) (string, error) { return "", app.ErrNotInKeychain }
func (*memKeychain) Set(service, user, password string) error { return nil }
func (*memKeychain) Delete(service, user string) error        { return nil }

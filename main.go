// StaffDesk keeps a medical practice's office staff accounts on the front-office
// manager's desktop. main wires the pieces: the log, the store, the services, the windows.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"github.com/BurntSushi/toml"
	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/assets"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/demo"
	"github.com/staffdesk/staffdesk/internal/private"
	"github.com/staffdesk/staffdesk/keychain"
	"github.com/staffdesk/staffdesk/secrets"
	"github.com/staffdesk/staffdesk/smtp"
	"github.com/staffdesk/staffdesk/ui"
)

//go:embed FyneApp.toml
var fyneAppTOML []byte

// launched is when the process started (near enough: when its packages were set up),
// from which --log-level debug times each step of the start.
var launched = time.Now()

// startStep logs, at debug level, how long after launch a step of the start finished.
func startStep(log logrus.FieldLogger, step string) {
	log.WithField("ms", time.Since(launched).Milliseconds()).Debug("start: " + step)
}

func main() {
	dbPath := flag.String("db", os.Getenv("STAFFDESK_DB"), "the database `file` (default: StaffDesk's folder in your config folder; also STAFFDESK_DB)")
	demo := flag.Bool("demo", false, "open a separate demo database filled with a sample practice")
	level := flag.String("log-level", "info", "log `level`: debug, info, warn or error")
	smtpFlag := flag.String("smtp", "", smtpUsage)
	version := flag.Bool("version", false, "print StaffDesk's version and build, and exit")
	flag.Parse()
	if *version {
		fmt.Println(versionLine())
		return
	}
	if err := run(*dbPath, *demo, *level, *smtpFlag, os.Getenv("STAFFDESK_SMTP")); err != nil {
		fmt.Fprintln(os.Stderr, "staffdesk:", err)
		os.Exit(1)
	}
}

// smtpUsage is --help's text for --smtp. The flag has no default from STAFFDESK_SMTP:
// --help would print the password that variable holds.
const smtpUsage = `the mail server as a ` + "`URL`" + `, overriding Settings → Email:
  smtp://user@smtp.example.com:587?from=office@example.com   (STARTTLS; the default port 587)
  smtps://user@smtp.example.com:465?from=office@example.com  (TLS on connect; the default port 465)
Settings after ?, joined with &:
  from=ADDRESS     the From address of the emails (required); "Front Desk <office@example.com>" sets the name too
  from_name=NAME   the From name, like Front+Desk
  security=MODE    starttls (smtp://), tls (smtps://) or none (only for a server on this computer)
Percent-encode ? # / @ : % in the user name (%3F %23 %2F %40 %3A %25).
No password here: a command line is readable by every user of this computer, so a password in
--smtp is ignored. StaffDesk signs in with the password saved in Settings → Email for the same
user name (kept in the keychain; save it there once, started without --smtp); or put the whole
URL, password included (smtp://user:password@...), in the STAFFDESK_SMTP environment variable
instead of --smtp.`

func run(dbPath string, demoDB bool, level, smtpFlag, smtpEnv string) error {
	dir, err := dataDir()
	if err != nil {
		return err
	}
	log, closeLog, err := openLog(filepath.Join(dir, "staffdesk.log"), level)
	if err != nil {
		return err
	}
	defer closeLog()
	// A link (the one argument, as the installers pass it) goes to the StaffDesk
	// already running, if one is, before anything opens here.
	link := linkArg(flag.Args())
	links, stopLinks, handed := claimLinks(dir, link, log)
	if handed {
		return nil
	}
	defer stopLinks()

	smtpURL := smtpEnv
	if smtpFlag != "" {
		var ignored bool
		if smtpURL, ignored = withoutPassword(smtpFlag); ignored {
			log.Warn(passwordIgnored)
			fmt.Fprintln(os.Stderr, "staffdesk: warning:", passwordIgnored)
		}
	}

	switch {
	case demoDB:
		dbPath = filepath.Join(dir, "demo.db")
	case dbPath == "":
		dbPath = filepath.Join(dir, "staffdesk.db")
	}
	key, err := secrets.LoadOrCreateKey(filepath.Join(dir, "pin.key"))
	if err != nil {
		return fmt.Errorf("the key that protects PINs: %w", err)
	}
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		return err
	}
	passwordFile, err := keychain.NewFile(dir)
	if err != nil {
		return err
	}
	db, err := data.Open(dbPath, sealer)
	if code := app.ErrorCode(err); code == app.EINVALID || code == app.EBUSY {
		log.WithError(err).Error("StaffDesk did not start")
		return errors.New(app.ErrorMessage(err)) // it names the file, or says to try again
	} else if err != nil {
		return fmt.Errorf("open %s: %w", dbPath, err)
	}
	defer db.Close()
	log.WithField("db", dbPath).Info("StaffDesk started")
	startStep(log, "database open")

	digester := secrets.NewDigester(key)
	svc := app.NewServices(db, app.MailOptions{
		Digester: digester, Postman: smtp.NewPostman(), Keychain: keychain.OS{}, PasswordFile: passwordFile,
		Courier: app.CourierOptions{Log: log}})
	// Accounts stored before the identity keys get theirs; a look-alike pair is the
	// manager's to sort out, not a reason not to start.
	clashes, err := svc.Staff.BackfillIdentityKeys(context.Background())
	if err != nil {
		log.WithError(err).Error("Could not compute the accounts' identity keys")
	}
	for _, c := range clashes {
		log.WithFields(logrus.Fields{"field": c.Field, "account": c.Username, "like": c.Other}).
			Warn("Two accounts have look-alike identities; edit one of them")
	}
	startStep(log, "identity keys checked")
	if smtpURL != "" {
		if err := svc.EmailSettings.SetOverride(smtpURL); err != nil {
			return fmt.Errorf("--smtp / STAFFDESK_SMTP: %s", app.ErrorMessage(err))
		}
	}
	if demoDB {
		if err := demo.Seed(context.Background(), db, demo.Options{Digester: digester, Log: log}); err != nil {
			return err
		}
	}

	// The courier delivers the outbox in the background for as long as the app runs.
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	if err := svc.Courier.Start(ctx); err != nil {
		return err
	}
	defer svc.Courier.Stop()
	startStep(log, "courier started")

	meta := metadata()
	fyneapp.SetMetadata(meta)
	a := fyneapp.NewWithID(meta.ID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	d := ui.NewDesk(a, svc, log, ui.FyneRunner{})
	desk, err := os.Hostname() // the sessions opened here are listed by it
	if err != nil {
		log.WithError(err).Warn("This computer has no name to list its sessions by")
	}
	d.SetDeskName(desk)
	if err := start(d, svc, log, demoDB, desk); err != nil {
		return err
	}
	if link != "" {
		d.OpenLinkText(link) // in front of Sign in
	}
	if links != nil {
		d.TakeLinks(links)
	}
	startStep(log, "first window built")
	a.Run()
	d.Close()
	return nil
}

// start opens the first window: Set up your practice or Sign in; with --demo, the
// demo practice's office manager signed in, saying so.
func start(d *ui.Desk, svc *app.Services, log logrus.FieldLogger, demoDB bool, desk string) error {
	if demoDB {
		d.SetSignInNote(fmt.Sprintf("Demo practice: every demo account's password is %s.", demo.Password))
		in, err := demo.SignIn(context.Background(), svc, desk)
		if err == nil {
			d.SetDemoBanner(fmt.Sprintf("Demo practice: you are signed in as %s, the office manager. "+
				"Every demo account's password is %s.", in.Me.FullName(), demo.Password))
			d.StartSignedIn(in)
			return nil
		}
		// Her password changed in an earlier demo, say: Sign in, as anyone.
		log.WithError(err).Warn("The demo's office manager could not be signed in")
	}
	if err := d.Start(); err != nil {
		return fmt.Errorf("read the practice: %w", err)
	}
	return nil
}

// metadata reads the app's name, ID and version from the FyneApp.toml built into the
// binary, so a binary run outside the source tree still knows who it is.
func metadata() fyne.AppMetadata {
	var f struct {
		Details struct {
			ID, Name, Version string
			Build             int
		}
		Migrations map[string]bool
	}
	if _, err := toml.Decode(string(fyneAppTOML), &f); err != nil {
		panic("FyneApp.toml built into the binary does not parse: " + err.Error())
	}
	return fyne.AppMetadata{ID: f.Details.ID, Name: f.Details.Name, Version: f.Details.Version,
		Build: f.Details.Build, Release: true, Migrations: f.Migrations,
		Icon: fyne.NewStaticResource("icon.png", assets.Icon)}
}

// passwordIgnored is the warning for a password given in --smtp.
const passwordIgnored = "the password in --smtp was ignored: a command line is readable by every user of this computer. " +
	"Save the password in Settings → Email (it goes to the keychain), or give the whole URL in the STAFFDESK_SMTP " +
	"environment variable instead of --smtp; and consider changing that password, since others could see it."

// withoutPassword returns the --smtp URL with any password taken out, and whether
// there was one. A URL that does not parse is returned as it is, for ParseURL to
// refuse with its reason (which never quotes it).
func withoutPassword(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw, false
	}
	if _, ok := u.User.Password(); !ok {
		return raw, false
	}
	u.User = url.User(u.User.Username())
	return u.String(), true
}

// dataDir is StaffDesk's folder in the user's config folder: created private, and
// made private again when found open to others.
func dataDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find your config folder: %w", err)
	}
	dir := filepath.Join(base, "StaffDesk")
	if err := private.Folder(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// openLog logs to a file readable only by this user, and to stderr as well when
// StaffDesk was started from a terminal.
func openLog(path, level string) (*logrus.Logger, func(), error) {
	lvl, err := logrus.ParseLevel(level)
	if err != nil {
		return nil, nil, fmt.Errorf("--log-level: %w", err)
	}
	// A log left readable by others (by an older release, a copy) is tightened first:
	// it names the staff and the practice's mail server.
	for _, p := range []string{path, path + ".1"} {
		if err := private.Tighten(p); err != nil {
			return nil, nil, fmt.Errorf("the log: %w", err)
		}
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > 5<<20 {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open the log: %w", err)
	}
	log := logrus.New()
	log.SetLevel(lvl)
	log.SetFormatter(&logrus.TextFormatter{FullTimestamp: true, TimestampFormat: "2006-01-02T15:04:05.000Z07:00", DisableColors: true})
	var out io.Writer = f
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		out = io.MultiWriter(f, os.Stderr)
	}
	log.SetOutput(out)
	return log, func() { f.Close() }, nil
}

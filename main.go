// StaffDesk keeps a medical practice's office staff accounts on the front-office
// manager's desktop. main wires the pieces: the log, the store, the services, the windows.
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"github.com/BurntSushi/toml"
	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/app/mail"
	"github.com/staffdesk/staffdesk/assets"
	"github.com/staffdesk/staffdesk/data"
	"github.com/staffdesk/staffdesk/ui"
)

//go:embed FyneApp.toml
var fyneAppTOML []byte

func main() {
	dbPath := flag.String("db", os.Getenv("STAFFDESK_DB"), "the database `file` (default: StaffDesk's folder in your config folder; also STAFFDESK_DB)")
	demo := flag.Bool("demo", false, "open a separate demo database filled with a sample practice")
	level := flag.String("log-level", "info", "log `level`: debug, info, warn or error")
	smtp := flag.String("smtp", os.Getenv("STAFFDESK_SMTP"), "the mail server as a `URL`, e.g. smtp://user:pass@host:587?security=starttls (also STAFFDESK_SMTP); overrides Settings → Email")
	flag.Parse()
	if err := run(*dbPath, *demo, *level, *smtp); err != nil {
		fmt.Fprintln(os.Stderr, "staffdesk:", err)
		os.Exit(1)
	}
}

func run(dbPath string, demo bool, level, smtp string) error {
	dir, err := dataDir()
	if err != nil {
		return err
	}
	log, closeLog, err := openLog(filepath.Join(dir, "staffdesk.log"), level)
	if err != nil {
		return err
	}
	defer closeLog()

	switch {
	case demo:
		dbPath = filepath.Join(dir, "demo.db")
	case dbPath == "":
		dbPath = filepath.Join(dir, "staffdesk.db")
	}
	key, err := app.LoadOrCreateKey(filepath.Join(dir, "pin.key"))
	if err != nil {
		return fmt.Errorf("the key that protects PINs: %w", err)
	}
	sealer, err := app.NewAESSealer(key)
	if err != nil {
		return err
	}
	db, err := data.Open(dbPath, sealer)
	if err != nil {
		return fmt.Errorf("open %s: %w", dbPath, err)
	}
	defer db.Close()
	log.WithField("db", dbPath).Info("StaffDesk started")

	svc := app.NewServices(db, app.MailOptions{
		Digester: app.NewDigester(key), Postman: mail.NewPostman(), Folder: dir,
		Courier: app.CourierOptions{Log: log}})
	// Accounts stored before the identity keys get theirs; a look-alike pair is the
	// manager's to sort out, not a reason not to start.
	clashes, err := svc.Staff.BackfillIdentityKeys(app.WithActor(context.Background(), app.LocalManager))
	if err != nil {
		log.WithError(err).Error("Could not compute the accounts' identity keys")
	}
	for _, c := range clashes {
		log.WithFields(logrus.Fields{"field": c.Field, "account": c.Username, "like": c.Other}).
			Warn("Two accounts have look-alike identities; edit one of them")
	}
	if smtp != "" {
		if err := svc.EmailSettings.SetOverride(smtp); err != nil {
			return fmt.Errorf("--smtp / STAFFDESK_SMTP: %s", app.ErrorMessage(err))
		}
	}
	if demo {
		if err := app.SeedDemo(app.WithActor(context.Background(), app.LocalManager), svc); err != nil {
			return err
		}
	}

	// The courier delivers the outbox in the background for as long as the app runs.
	ctx, stop := context.WithCancel(app.WithActor(context.Background(), app.LocalManager))
	defer stop()
	if err := svc.Courier.Start(ctx); err != nil {
		return err
	}
	defer svc.Courier.Stop()

	meta := metadata()
	fyneapp.SetMetadata(meta)
	a := fyneapp.NewWithID(meta.ID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	ui.NewDesk(a, svc, log, ui.FyneRunner{}).ShowMain()
	a.Run()
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

// dataDir is StaffDesk's folder in the user's config folder, created private.
func dataDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find your config folder: %w", err)
	}
	dir := filepath.Join(base, "StaffDesk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
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
	if fi, err := os.Stat(path); err == nil && fi.Size() > 5<<20 {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open the log: %w", err)
	}
	log := logrus.New()
	log.SetLevel(lvl)
	log.SetFormatter(&logrus.TextFormatter{FullTimestamp: true, DisableColors: true})
	var out io.Writer = f
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		out = io.MultiWriter(f, os.Stderr)
	}
	log.SetOutput(out)
	return log, func() { f.Close() }, nil
}

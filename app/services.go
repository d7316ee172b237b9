package app

import "time"

// Services are what the windows call. Each method takes a context carrying the acting
// person (WithSession) and runs in one store transaction.
type Services struct {
	// Session signs people in and out and is their own account (My Account); Practice
	// is Set up your practice and the practice's settings; Permissions is
	// Permissions Administration; Dashboard is what needs a manager's attention.
	Session     *SessionService
	Practice    *PracticeService
	Permissions *PermissionService
	Dashboard   *DashboardService

	Staff     *StaffService
	Directory *DirectoryService

	// The account emails: activation, password reset, email change, the outbox they
	// wait in, its background sender and Settings → Email.
	Accounts      *AccountService
	Outbox        *OutboxService
	EmailSettings *EmailSettingsService
	// Courier delivers the outbox once started (Start, Stop); nil when no Postman was
	// given, and then mail only waits in the outbox.
	Courier *Courier

	// hash makes the password hashes of new accounts, new passwords and the demo seed.
	hash func(string) (string, error)
}

// SetPasswordHash replaces HashPassword (Argon2id at 19 MiB, tens of milliseconds) for
// every password these services store: tests and benchmarks that seed many accounts
// pass CheapPasswordHash.
func (s *Services) SetPasswordHash(hash func(string) (string, error)) {
	s.hash, s.Staff.hash, s.Accounts.hash, s.Session.hash, s.Practice.hash = hash, hash, hash, hash, hash
}

// MailOptions wire the account emails.
type MailOptions struct {
	// Digester keys the one-time codes' digests: secrets.NewDigester(key) with the key
	// kept outside the database (the PIN key), or secrets.NewEphemeralDigester() in
	// tests. It is required.
	Digester Digester
	// Postman talks to the mail server (mail.NewPostman). Nil: nothing is sent and no
	// courier is built.
	Postman Postman
	// Keychain keeps the SMTP password (keychain.OS). Nil: none, as if the keychain
	// never answered.
	Keychain Keychain
	// PasswordFile keeps it instead when the person chooses that over a keychain that
	// does not answer (keychain.NewFile in the app's folder). Nil: no such file.
	PasswordFile PasswordFile
	// Now is the clock of the codes and the outbox; nil means time.Now.
	Now func() time.Time
	// Courier tunes the background sender; its Now defaults to Now.
	Courier CourierOptions
}

// NewServices builds the services over store. mail, exactly one, wires the account
// emails; without a Postman they are queued but never sent.
func NewServices(store Store, mail MailOptions) *Services {
	opt := mail
	if opt.Digester == nil {
		panic("app.NewServices: MailOptions.Digester is nil; give secrets.NewDigester(key)")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Keychain == nil {
		opt.Keychain = noKeychain{}
	}
	if opt.PasswordFile == nil {
		opt.PasswordFile = noPasswordFile{}
	}
	if opt.Courier.Now == nil {
		opt.Courier.Now = opt.Now
	}
	bell := make(chan struct{}, 1)
	box := newPostbox(opt.Digester, opt.Now, bell)
	g := &gate{store: store, digest: opt.Digester, now: opt.Now, bell: box.ring}
	settings := &EmailSettingsService{gate: g, postman: opt.Postman, keychain: opt.Keychain,
		pwFile: opt.PasswordFile, now: opt.Now}
	box.settings = settings
	session := &SessionService{gate: g, hash: HashPassword, verify: VerifyPassword, mail: box}
	s := &Services{
		Session:       session,
		Practice:      &PracticeService{gate: g, hash: HashPassword, session: session},
		Permissions:   &PermissionService{gate: g},
		Dashboard:     &DashboardService{gate: g},
		Staff:         &StaffService{gate: g, hash: HashPassword, mail: box},
		Directory:     &DirectoryService{gate: g},
		Accounts:      &AccountService{gate: g, mail: box, hash: HashPassword},
		Outbox:        &OutboxService{gate: g, settings: settings, now: opt.Now},
		EmailSettings: settings,
		hash:          HashPassword,
	}
	if opt.Postman != nil {
		s.Courier = newCourier(g, settings, opt.Postman, bell, opt.Courier)
		settings.courier = s.Courier
		s.Outbox.courier = s.Courier
	}
	return s
}

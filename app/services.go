package app

import "time"

// Services are what the windows call. Each method takes a context carrying the acting
// person (WithActor) and runs in one store transaction.
type Services struct {
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

	store Store // for SeedDemo, which sets states no manager action can reach yet
	// hash makes the password hashes of new accounts, new passwords and the demo seed.
	hash func(string) (string, error)
}

// SetPasswordHash replaces HashPassword (Argon2id at 19 MiB, tens of milliseconds) for
// every password these services store: tests and benchmarks that seed many accounts
// pass CheapPasswordHash.
func (s *Services) SetPasswordHash(hash func(string) (string, error)) {
	s.hash, s.Staff.hash, s.Accounts.hash = hash, hash, hash
}

// MailOptions wire the account emails.
type MailOptions struct {
	// Digester keys the one-time codes' digests; NewDigester(key) with the key kept
	// outside the database (the PIN key). Nil: a random key, so codes stop working
	// when the app ends (tests, demos).
	Digester Digester
	// Postman talks to the mail server (mail.NewPostman). Nil: nothing is sent and no
	// courier is built.
	Postman Postman
	// Keychain keeps the SMTP password; nil means the OS keychain.
	Keychain Keychain
	// Folder is the app's data folder, where the SMTP password file is kept when the
	// person chooses it over the keychain.
	Folder string
	// Now is the clock of the codes and the outbox; nil means time.Now.
	Now func() time.Time
	// Courier tunes the background sender; its Now defaults to Now.
	Courier CourierOptions
}

// NewServices builds the services over store. mail, at most one, wires the account
// emails; without it they are queued but never sent.
func NewServices(store Store, mail ...MailOptions) *Services {
	var opt MailOptions
	if len(mail) > 0 {
		opt = mail[0]
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Keychain == nil {
		opt.Keychain = OSKeychain{}
	}
	if opt.Courier.Now == nil {
		opt.Courier.Now = opt.Now
	}
	bell := make(chan struct{}, 1)
	box := newPostbox(opt.Digester, opt.Now, bell)
	settings := &EmailSettingsService{store: store, postman: opt.Postman, keychain: opt.Keychain,
		folder: opt.Folder, now: opt.Now}
	box.settings = settings
	staff := NewStaffService(store)
	staff.mail = box
	s := &Services{
		Staff:         staff,
		Directory:     NewDirectoryService(store),
		Accounts:      &AccountService{store: store, mail: box, hash: HashPassword},
		Outbox:        &OutboxService{store: store, settings: settings, now: opt.Now},
		EmailSettings: settings,
		store:         store,
		hash:          HashPassword,
	}
	if opt.Postman != nil {
		s.Courier = newCourier(store, settings, opt.Postman, bell, opt.Courier)
		settings.courier = s.Courier
		s.Outbox.courier = s.Courier
	}
	return s
}

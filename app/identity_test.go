package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
)

// practiceWithDB is a provider and a role over a real SQLite file, and the file's
// store for writing rows the services would refuse.
func practiceWithDB(t *testing.T) (*practice, *data.DB) {
	t.Helper()
	svc, db := newServices(t)
	prov, err := svc.Directory.SaveProvider(ctx(t), &app.Provider{FirstName: "Kate", LastName: "Provider"})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := svc.Directory.Load(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return &practice{svc: svc, kate: prov, nurse: dir.Roles[0].ID}, db
}

// existingEmail is the address the look-alikes imitate: accented letters in the local
// part (NFC/NFD, case beyond ASCII) and an internationalised domain with an "a" a
// Cyrillic "а" can stand in for.
const existingEmail = "jörg.café@praxis-müller.example"

// emailLookAlikes are 21 addresses a person reads as existingEmail. Each must be
// refused or found to clash with the account that has it.
var emailLookAlikes = []struct{ name, email string }{
	{"NFD instead of NFC", "jo\u0308rg.cafe\u0301@praxis-mu\u0308ller.example"},
	{"JÖRG in capitals", "JÖRG.café@praxis-müller.example"},
	{"CAFÉ in capitals", "jörg.CAFÉ@praxis-müller.example"},
	{"capitals in the domain", "Jörg.Café@PRAXIS-MÜLLER.EXAMPLE"},
	{"Cyrillic а in the local part", "jörg.c\u0430fé@praxis-müller.example"},
	{"Cyrillic а in the domain", "jörg.café@pr\u0430xis-müller.example"},
	{"Cyrillic ӧ in the local part", "j\u04e7rg.café@praxis-müller.example"},
	{"Greek ο with a diaeresis", "j\u03bf\u0308rg.café@praxis-müller.example"},
	{"full-width letters in the local part", "\uff4a\u00f6\uff52\uff47.café@praxis-müller.example"},
	{"full-width letters in the domain", "jörg.café@\uff50\uff52\uff41\uff58\uff49\uff53-müller.example"},
	{"trailing ideographic full stop", "jörg.café@praxis-müller.example\u3002"},
	{"variation selector", "jörg.café\ufe0f@praxis-müller.example"},
	{"zero-width space", "jörg\u200b.café@praxis-müller.example"},
	{"zero-width joiner", "jö\u200drg.café@praxis-müller.example"},
	{"zero-width non-joiner", "jörg.ca\u200cfé@praxis-müller.example"},
	{"soft hyphen in the domain", "jörg.café@praxis-mül\u00adler.example"},
	{"left-to-right mark", "\u200ejörg.café@praxis-müller.example"},
	{"right-to-left mark", "jörg.café@praxis-müller.example\u200f"},
	{"the domain in its ASCII form", "jörg.café@xn--praxis-mller-klb.example"},
	{"word joiner", "jörg.café\u2060@praxis-müller.example"},
	{"left-to-right embedding", "\u202ajörg.café@praxis-müller.example"},
}

// TestLookAlikeEmails_RefusedOrClash creates the account with existingEmail, then tries
// each look-alike as a new account's email. Before the identity keys 19 of the 21 were
// accepted as new accounts.
func TestLookAlikeEmails_RefusedOrClash(t *testing.T) {
	if len(emailLookAlikes) != 21 {
		t.Fatalf("%d look-alikes, want the issue's 21", len(emailLookAlikes))
	}
	p := newPractice(t)
	first := p.camille()
	first.Email, first.Username = existingEmail, "jorg"
	if _, err := p.svc.Staff.Create(ctx(t), first); err != nil {
		t.Fatal(err)
	}
	refused := 0
	var accepted []string
	for i, v := range emailLookAlikes {
		n := p.camille()
		n.Email, n.Username = v.email, fmt.Sprintf("lookalike%d", i)
		st, err := p.svc.Staff.Create(ctx(t), n)
		if err == nil {
			accepted = append(accepted, fmt.Sprintf("%s (%+q stored as %+q)", v.name, v.email, st.Email))
			continue
		}
		if _, ok := app.ErrorFields(err)[app.FieldEmail]; !ok {
			t.Errorf("%s: refused for another reason: %v", v.name, err)
			continue
		}
		refused++
	}
	t.Logf("look-alike emails refused or clashing: %d of %d", refused, len(emailLookAlikes))
	if len(accepted) > 0 {
		t.Errorf("%d of %d look-alikes became new accounts:\n%s", len(accepted), len(emailLookAlikes), strings.Join(accepted, "\n"))
	}
}

// TestLookAlikeEmails_ChangeEmail: the new address of an email change is checked
// against the same keys, when asked for and again when confirmed.
func TestLookAlikeEmails_ChangeEmail(t *testing.T) {
	p := newPractice(t)
	first := p.camille()
	first.Email, first.Username = existingEmail, "jorg"
	if _, err := p.svc.Staff.Create(ctx(t), first); err != nil {
		t.Fatal(err)
	}
	other, err := p.svc.Staff.Create(ctx(t), p.camille())
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"JÖRG.CAFÉ@praxis-müller.example", "jo\u0308rg.cafe\u0301@xn--praxis-mller-klb.example"} {
		err := p.svc.Accounts.RequestEmailChange(ctx(t), other.ID, email)
		if msg := app.ErrorFields(err)[app.FieldEmail]; !strings.Contains(msg, "already used by jorg") {
			t.Errorf("email change to %+q: %v", email, err)
		}
		other.Email = email
		if _, err := p.svc.Staff.Update(ctx(t), other); !strings.Contains(app.ErrorFields(err)[app.FieldEmail], "already used by jorg") {
			t.Errorf("edit to %+q: %v", email, err)
		}
	}
}

// TestLookAlikeUsernames: usernames compare by the same kind of key.
func TestLookAlikeUsernames(t *testing.T) {
	p := newPractice(t)
	first := p.camille()
	first.Username = "jamie.doe"
	if _, err := p.svc.Staff.Create(ctx(t), first); err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"JAMIE.DOE", "Jamie.Doe", "\uff4aamie.doe", "j\u0430mie.doe", "jamie\u200b.doe",
		"jamie.do\u0435", "\u200ejamie.doe", "jamie.doe\u3002", "jamie\u00ad.doe"} {
		n := p.camille()
		n.Email, n.Username = fmt.Sprintf("other%d@email.xyz", i), u
		if _, err := p.svc.Staff.Create(ctx(t), n); app.ErrorFields(err)[app.FieldUsername] == "" {
			t.Errorf("username %+q: %v", u, err)
		}
	}
}

// TestBackfillIdentityKeys: accounts stored before the keys existed get them at start;
// a look-alike pair among them is reported, not fatal, and the older account keeps the
// key, so a new look-alike of either is refused.
func TestBackfillIdentityKeys(t *testing.T) {
	p, db := practiceWithDB(t)
	svc := p.svc
	// Rows as StaffDesk wrote them before migration 0004: no keys.
	old := []struct{ username, email string }{
		{"jorg", existingEmail},
		{"jorg2", "JÖRG.CAFÉ@praxis-müller.example"},
		{"camilles", "camilles@email.xyz"},
	}
	err := db.Write(ctx(t), func(tx app.Tx) error {
		for _, o := range old {
			st := p.camille().Staff
			st.Username, st.Email, st.SupportPIN = o.username, o.email, "583920"
			st.Status, st.CreatedAt, st.UpdatedAt = app.StatusPending, time.Now(), time.Now()
			if err := tx.CreateStaff(&st, "x"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clashes, err := svc.Staff.BackfillIdentityKeys(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []app.IdentityClash{{Field: app.FieldEmail, Username: "jorg2", Other: "jorg"}}
	if fmt.Sprint(clashes) != fmt.Sprint(want) {
		t.Errorf("clashes = %+v, want %+v", clashes, want)
	}
	list, err := svc.Staff.List(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range list {
		wantKey := app.EmailKey(st.Email)
		if st.Username == "jorg2" {
			wantKey = ""
		}
		if st.EmailKey != wantKey || st.UsernameKey != app.UsernameKey(st.Username) {
			t.Errorf("%s: keys %q, %q", st.Username, st.EmailKey, st.UsernameKey)
		}
	}
	// A second start has nothing to do.
	if again, err := svc.Staff.BackfillIdentityKeys(ctx(t)); err != nil || len(again) != 1 {
		t.Errorf("second backfill = %+v, %v; the clash stays reported", again, err)
	}
	n := p.camille()
	n.Username, n.Email = "newjorg", "jo\u0308rg.cafe\u0301@praxis-müller.example"
	if _, err := svc.Staff.Create(ctx(t), n); !strings.Contains(app.ErrorFields(err)[app.FieldEmail], "already used by jorg") {
		t.Errorf("look-alike after the backfill: %v", err)
	}
}

// TestIdentityKeys_UniqueIndex: the store's unique index refuses a second account with
// the same key even when the service's own check is bypassed (a race with another
// desk), naming the field.
func TestIdentityKeys_UniqueIndex(t *testing.T) {
	p, db := practiceWithDB(t)
	first := p.camille()
	first.Email, first.Username = existingEmail, "jorg"
	if _, err := p.svc.Staff.Create(ctx(t), first); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ field, email, username string }{
		{app.FieldEmail, "JÖRG.café@xn--praxis-mller-klb.example", "other"},
		{app.FieldUsername, "other@email.xyz", "JORG"},
	} {
		err := db.Write(ctx(t), func(tx app.Tx) error {
			st := p.camille().Staff
			st.Email, st.Username, st.SupportPIN = tt.email, tt.username, "583920"
			st.Status, st.CreatedAt, st.UpdatedAt = app.StatusPending, time.Now(), time.Now()
			st.EmailKey, st.UsernameKey = app.EmailKey(st.Email), app.UsernameKey(st.Username)
			return tx.CreateStaff(&st, "x")
		})
		// The store says which field is taken, without words: the service words it
		// (staffTaken, tested through the services' race tests).
		if _, named := app.ErrorFields(err)[tt.field]; app.ErrorCode(err) != app.ECONFLICT || !named {
			t.Errorf("%s %s: %v", tt.email, tt.username, err)
		}
	}
}

// TestInvisibleNames_Directory: providers, offices and roles refuse hidden and
// letterless names too.
func TestInvisibleNames_Directory(t *testing.T) {
	p := newPractice(t)
	c := ctx(t)
	if _, err := p.svc.Directory.SaveProvider(c, &app.Provider{FirstName: "\u200b", LastName: "Provider"}); app.ErrorFields(err)[app.FieldFirstName] == "" {
		t.Errorf("provider named U+200B: %v", err)
	}
	if _, err := p.svc.Directory.SaveOffice(c, &app.Office{Name: "Main\u200b Street Clinic"}); app.ErrorFields(err)[app.FieldName] == "" {
		t.Errorf("office with U+200B: %v", err)
	}
	if _, err := p.svc.Directory.SaveRole(c, &app.Role{Name: "Ad\u200bmin"}); app.ErrorFields(err)[app.FieldName] == "" {
		t.Errorf("role with U+200B: %v", err)
	}
	n := p.camille()
	n.FirstName = "\u200b"
	if _, err := p.svc.Staff.Create(c, n); app.ErrorFields(err)[app.FieldFirstName] == "" {
		t.Errorf("staff first name U+200B: %v", err)
	}
}

// TestLookAlikeEmails_TwoPendingChanges: two accounts waiting to confirm look-alike
// addresses cannot both get them: the second confirmation is refused by the keys.
func TestLookAlikeEmails_TwoPendingChanges(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	a := r.createStaff("annaa", "Anna", "Staff")
	b := r.createStaff("bertb", "Bert", "Staff")
	nfc, nfd := "jörg.café@praxis-müller.example", "JO\u0308RG.CAFE\u0301@xn--praxis-mller-klb.example"
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), a.ID, nfc); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), b.ID, nfd); err != nil {
		if app.ErrorFields(err)[app.FieldEmail] == "" {
			t.Fatal(err)
		}
		return // refused at once: stricter, and as good
	}
	codeA := r.peekCode(r.message(app.MailEmailChangeVerify, nfc))
	stored, err := app.CheckEmail(nfd)
	if err != nil {
		t.Fatal(err)
	}
	codeB := r.peekCode(r.message(app.MailEmailChangeVerify, stored))
	if _, err := r.svc.Accounts.ConfirmEmailChange(r.ctx(), "annaa", codeA); err != nil {
		t.Fatal(err)
	}
	_, err = r.svc.Accounts.ConfirmEmailChange(r.ctx(), "bertb", codeB)
	if msg := app.ErrorFields(err)[app.FieldEmail]; !strings.Contains(msg, "already used by annaa") {
		t.Fatalf("second confirmation of a look-alike: %v", err)
	}
}

// TestLookAlikeEmails_PendingRefusedAtRequest: an address another account is waiting
// to confirm is taken by its key, not its bytes: a look-alike of it is refused when it
// is asked for, by an email change, a new account or an edit, naming who waits for it.
// (NOCASE folds only ASCII: "JÖRG" and "jörg", Cyrillic capitals and small letters,
// or a domain and its xn-- form were different addresses before the codes had keys.)
func TestLookAlikeEmails_PendingRefusedAtRequest(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	anna := r.createStaff("annaa", "Anna", "Staff")
	vera := r.createStaff("verav", "Vera", "Staff")
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), anna.ID, existingEmail); err != nil {
		t.Fatal(err)
	}
	const cyrillic = "анна.иванова@clinic.example"
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), vera.ID, cyrillic); err != nil {
		t.Fatal(err)
	}
	for i, v := range []struct{ name, email, owner string }{
		{"NFD instead of NFC", "jo\u0308rg.cafe\u0301@praxis-mu\u0308ller.example", "annaa"},
		{"JÖRG in capitals", "JÖRG.CAFÉ@praxis-müller.example", "annaa"},
		{"the domain in its ASCII form", "jörg.café@xn--praxis-mller-klb.example", "annaa"},
		{"NFD, capitals and the ASCII domain", "JO\u0308RG.CAFE\u0301@xn--praxis-mller-klb.example", "annaa"},
		{"Cyrillic in capitals", "АННА.ИВАНОВА@clinic.example", "verav"},
		{"Cyrillic, the domain in capitals", "Анна.Иванова@CLINIC.example", "verav"},
	} {
		// One account per variant: what the old code let through stays out of the others.
		bert := r.createStaff(fmt.Sprintf("bert%d", i), "Bert", "Staff")
		want := "This email is waiting to be confirmed by " + v.owner + "."
		err := r.svc.Accounts.RequestEmailChange(r.ctx(), bert.ID, v.email)
		if msg := app.ErrorFields(err)[app.FieldEmail]; msg != want {
			t.Errorf("%s: email change to %+q: %v, want %q", v.name, v.email, err, want)
		}
		_, err = r.svc.Staff.Create(r.ctx(), &app.NewStaff{Staff: app.Staff{FirstName: "New", LastName: "Person",
			ProviderID: r.provider, RoleID: r.role, Email: v.email, Username: "newperson", UnlockPIN: "8453"},
			Password: rigStaffPW, ConfirmPassword: rigStaffPW})
		if err == nil {
			t.Fatalf("%s: a new account got %+q", v.name, v.email)
		}
		if msg := app.ErrorFields(err)[app.FieldEmail]; msg != want {
			t.Errorf("%s: new account with %+q: %v, want %q", v.name, v.email, err, want)
		}
		pending, err := r.svc.Staff.Get(r.ctx(), bert.ID) // never activated: its address can be edited
		if err != nil {
			t.Fatal(err)
		}
		pending.Email = v.email
		if _, err := r.svc.Staff.Update(r.ctx(), pending); app.ErrorFields(err)[app.FieldEmail] != want {
			t.Errorf("%s: edit to %+q: %v, want %q", v.name, v.email, err, want)
		}
	}
	// A Cyrillic "а" among Latin letters is no address at all.
	bert := r.createStaff("bertb", "Bert", "Staff")
	if err := r.svc.Accounts.RequestEmailChange(r.ctx(), bert.ID, "jörg.c\u0430fé@praxis-müller.example"); app.ErrorFields(err)[app.FieldEmail] == "" {
		t.Errorf("mixed-script look-alike: %v", err)
	}
	// The address itself is free for its owner's confirmation, and for nobody else's.
	code := r.peekCode(r.message(app.MailEmailChangeVerify, existingEmail))
	if _, err := r.svc.Accounts.ConfirmEmailChange(r.ctx(), "annaa", code); err != nil {
		t.Fatal(err)
	}
}

// TestBackfillIdentityKeys_PendingEmails: an email change stored before the codes had
// keys (migration 0006) gets its key at start, and a look-alike of its address is then
// refused as waiting to be confirmed.
func TestBackfillIdentityKeys_PendingEmails(t *testing.T) {
	p, db := practiceWithDB(t)
	anna, err := p.svc.Staff.Create(ctx(t), p.camille())
	if err != nil {
		t.Fatal(err)
	}
	n := p.camille()
	n.Username, n.Email = "bertb", "bert@email.xyz"
	bert, err := p.svc.Staff.Create(ctx(t), n)
	if err != nil {
		t.Fatal(err)
	}
	// As StaffDesk wrote it before 0006: the address, no key.
	err = db.Write(ctx(t), func(tx app.Tx) error {
		return tx.CreateCode(&app.Code{StaffID: anna.ID, Kind: app.CodeEmailChange, Digest: []byte("old code"),
			NewEmail: existingEmail, ExpiresAt: time.Now().Add(time.Hour), CreatedAt: time.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.Staff.BackfillIdentityKeys(ctx(t)); err != nil {
		t.Fatal(err)
	}
	var owner string
	err = db.Read(ctx(t), func(tx app.Tx) (err error) {
		owner, err = tx.PendingEmailOwner(app.EmailKey("JÖRG.CAFÉ@xn--praxis-mller-klb.example"), bert.ID, time.Now())
		return err
	})
	if err != nil || owner != "camilles" {
		t.Fatalf("after the backfill the look-alike is waited for by %q (%v), want camilles", owner, err)
	}
	err = p.svc.Accounts.RequestEmailChange(ctx(t), bert.ID, "JÖRG.CAFÉ@praxis-müller.example")
	if msg := app.ErrorFields(err)[app.FieldEmail]; msg != "This email is waiting to be confirmed by camilles." {
		t.Errorf("look-alike of a backfilled pending address: %v", err)
	}
}

// TestEditEmail_SameAddressOtherForm: the same address in another form (its domain's
// xn-- form) is not a new address: an activated account's edit saves it in place.
// Before, Edit refused it as a change ("Use Change Email") and Change Email refused it
// as the account's own address, and the manager was sent round in a circle.
func TestEditEmail_SameAddressOtherForm(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	const unicode, ascii = "camille@praxis-müller.example", "camille@xn--praxis-mller-klb.example"
	st, err := r.svc.Staff.Create(r.ctx(), &app.NewStaff{Staff: app.Staff{FirstName: "Camille", LastName: "Staff",
		ProviderID: r.provider, RoleID: r.role, Email: unicode, Username: "camilles", UnlockPIN: "8453"},
		Password: rigStaffPW, ConfirmPassword: rigStaffPW})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Accounts.Activate(r.ctx(), "camilles", r.peekCode(r.message(app.MailActivation, unicode))); err != nil {
		t.Fatal(err)
	}
	err = r.svc.Accounts.RequestEmailChange(r.ctx(), st.ID, ascii)
	if msg := app.ErrorFields(err)[app.FieldEmail]; !strings.Contains(msg, "already Camille Staff's email address") {
		t.Fatalf("Change Email to the same address: %v", err)
	}
	cur, err := r.svc.Staff.Get(r.ctx(), st.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Email = ascii
	saved, err := r.svc.Staff.Update(r.ctx(), cur)
	if err != nil {
		t.Fatalf("Edit to the same address in its ASCII form: %v", err)
	}
	if saved.Staff.Email != ascii || saved.ActivationSentTo != "" {
		t.Fatalf("saved %q, activation sent to %q", saved.Staff.Email, saved.ActivationSentTo)
	}
}

package data_test

import (
	"bytes"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/secrets"
)

// releaseDir holds a database made by StaffDesk 0.1.0 and the key of its PINs.
const releaseDir = "testdata/release-0.1.0"

// copyRelease copies the 0.1.0 database and its key into a temporary folder and
// returns their paths there. The files in testdata are only ever read: even a
// read-only SQLite open of a WAL file leaves -shm and -wal files beside it.
func copyRelease(t *testing.T) (dbPath, keyPath string) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"release-0.1.0.db", "pin.key"} {
		buf, err := os.ReadFile(filepath.Join(releaseDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "release-0.1.0.db"), filepath.Join(dir, "pin.key")
}

// An account as 0.1.0 stored it.
type releaseAccount struct {
	ID       int64
	Username string
	Status   app.StaffStatus
	RoleID   int64
}

func releaseAccounts(t *testing.T, path string) []releaseAccount {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT id, username, status, role_id FROM staff ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var list []releaseAccount
	for rows.Next() {
		var a releaseAccount
		if err := rows.Scan(&a.ID, &a.Username, &a.Status, &a.RoleID); err != nil {
			t.Fatal(err)
		}
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return list
}

// The database today's release made migrates to sign-in: every account is still
// there as it was, with no sign-in yet; the Office Manager carries its three
// permissions and the practice administrator's role exists with all four; no practice
// has been set up.
func TestMigrate0007_ReleaseDatabase(t *testing.T) {
	original, err := os.ReadFile(filepath.Join(releaseDir, "release-0.1.0.db"))
	if err != nil {
		t.Fatal(err)
	}
	dbPath, keyPath := copyRelease(t)
	before := releaseAccounts(t, dbPath)
	if len(before) != 12 {
		t.Fatalf("the release database holds %d accounts, want the demo's 12", len(before))
	}
	key, err := secrets.LoadOrCreateKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secrets.NewAESSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	db := MustOpenDBAt(t, dbPath, sealer)

	mustRead(t, db, func(tx app.Tx) error {
		list, err := tx.FindStaff(app.StaffFilter{})
		if err != nil {
			return err
		}
		var after []releaseAccount
		counts := map[app.StaffStatus]int{app.StatusPending: 0, app.StatusActive: 0, app.StatusInactive: 0}
		for _, s := range list {
			after = append(after, releaseAccount{s.ID, s.Username, s.Status, s.RoleID})
			counts[s.Status]++
			// Nobody in it ever reset their password: every password is the one their
			// manager chose, so everyone chooses their own at their first sign-in.
			if s.SignIn != (app.SignInState{MustChangePassword: true}) {
				t.Errorf("%s's sign-in record after the upgrade: %+v, want only MustChangePassword", s.Username, s.SignIn)
			}
			// Its PINs still open with the key beside it.
			full, err := tx.Staff(s.ID)
			if err != nil {
				return err
			}
			if len(full.UnlockPIN) != 4 || len(full.SupportPIN) != 6 {
				t.Errorf("%s's PINs after migrating: %d and %d digits", s.Username, len(full.UnlockPIN), len(full.SupportPIN))
			}
			if live, err := tx.LiveSessions(s.ID); err != nil || len(live) != 0 {
				t.Errorf("%s has sessions: %v, %v", s.Username, live, err)
			}
		}
		if !reflect.DeepEqual(after, before) {
			t.Fatalf("accounts after migrating:\n got %v\nwant %v", after, before)
		}
		if got, err := tx.CountStaffByStatus(); err != nil || !reflect.DeepEqual(got, counts) {
			t.Fatalf("CountStaffByStatus = %v, %v; want %v", got, err, counts)
		}

		roles, err := tx.Roles()
		if err != nil {
			return err
		}
		held := map[string]app.PermissionSet{}
		for _, r := range roles {
			held[r.Name] = r.Permissions
		}
		if want := (app.PermissionSet{app.PermManageAccounts, app.PermSeePINs, app.PermManagePractice}); !reflect.DeepEqual(held["Office Manager"], want) {
			t.Errorf("Office Manager holds %v, want %v", held["Office Manager"], want)
		}
		if got, ok := held[app.AdministratorRole]; !ok || !reflect.DeepEqual(got, app.PermissionSet(app.AllPermissions)) {
			t.Errorf("%s holds %v (there: %v), want every permission", app.AdministratorRole, got, ok)
		}
		for _, name := range []string{"Nurse", "Medical Assistant", "Front Desk", "Biller"} {
			if got, ok := held[name]; !ok || got != nil {
				t.Errorf("%s holds %v (there: %v), want none", name, got, ok)
			}
		}
		// Nobody holds the new role yet: Set up your practice chooses who does.
		var adminID int64
		for _, r := range roles {
			if r.Name == app.AdministratorRole {
				adminID = r.ID
			}
		}
		if admins, err := tx.FindStaff(app.StaffFilter{RoleIDs: []int64{adminID}}); err != nil || len(admins) != 0 {
			t.Errorf("accounts with the administrator's role: %v, %v", admins, err)
		}

		_, err = tx.Practice()
		wantRefusal(t, err, app.ENOTFOUND, recordPractice, "")
		return nil
	})

	// The copy in testdata is as it was, with nothing left beside it.
	now, err := os.ReadFile(filepath.Join(releaseDir, "release-0.1.0.db"))
	if err != nil || !bytes.Equal(now, original) {
		t.Fatalf("testdata's release database changed (%v)", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(filepath.Join(releaseDir, "release-0.1.0.db"+suffix)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("testdata has release-0.1.0.db%s: %v", suffix, err)
		}
	}
}

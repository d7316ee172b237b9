package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
)

// A Deactivate confirmed in the grid after the account was changed on another desk
// changes nothing: the grid reloads, shows the account as it is now and says so. Asked
// again, from the row as it is now, it goes through.
func TestStaffGridStaleDeactivateReloads(t *testing.T) {
	td, w := showStaffGrid(t, true)
	chooseRowMenu(t, w, "camilles", "Deactivate…")
	if w.confirm == nil {
		t.Fatal("Deactivate did not ask first")
	}
	other := staffByUsername(t, td, "camilles") // the other desk
	other.CellPhone = "(212) 555-0177"
	if _, err := td.svc.Staff.Update(td.ctx(), other); err != nil {
		t.Fatal(err)
	}
	w.confirm.Confirm()
	td.waitIdle()
	if got := staffByUsername(t, td, "camilles"); got.Status == app.StatusInactive {
		t.Fatal("the account changed on another desk was deactivated from the stale row")
	}
	want := "Camille's account was changed on another desk; the list is up to date now — try again."
	if msg := overlayText(w.win); !strings.Contains(msg, want) {
		t.Errorf("after the refusal the window says %q, want %q", msg, want)
	}
	if got := gridCell(t, w, gridRowOf(t, w, "camilles"), int(app.ColCell)).full; got != "(212) 555-0177" {
		t.Errorf("the grid still shows %q after the refusal", got)
	}
	w.win.Canvas().Overlays().Top().Hide()

	chooseRowMenu(t, w, "camilles", "Deactivate…")
	w.confirm.Confirm()
	td.waitIdle()
	if got := staffByUsername(t, td, "camilles"); got.Status != app.StatusInactive {
		t.Errorf("the second Deactivate left Camille %s", got.Status)
	}
}

// The Delete dialog confirms the account it showed: changed meanwhile (given to
// someone else, say), it is not deleted though its username is typed; the dialog
// closes, as its question no longer holds, and the grid shows the account as it is.
func TestStaffGridStaleDeleteRefused(t *testing.T) {
	td, w := showStaffGrid(t, true)
	chooseRowMenu(t, w, "marcusstaff", "Delete…")
	del := w.deletion
	if del == nil {
		t.Fatal("Delete did not open its dialog")
	}
	other := staffByUsername(t, td, "marcusstaff")
	other.FirstName, other.LastName = "Maria", "Lopez"
	if _, err := td.svc.Staff.Update(td.ctx(), other); err != nil {
		t.Fatal(err)
	}
	test.Type(del.entry, "marcusstaff")
	test.Tap(del.delete)
	td.waitIdle()
	if _, err := td.svc.Staff.Get(td.ctx(), other.ID); err != nil {
		t.Fatalf("the account changed since the dialog opened was deleted: %v", err)
	}
	if w.deletion != nil {
		t.Error("the Delete dialog stays open on a question that no longer holds")
	}
	want := "Marcus's account was changed on another desk; the list is up to date now — try again."
	if msg := overlayText(w.win); !strings.Contains(msg, want) {
		t.Errorf("after the refusal the window says %q, want %q", msg, want)
	}
	if got := gridCell(t, w, gridRowOf(t, w, "marcusstaff"), int(app.ColName)).full; got != "Maria Lopez" {
		t.Errorf("the grid shows %q after the refusal", got)
	}
}

// The directory windows' Deactivate carries the version the list showed, and a
// refusal reloads the list and says so.
func TestDirectoryStaleDeactivateReloads(t *testing.T) {
	td := newTestDesk(t, false)
	p, err := td.svc.Directory.SaveProvider(td.ctx(), &app.Provider{FirstName: "Nadia", LastName: "Okafor", Credentials: "NP"})
	if err != nil {
		t.Fatal(err)
	}
	w := openDirectoryWindow(t, td, providerKind)
	selectRow(t, w, "Nadia Okafor, NP")
	test.Tap(w.toggle)
	if w.confirm == nil {
		t.Fatal("Deactivate did not ask first")
	}
	p.Credentials = "DNP" // the other desk
	if _, err := td.svc.Directory.SaveProvider(td.ctx(), p); err != nil {
		t.Fatal(err)
	}
	w.confirm.Confirm()
	td.waitIdle()
	if got := loadDirectory(t, td).Providers[0]; !got.Active {
		t.Fatal("a provider changed on another desk was deactivated from the stale row")
	}
	want := "Nadia Okafor, NP was changed on another desk; the list is up to date now — try again."
	if msg := overlayText(w.win); !strings.Contains(msg, want) {
		t.Errorf("after the refusal the window says %q, want %q", msg, want)
	}
	if _, ok := findItem(w, "Nadia Okafor, DNP"); !ok || w.selected != p.ID {
		t.Errorf("the list shows %v (selected %d) after the refusal", shownTitles(w), w.selected)
	}
	w.win.Canvas().Overlays().Top().Hide()
	test.Tap(w.toggle)
	w.confirm.Confirm()
	td.waitIdle()
	if got := loadDirectory(t, td).Providers[0]; got.Active {
		t.Error("the second Deactivate left the provider active")
	}
}

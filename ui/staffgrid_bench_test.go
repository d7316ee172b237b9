package ui

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/staffdesk/staffdesk/app"
)

// The Staff grid's speed as a person feels it, on Fyne's test driver: each operation is
// what a person does (a key in the search box, a click on a header, opening the window)
// followed by a render of the whole window, so that the figure is the app's work from
// the event to a painted canvas. Run with, e.g.:
//
//	go test -tags migrated_fynedo -run '^$' -bench StaffGrid -benchtime 20x ./ui/

var benchFirst = []string{"Hannah", "Dmitri", "Jamie", "Camille", "Luis", "Grace", "Marcus", "Priya", "Nora", "Tom", "Rosa", "Aiko"}
var benchLast = []string{"Volkov", "Ortega", "Kim", "Staffordson", "Chen", "Fischer", "Raman", "Becker", "Bello", "Nakamura", "Okafor", "Lindqvist"}

// seedBulkStaff adds n accounts in one transaction through the store, referring to the
// demo practice's providers and roles. The grid shows what it reads, so the accounts are
// varied the way a practice's are: names, emails, phones, statuses.
func seedBulkStaff(b testing.TB, td *testDesk, n int) {
	b.Helper()
	ctx := td.ctx()
	dir, err := td.svc.Directory.Load(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var providers, roles []int64
	for _, p := range dir.Providers {
		if p.Active {
			providers = append(providers, p.ID)
		}
	}
	for _, r := range dir.Roles {
		if r.Active {
			roles = append(roles, r.ID)
		}
	}
	hash, err := app.CheapPasswordHash("not a real password")
	if err != nil {
		b.Fatal(err)
	}
	statuses := []app.StaffStatus{app.StatusActive, app.StatusActive, app.StatusActive, app.StatusPending, app.StatusInactive}
	err = td.db.Write(ctx, func(tx app.Tx) error {
		for i := range n {
			first, last := benchFirst[i%len(benchFirst)], benchLast[(i/len(benchFirst))%len(benchLast)]
			login := fmt.Sprintf("%s.%s%d", first, last, i)
			st := &app.Staff{
				FirstName: first, LastName: fmt.Sprintf("%s%d", last, i/144),
				ProviderID: providers[i%len(providers)], RoleID: roles[i%len(roles)],
				Email:     fmt.Sprintf("%s@example.com", login),
				Username:  login,
				CellPhone: fmt.Sprintf("+1212%07d", i), UnlockPIN: "1234", SupportPIN: "123456",
				EmergencyAccess: i%3 == 0, TwoFactor: i%4 == 0,
				Status: statuses[i%len(statuses)],
			}
			now := time.Now()
			st.CreatedAt, st.UpdatedAt = now, now
			if st.Status != app.StatusPending {
				st.ActivatedAt = now
			}
			st.EmailKey, st.UsernameKey = app.EmailKey(st.Email), app.UsernameKey(st.Username)
			if i%2 == 0 {
				st.HomePhone = fmt.Sprintf("+1217%07d", i)
			}
			if err := tx.CreateStaff(st, hash); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// benchGrid opens the Staff window at 1280×800 over the demo practice and n more accounts.
func benchGrid(b *testing.B, n int) (*testDesk, *staffWindow) {
	b.Helper()
	td := newTestDesk(b, true)
	seedBulkStaff(b, td, n)
	td.ShowMain()
	td.waitIdle()
	w := td.staff
	b.Cleanup(w.win.Close)
	w.win.Resize(fyne.NewSize(1280, 800))
	w.win.Canvas().Capture()
	return td, w
}

// reportHeap reports the live heap, after a collection, in MB.
func reportHeap(b *testing.B) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/1e6, "heap-MB")
}

// benchKeystroke types in the search box; with paint, each key is followed by a render
// of the window (the software painter, most of the figure); without, the figure is the
// app's own work from the key to the updated widgets.
func benchKeystroke(b *testing.B, n int, paint bool) {
	td, w := benchGrid(b, n)
	w.win.Canvas().Focus(w.search)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		// A character, then Backspace: every keystroke filters the whole roster.
		if i%2 == 0 {
			test.Type(w.search, "e")
		} else {
			w.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		}
		td.waitIdle()
		if paint {
			w.win.Canvas().Capture()
		}
	}
	b.StopTimer()
	reportHeap(b)
}

func BenchmarkStaffGridKeystroke10k(b *testing.B)      { benchKeystroke(b, 10_000, true) }
func BenchmarkStaffGridKeystroke100k(b *testing.B)     { benchKeystroke(b, 100_000, true) }
func BenchmarkStaffGridKeystrokeWork10k(b *testing.B)  { benchKeystroke(b, 10_000, false) }
func BenchmarkStaffGridKeystrokeWork100k(b *testing.B) { benchKeystroke(b, 100_000, false) }

// BenchmarkStaffGridFilterWork100k is a choice in the status drop-down over 100,000
// accounts, from the choice to the updated widgets (no render).
func BenchmarkStaffGridFilterWork100k(b *testing.B) {
	td, w := benchGrid(b, 100_000)
	choices := []string{"Active", "Pending activation", "All statuses", "Never signed in"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		w.statusChoice.SetSelected(choices[i%len(choices)])
		td.waitIdle()
	}
	b.StopTimer()
	reportHeap(b)
}

// BenchmarkStaffGridSortWork100k is BenchmarkStaffGridSort100k without the render.
func BenchmarkStaffGridSortWork100k(b *testing.B) {
	td, w := benchGrid(b, 100_000)
	header := benchHeader(b, w, int(app.ColName))
	test.Tap(header) // the first sort by Name, outside the timer
	td.waitIdle()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		test.Tap(header)
		td.waitIdle()
	}
}

// BenchmarkStaffGridSort100k clicks the Name header, ascending and descending in turn.
func BenchmarkStaffGridSort100k(b *testing.B) {
	td, w := benchGrid(b, 100_000)
	header := benchHeader(b, w, int(app.ColName))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		test.Tap(header)
		td.waitIdle()
		w.win.Canvas().Capture()
	}
}

// BenchmarkStaffGridFirstSort100k clicks a header the roster has not sorted by yet: a
// new roster (as after a reload) each time, built outside the timer.
func BenchmarkStaffGridFirstSort100k(b *testing.B) {
	td, w := benchGrid(b, 100_000)
	staff, err := td.svc.Staff.List(td.ctx())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		w.roster = app.NewRoster(staff)
		w.refresh(false)
		w.win.Canvas().Capture()
		header := benchHeader(b, w, int(app.ColEmail))
		b.StartTimer()
		test.Tap(header)
		td.waitIdle()
		w.win.Canvas().Capture()
	}
}

func benchHeader(b *testing.B, w *staffWindow, col int) *columnHeader {
	var found *columnHeader
	visit(w.win.Content(), func(o fyne.CanvasObject) {
		if h, ok := o.(*columnHeader); ok && h.col == col {
			found = h
		}
	})
	if found == nil {
		b.Fatalf("no header drawn for column %d", col)
	}
	return found
}

// benchFirstRender opens the Staff window over n accounts until its first rows are
// drawn: the load, the roster and the first render.
func benchFirstRender(b *testing.B, n int) {
	td := newTestDesk(b, true)
	seedBulkStaff(b, td, n)
	b.ReportAllocs()
	b.ResetTimer()
	var win fyne.Window
	for range b.N {
		if win != nil {
			b.StopTimer()
			win.Close()
			td.waitIdle()
			b.StartTimer()
		}
		win = td.ShowMain()
		win.Resize(fyne.NewSize(1280, 800))
		td.waitIdle()
		win.Canvas().Capture()
		if td.staff.roster == nil || td.staff.roster.Len() == 0 {
			b.Fatal("no rows drawn")
		}
	}
	b.StopTimer()
	reportHeap(b)
	win.Close()
}

func BenchmarkStaffGridFirstRender10k(b *testing.B)  { benchFirstRender(b, 10_000) }
func BenchmarkStaffGridFirstRender100k(b *testing.B) { benchFirstRender(b, 100_000) }

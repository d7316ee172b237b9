package ui

import (
	"io"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/data"
)

// testDesk is a Desk on Fyne's test driver over a real SQLite file.
type testDesk struct {
	*Desk
	fyneApp fyne.App
	db      *data.DB
	dir     string
}

// newTestDesk opens a fresh database in a temp folder; seed fills it with the demo
// practice first.
func newTestDesk(t *testing.T, seed bool) *testDesk {
	t.Helper()
	a := test.NewTempApp(t)
	dir := t.TempDir()
	key, err := app.LoadOrCreateKey(filepath.Join(dir, "staffdesk.key"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := app.NewAESSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(filepath.Join(dir, "staffdesk.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := app.NewServices(db)
	if seed {
		if err := app.SeedDemo(app.WithActor(t.Context(), app.LocalManager), svc); err != nil {
			t.Fatal(err)
		}
	}
	log := logrus.New()
	log.SetOutput(io.Discard)
	return &testDesk{Desk: newQueuedDesk(a, svc, log), fyneApp: a, db: db, dir: dir}
}

// newQueuedDesk is NewDesk with its UI work run by waitIdle on the test's goroutine.
func newQueuedDesk(a fyne.App, svc *app.Services, log logrus.FieldLogger) *Desk {
	d := NewDesk(a, svc, log)
	d.queueUI()
	return d
}

package data

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

type nullSealer struct{}

func (nullSealer) Seal(b []byte) ([]byte, error) { return append([]byte(nil), b...), nil }
func (nullSealer) Open(b []byte) ([]byte, error) { return append([]byte(nil), b...), nil }

// The courier's queries read through their indexes, in order: no scan of the waiting
// rows and no temporary sort, which made draining a long queue quadratic.
func TestOutbox_DueQueriesUseTheirIndexes(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "staffdesk.db"), nullSealer{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 4, 7, 14, 0, 0, 0, time.UTC)
	err = db.Write(context.Background(), func(tx app.Tx) error {
		for i := 0; i < 200; i++ {
			m := &app.OutboxMessage{Kind: app.MailActivation, ToAddress: "a@b.example", Subject: "s",
				MessageID: "<" + time.Duration(i).String() + "@x>", NextAttemptAt: now.Add(time.Duration(i%7) * time.Second), CreatedAt: now}
			if i%3 == 0 {
				m.Status = app.MailSent
			}
			if err := tx.QueueMail(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	plan := func(query string, args ...any) string {
		rows, err := db.read.Query("EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out = append(out, detail)
		}
		return strings.Join(out, "; ")
	}
	if p := plan(dueQuery, now.UnixNano(), 20); !strings.Contains(p, "USING INDEX outbox_due") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("DueMail's plan: %s", p)
	}
	if p := plan(claimDueQuery, now.UnixNano(), 20); !strings.Contains(p, "USING INDEX outbox_due") || strings.Contains(p, "TEMP B-TREE") ||
		!strings.Contains(p, "outbox_bodies USING") {
		t.Errorf("ClaimDueMail's plan: %s", p)
	}
	for _, q := range []string{"SELECT MIN(next_attempt_at) FROM outbox INDEXED BY outbox_due WHERE status IN ('queued', 'retrying')",
		"SELECT MIN(lease_until) FROM outbox INDEXED BY outbox_leases WHERE status = 'sending'"} {
		if p := plan(q); !strings.Contains(p, "INDEX") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s: %s", q, p)
		}
	}
	// And DueMail answers in order.
	err = db.Read(context.Background(), func(tx app.Tx) error {
		due, err := tx.DueMail(now.Add(time.Hour), 1000)
		if len(due) != 133 {
			t.Fatalf("%d due", len(due))
		}
		for i := 1; i < len(due); i++ {
			a, b := due[i-1], due[i]
			if a.NextAttemptAt.After(b.NextAttemptAt) || a.NextAttemptAt.Equal(b.NextAttemptAt) && a.ID > b.ID {
				t.Fatalf("out of order at %d", i)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Bodies sealed by an older StaffDesk (JSON) still open; new ones round-trip, and a
// damaged one is refused rather than misread.
func TestOutbox_BodyFormats(t *testing.T) {
	for _, b := range []mailBody{{}, {Text: "Hello", HTML: "<p>Hello</p>"}, {Text: "€ 5 ✓", HTML: ""}} {
		got, err := unmarshalBody(b.marshal())
		if err != nil || got != b {
			t.Fatalf("%+v came back as %+v (%v)", b, got, err)
		}
	}
	got, err := unmarshalBody([]byte(`{"text":"old","html":"<p>old</p>"}`))
	if err != nil || got.Text != "old" || got.HTML != "<p>old</p>" {
		t.Fatalf("JSON body: %+v %v", got, err)
	}
	for _, bad := range [][]byte{nil, {2, 1, 'x'}, {bodyVersion, 9, 'x'}, {bodyVersion, 0xff}} {
		if _, err := unmarshalBody(bad); err == nil {
			t.Fatalf("%v accepted", bad)
		}
	}
}

// FuzzUnmarshalBody: a sealed body that opened (right key) but is damaged or foreign
// is refused or read, never a panic; what marshal writes reads back the same.
func FuzzUnmarshalBody(f *testing.F) {
	f.Add([]byte(`{"text":"a","html":"<p>a</p>"}`), "text", "<p>html</p>")
	f.Add([]byte{bodyVersion, 3, 'a', 'b', 'c', 'd'}, "", "")
	f.Add([]byte{bodyVersion, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, "€", "✓")
	f.Fuzz(func(t *testing.T, raw []byte, text, html string) {
		unmarshalBody(raw)
		b := mailBody{Text: text, HTML: html}
		got, err := unmarshalBody(b.marshal())
		if err != nil || got != b {
			t.Fatalf("%+v came back as %+v (%v)", b, got, err)
		}
	})
}

package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

func TestOutbox_ViewEMLRetryCancel(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	r.srv.Close()
	camille := r.createStaff("camilles", "Camille", "Staff")
	r.createStaff("marcus", "Marcus", "Staff")
	m := r.message(app.MailActivation, "camilles@email.xyz")
	code := r.peekCode(m)

	v, err := r.svc.Outbox.View(r.ctx(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.To != `"Camille Staff" <camilles@email.xyz>` || v.Subject != "Activate your Valley Family Practice staff account" ||
		!strings.Contains(v.From, rigFrom) {
		t.Fatalf("view %+v", v)
	}
	for _, body := range []string{v.Text, v.HTML} {
		if strings.Contains(body, code) || !strings.Contains(body, "•••••-•••••") || !strings.Contains(body, "camilles") {
			t.Fatalf("the view shows the code or lacks the mask:\n%s", body)
		}
	}
	eml, err := r.svc.Outbox.EML(r.ctx(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := parseReceived(t, eml)
	if got.header.Get("Message-Id") != m.MessageID || got.to.Address != "camilles@email.xyz" || strings.Contains(string(eml), code) {
		t.Fatalf("EML: %v", got.header)
	}

	// Cancel one, retry the other now (the server is back).
	other := r.message(app.MailActivation, "marcus@email.xyz")
	if err := r.svc.Outbox.Cancel(r.ctx(), other.ID); err != nil {
		t.Fatal(err)
	}
	r.sendDue()
	if m := r.message(app.MailActivation, "camilles@email.xyz"); m.Status != app.MailRetrying {
		t.Fatalf("%s", m.Status)
	}
	r.srv.Start()
	if err := r.svc.Outbox.RetryNow(r.ctx(), m.ID); err != nil {
		t.Fatal(err)
	}
	r.sendDue()
	if n := len(r.srv.Messages()); n != 1 {
		t.Fatalf("delivered %d", n)
	}
	list := r.outbox()
	labels := map[string]string{}
	for _, m := range list {
		labels[m.ToAddress] = m.StatusLabel(r.clock.Now())
	}
	if labels["camilles@email.xyz"] != "Sent at "+r.clock.Now().Local().Format("15:04") || labels["marcus@email.xyz"] != "Cancelled" {
		t.Fatalf("labels %v", labels)
	}
	wantCode(t, r.svc.Outbox.Cancel(r.ctx(), m.ID), app.ECONFLICT, "already sent")
	// The view of a sent message is still there, code masked.
	if v, err := r.svc.Outbox.View(r.ctx(), m.ID); err != nil || !strings.Contains(v.Text, "•••••-•••••") {
		t.Fatalf("view after sending: %v", err)
	}
	_ = camille
	_ = time.Second
}

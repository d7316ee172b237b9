package app_test

import (
	"crypto/tls"
	"fmt"
	"net/smtp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// BenchmarkOutboxThroughput drains a queue of activation-sized messages through the
// courier (STARTTLS, AUTH PLAIN) into the in-process server, and in the same run sends
// the same messages with a bare net/smtp loop over one connection to the same server.
// It reports both rates, their ratio, and the median of the ratios of each round (a
// round is one queue drained by each), which is steadier on a loaded machine:
//
//	go test -tags migrated_fynedo -run '^$' -bench OutboxThroughput -benchtime 10x ./app/
func BenchmarkOutboxThroughput(b *testing.B) {
	const batch = 200
	r := newMailRig(b, rigOptions{})
	r.setUp(r.settings())
	cfg := r.settings()
	text := strings.Repeat("Hello Camille, a staff account has been created for you at Valley Family Practice. ", 20)
	html := "<p>" + text + "</p>"
	letter := app.Letter{MessageID: "<bench@valley.example>", ToName: "Camille Staff", ToAddress: "camilles@email.xyz",
		Subject: "Activate your Valley Family Practice staff account", Text: text, HTML: html, Date: r.clock.Now()}
	raw, err := r.postman.EML(cfg, letter)
	if err != nil {
		b.Fatal(err)
	}
	var courierTime, bareTime time.Duration
	var ratios []float64
	seq := 0
	for i := 0; i < b.N; i++ {
		err := r.db.Write(r.ctx(), func(tx app.Tx) error {
			for j := 0; j < batch; j++ {
				seq++
				m := &app.OutboxMessage{Kind: app.MailActivation, ToName: letter.ToName, ToAddress: letter.ToAddress,
					Subject: letter.Subject, MessageID: fmt.Sprintf("<bench-%d@valley.example>", seq), Text: text, HTML: html,
					RedactedText: text, RedactedHTML: html, NextAttemptAt: r.clock.Now(), CreatedAt: r.clock.Now()}
				if err := tx.QueueMail(m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		before := len(r.srv.Messages())
		start := time.Now()
		r.svc.Courier.SendDue(r.ctx())
		courierRound := time.Since(start)
		courierTime += courierRound
		if got := len(r.srv.Messages()) - before; got != batch {
			b.Fatalf("the courier delivered %d of %d", got, batch)
		}

		before = len(r.srv.Messages())
		start = time.Now()
		bareLoop(b, r, raw, batch)
		bareRound := time.Since(start)
		bareTime += bareRound
		ratios = append(ratios, bareRound.Seconds()/courierRound.Seconds())
		if got := len(r.srv.Messages()) - before; got != batch {
			b.Fatalf("net/smtp delivered %d of %d", got, batch)
		}
	}
	courierRate := float64(batch*b.N) / courierTime.Seconds()
	bareRate := float64(batch*b.N) / bareTime.Seconds()
	b.ReportMetric(courierRate, "courier-msgs/s")
	b.ReportMetric(bareRate, "netsmtp-msgs/s")
	b.ReportMetric(courierRate/bareRate, "ratio")
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "median-ratio")
	b.ReportMetric(0, "ns/op")
}

// bareLoop sends raw n times over one net/smtp connection: STARTTLS and AUTH once.
func bareLoop(b *testing.B, r *mailRig, raw []byte, n int) {
	c, err := smtp.Dial(r.srv.Addr())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.StartTLS(&tls.Config{ServerName: r.srv.Host(), RootCAs: r.srv.CertPool()}); err != nil {
		b.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", rigSMTPUser, rigSMTPPassword, r.srv.Host())); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := c.Mail(rigFrom); err != nil {
			b.Fatal(err)
		}
		if err := c.Rcpt("camilles@email.xyz"); err != nil {
			b.Fatal(err)
		}
		w, err := c.Data()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(raw); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	c.Quit()
}

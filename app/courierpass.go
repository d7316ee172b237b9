package app

import "context"

// claimed is a message this courier holds, with its bodies and the status it had.
type claimed struct {
	m          *OutboxMessage
	was        MailStatus
	text, html string
}

// pass is one SendDue: the session with the server, opened at the first message, and
// the renewal of this courier's leases while it holds any.
type pass struct {
	c       *Courier
	session PostSession
	cfg     EmailSettings
	renew   func() // stops the renewal
	// outcomes are recorded by a goroutine of the pass, so that the next messages go
	// out while the last ones are written; the pass ends once all are.
	outcomes chan []*OutboxMessage
	recorded chan struct{}
}

// flush waits until every outcome handed to the recorder is written.
func (p *pass) flush() {
	if p.outcomes != nil {
		close(p.outcomes)
		<-p.recorded
		p.outcomes, p.recorded = nil, nil
	}
}

func (p *pass) end() {
	p.flush()
	if p.renew != nil {
		p.renew()
	}
	if p.session != nil {
		p.session.Close()
	}
}

// record hands outcomes to the pass's recorder.
func (p *pass) record(ctx context.Context, outcomes []*OutboxMessage) {
	if len(outcomes) == 0 {
		return
	}
	if p.outcomes == nil {
		p.outcomes, p.recorded = make(chan []*OutboxMessage, 4), make(chan struct{})
		go func() {
			defer close(p.recorded)
			for o := range p.outcomes {
				p.c.record(ctx, o)
			}
		}()
	}
	p.outcomes <- outcomes
}

// sessionFor returns the session for cfg, starting a new one when the settings changed.
func (p *pass) sessionFor(cfg EmailSettings) PostSession {
	if p.session != nil && p.cfg != cfg {
		p.session.Close()
		p.session = nil
	}
	if p.session == nil {
		p.session, p.cfg = p.c.postman.Session(cfg), cfg
	}
	return p.session
}

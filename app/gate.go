package app

import (
	"context"
	"time"
)

// gate is the one way from a service method into the store. A call goes: the
// signed-in session from the context → is it still live → the permission the action
// needs → (the offices the person may act on, in call.me) → the transaction → what
// runs after commit (waking the courier; the audit entry, written inside the same
// transaction, comes next). No service method holds the store itself.
type gate struct {
	store  Store
	digest Digester
	now    func() time.Time
	bell   func() // wakes the courier; nil when there is none
}

// call is one service call's transaction and the person it is made for.
type call struct {
	Tx
	me   *Principal // nil in a public or system call
	ring bool       // an email was queued: wake the courier after commit
}

// mail records that the call queued an email.
func (c *call) mail() { c.ring = true }

// anyone is the need of an action every signed-in person may take.
const anyone Permission = ""

// read runs fn in a read-only transaction for the signed-in person, who must hold
// need (anyone: no permission).
func (g *gate) read(ctx context.Context, need Permission, fn func(c *call) error) error {
	return g.store.Read(ctx, func(tx Tx) error {
		c, err := g.enter(ctx, tx, need, false)
		if err != nil {
			return err
		}
		return fn(c)
	})
}

// write is read in a read-write transaction, with the after-commit steps.
func (g *gate) write(ctx context.Context, need Permission, fn func(c *call) error) error {
	var c *call
	err := g.store.Write(ctx, func(tx Tx) (err error) {
		if c, err = g.enter(ctx, tx, need, true); err != nil {
			return err
		}
		return fn(c)
	})
	if err == nil {
		g.afterCommit(c)
	}
	return err
}

// enter is a call's way in: the person of ctx's session, found in tx, holding need.
func (g *gate) enter(ctx context.Context, tx Tx, need Permission, write bool) (*call, error) {
	me, err := g.principal(tx, ctx, write)
	if err != nil {
		return nil, err
	}
	if need != anyone && !me.Can(need) {
		return nil, forbiddenWithout(need)
	}
	return &call{Tx: tx, me: me}, nil
}

// check refuses the call unless ctx's person is signed in and holds need; for the
// services whose work is not a transaction of its own (Settings → Email).
func (g *gate) check(ctx context.Context, need Permission) error {
	return g.read(ctx, need, func(*call) error { return nil })
}

// public runs fn without a signed-in person: signing in, the emailed-code flows and
// Set up your practice, each of which proves who it is for by other means.
func (g *gate) public(ctx context.Context, write bool, fn func(c *call) error) error {
	c := &call{}
	run := func(tx Tx) error { *c = call{Tx: tx}; return fn(c) }
	if !write {
		return g.store.Read(ctx, run)
	}
	err := g.store.Write(ctx, run)
	if err == nil {
		g.afterCommit(c)
	}
	return err
}

// system is public for the app's own housekeeping (the courier, the identity keys'
// backfill): work no person asked for.
func (g *gate) system(ctx context.Context, write bool, fn func(c *call) error) error {
	return g.public(ctx, write, fn)
}

func (g *gate) afterCommit(c *call) {
	if c.ring && g.bell != nil {
		g.bell()
	}
}

// sessionTouchEvery is how stale a session's LastSeenAt may get before a write
// records it again: reads never write.
const sessionTouchEvery = time.Minute

// principal finds the signed-in person of ctx in tx: their live session, their account
// as it is now, and their role's permissions.
func (g *gate) principal(tx Tx, ctx context.Context, write bool) (*Principal, error) {
	token := sessionToken(ctx)
	if token == "" {
		return nil, SignedOut("")
	}
	s, err := tx.SessionByToken(sessionDigest(g.digest, token))
	if ErrorCode(err) == ENOTFOUND {
		return nil, SignedOut("")
	} else if err != nil {
		return nil, err
	}
	if !s.Live() {
		return nil, SignedOut(s.EndReason)
	}
	st, err := tx.Staff(s.StaffID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, SignedOut(EndDeleted)
	} else if err != nil {
		return nil, err
	}
	if st.Status != StatusActive {
		return nil, SignedOut(EndDeactivated)
	}
	role, err := tx.Role(st.RoleID)
	if err != nil {
		return nil, err
	}
	st.Permissions = role.Permissions
	now := g.now().UTC()
	if write && now.Sub(s.LastSeenAt) >= sessionTouchEvery {
		if err := tx.TouchSession(s.ID, now); err != nil {
			return nil, err
		}
		s.LastSeenAt = now
	}
	return &Principal{Session: s, Staff: st, Permissions: role.Permissions}, nil
}

// sessionDigest is what the store keeps of a session token.
func sessionDigest(d Digester, token string) []byte {
	return d.Digest([]byte("staffdesk session\x00" + token))
}

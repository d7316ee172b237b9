package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"
)

// SeedDemo fills an empty store with a believable sample practice, so that a newcomer
// sees every feature at once: three providers (one inactive), two offices, and a dozen
// staff in every state, with and without phones, some restricted to offices. It does
// nothing when staff already exist.
func SeedDemo(ctx context.Context, s *Services) error {
	var n int
	if err := s.store.Read(ctx, func(tx Tx) (err error) { n, err = tx.CountStaff(); return err }); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	dir, err := s.Directory.Load(ctx)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}

	kate, err := s.Directory.SaveProvider(ctx, &Provider{FirstName: "Kate", LastName: "Provider", Credentials: "MD", NPI: "1234567893"})
	if err != nil {
		return fmt.Errorf("seed demo provider: %w", err)
	}
	hannah, err := s.Directory.SaveProvider(ctx, &Provider{FirstName: "Hannah", LastName: "Provider", Credentials: "DO", NPI: "1245319599"})
	if err != nil {
		return fmt.Errorf("seed demo provider: %w", err)
	}
	robert, err := s.Directory.SaveProvider(ctx, &Provider{FirstName: "Robert", LastName: "Allen", Suffix: "Jr.", Credentials: "MD, FACP"})
	if err != nil {
		return fmt.Errorf("seed demo provider: %w", err)
	}
	if err := s.Directory.SetProviderActive(ctx, robert.ID, false); err != nil {
		return fmt.Errorf("seed demo provider: %w", err)
	}
	main, err := s.Directory.SaveOffice(ctx, &Office{Name: "Main Street Clinic", Address: "100 Main Street\nSpringfield, IL 62701", Phone: "(217) 555-0100"})
	if err != nil {
		return fmt.Errorf("seed demo office: %w", err)
	}
	river, err := s.Directory.SaveOffice(ctx, &Office{Name: "Riverside Office", Address: "42 River Road\nSpringfield, IL 62704", Phone: "(217) 555-0188"})
	if err != nil {
		return fmt.Errorf("seed demo office: %w", err)
	}

	role := func(name string) int64 { return idByName(dir.Roles, name) }
	ctr := func(name string) int64 { return careTeamIDByName(dir.CareTeamRoles, name) }

	type demo struct {
		st     Staff
		status StaffStatus
	}
	people := []demo{
		{Staff{FirstName: "Camille", LastName: "Staff", Username: "camilles", Email: "camilles@email.xyz", ProviderID: kate.ID, RoleID: role("Nurse"),
			CareTeamRoleID: ctr("General nurse (occupation)"), CareTeamIDType: CareTeamIDNCSBN, CareTeamID: "12345678",
			CellPhone: "(212) 555-0123", EmergencyAccess: true, UseNewDashboard: true}, StatusActive},
		{Staff{FirstName: "Marcus", LastName: "Staff", Username: "marcusstaff", Email: "mstaff@email.xyz", ProviderID: hannah.ID, RoleID: role("Nurse")}, StatusActive},
		{Staff{FirstName: "Jamie", LastName: "Tester", Username: "jamie_demo_staff", Email: "jamie_demo_staff@example.com", ProviderID: hannah.ID, RoleID: role("Front Desk"),
			HomePhone: "(217) 555-0147"}, StatusPending},
		{Staff{FirstName: "Priya", LastName: "Raman", Username: "praman", Email: "priya.raman@example.com", ProviderID: kate.ID, RoleID: role("Biller"),
			CellPhone: "(217) 555-0162", HomePhone: "(217) 555-0163", RestrictOffices: true, OfficeIDs: []int64{main.ID}}, StatusActive},
		{Staff{FirstName: "Luis", LastName: "Ortega", Username: "lortega", Email: "luis.ortega@example.com", ProviderID: kate.ID, RoleID: role("Medical Assistant"),
			CareTeamRoleID: ctr("Medical assistant (occupation)"), CellPhone: "(217) 555-0171", EmergencyAccess: true}, StatusActive},
		{Staff{FirstName: "Grace", LastName: "Kim", Username: "gkim", Email: "grace.kim@example.com", ProviderID: hannah.ID, RoleID: role("Office Manager"),
			CellPhone: "(217) 555-0190", UseNewDashboard: true, RestrictOffices: true, OfficeIDs: []int64{main.ID, river.ID}}, StatusActive},
		{Staff{FirstName: "Dmitri", LastName: "Volkov", Username: "dvolkov", Email: "dmitri.volkov@example.com", ProviderID: hannah.ID, RoleID: role("Medical Assistant"),
			RestrictOffices: true, OfficeIDs: []int64{river.ID}}, StatusPending},
		{Staff{FirstName: "Aisha", LastName: "Bello", Username: "abello", Email: "aisha.bello@example.com", ProviderID: kate.ID, RoleID: role("Nurse"),
			CareTeamRoleID: ctr("Registered nurse (occupation)"), CareTeamIDType: CareTeamIDNPI, CareTeamID: "1245319599", CellPhone: "(217) 555-0134", EmergencyAccess: true}, StatusActive},
		{Staff{FirstName: "Tom", LastName: "Becker", Username: "tbecker", Email: "tom.becker@example.com", ProviderID: kate.ID, RoleID: role("Front Desk"),
			HomePhone: "(217) 555-0115"}, StatusInactive},
		{Staff{FirstName: "Rosa", LastName: "Delgado", Username: "rdelgado", Email: "rosa.delgado@example.com", ProviderID: hannah.ID, RoleID: role("Biller"),
			CellPhone: "(217) 555-0152", RestrictOffices: true, OfficeIDs: []int64{river.ID}}, StatusInactive},
		{Staff{FirstName: "Noah", LastName: "Fischer", Username: "nfischer", Email: "noah.fischer@example.com", ProviderID: kate.ID, RoleID: role("Front Desk"),
			CellPhone: "(217) 555-0179", UseNewDashboard: true}, StatusPending},
		{Staff{FirstName: "Mei", LastName: "Chen", Username: "mchen", Email: "mei.chen@example.com", ProviderID: hannah.ID, RoleID: role("Nurse"),
			CareTeamRoleID: ctr("Licensed practical nurse (occupation)"), CellPhone: "(217) 555-0126", HomePhone: "(217) 555-0127"}, StatusActive},
	}
	for i, p := range people {
		st := p.st
		st.SendDailyBilling = i%3 != 2
		st.EnableEmailUpdate = i%4 != 3
		if st.UnlockPIN, err = NewUnlockPIN(); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		// Nobody knows a demo account's password: it is random and thrown away.
		pw, err := demoPassword(&st)
		if err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		if p.status == StatusPending {
			// Created as a manager would: the activation email waits in the outbox.
			if _, err := s.Staff.Create(ctx, &NewStaff{Staff: st, Password: pw, ConfirmPassword: pw}); err != nil {
				return fmt.Errorf("seed demo staff %s: %w", st.Username, err)
			}
			continue
		}
		if err := seedSettled(ctx, s.store, s.hash, st, pw, p.status); err != nil {
			return fmt.Errorf("seed demo staff %s: %w", st.Username, err)
		}
	}
	return nil
}

// seedSettled writes an account whose activation is long past: active, or inactive
// (Tom had been active before he left; Rosa never activated her account). It obeys the
// same rules as a created account but sends no email.
func seedSettled(ctx context.Context, store Store, hashPassword func(string) (string, error), st Staff, pw string, status StaffStatus) error {
	var p Problems
	normalizeStaff(&st, &p)
	var err error
	if st.SupportPIN, err = NewSupportPIN(); err != nil {
		return err
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return err
	}
	return store.Write(ctx, func(tx Tx) error {
		if err := checkReferences(tx, &st, &p, time.Now()); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		st.Status = StatusActive
		if status == StatusInactive && st.Username != "tbecker" {
			st.Status = StatusInactive
		}
		if err := tx.CreateStaff(&st, hash); err != nil {
			return err
		}
		if st.Status != status {
			return tx.SetStaffStatus(st.ID, status)
		}
		return nil
	})
}

// demoPassword draws random passwords until one passes the rules for st (a random one
// can, rarely, contain a short name).
func demoPassword(st *Staff) (string, error) {
	for range 100 {
		pw := rand.Text()
		if CheckPassword(pw, pw, passwordContextOf(st)) == nil {
			return pw, nil
		}
	}
	return "", fmt.Errorf("no acceptable random password for %s", st.Username)
}

func idByName(roles []*Role, name string) int64 {
	for _, r := range roles {
		if r.Name == name {
			return r.ID
		}
	}
	return 0
}

func careTeamIDByName(roles []*CareTeamRole, name string) int64 {
	for _, r := range roles {
		if r.Name == name {
			return r.ID
		}
	}
	return 0
}

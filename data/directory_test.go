package data_test

import (
	"reflect"
	"testing"

	"github.com/staffdesk/staffdesk/app"
)

func TestProviders(t *testing.T) {
	db := MustOpenDB(t)
	kate := &app.Provider{FirstName: "Kate", LastName: "Provider", Credentials: "MD", NPI: "1234567893", Active: true}
	hannah := &app.Provider{FirstName: "Hannah", LastName: "provider", Suffix: "Jr.", Credentials: "DO", Active: true}
	abel := &app.Provider{FirstName: "Zoe", LastName: "Abel"}
	mustWrite(t, db, func(tx app.Tx) error {
		for _, p := range []*app.Provider{kate, hannah, abel} {
			if err := tx.CreateProvider(p); err != nil {
				return err
			}
		}
		return nil
	})

	mustRead(t, db, func(tx app.Tx) error {
		list, err := tx.Providers()
		if err != nil {
			return err
		}
		// By last name, then first name, ignoring case; inactive ones included.
		if want := []*app.Provider{abel, hannah, kate}; !reflect.DeepEqual(list, want) {
			t.Fatalf("Providers = %v, want %v", list, want)
		}
		got, err := tx.Provider(kate.ID)
		if err != nil || !reflect.DeepEqual(got, kate) {
			t.Fatalf("Provider = %v, %v; want %v", got, err, kate)
		}
		return nil
	})

	mustWrite(t, db, func(tx app.Tx) error {
		kate.Suffix, kate.Active = "III", false
		if err := tx.UpdateProvider(kate); err != nil {
			return err
		}
		got, err := tx.Provider(kate.ID)
		if err != nil || !reflect.DeepEqual(got, kate) {
			t.Fatalf("after update: %v, %v; want %v", got, err, kate)
		}

		// An NPI belongs to one provider; many may have none.
		hannah.NPI = "1234567893"
		wantFieldError(t, tx.UpdateProvider(hannah), app.ECONFLICT, app.FieldNPI,
			"The NPI 1234567893 is already used by Kate Provider, III, MD.")
		wantFieldError(t, tx.CreateProvider(&app.Provider{FirstName: "A", LastName: "B", NPI: "1234567893"}), app.ECONFLICT, app.FieldNPI,
			"The NPI 1234567893 is already used by Kate Provider, III, MD.")
		return tx.CreateProvider(&app.Provider{FirstName: "No", LastName: "NPI"})
	})

	mustWrite(t, db, func(tx app.Tx) error {
		const msg = "That provider no longer exists."
		_, err := tx.Provider(404)
		wantError(t, err, app.ENOTFOUND, msg)
		wantError(t, tx.UpdateProvider(&app.Provider{ID: 404, FirstName: "X", LastName: "Y"}), app.ENOTFOUND, msg)
		return nil
	})
}

func TestOffices(t *testing.T) {
	db := MustOpenDB(t)
	riverside := &app.Office{Name: "Riverside", Address: "1 River Rd", Phone: "+12175550100", Active: true}
	downtown := &app.Office{Name: "downtown", Address: "2 Main St"}
	mustWrite(t, db, func(tx app.Tx) error {
		if err := tx.CreateOffice(riverside); err != nil {
			return err
		}
		return tx.CreateOffice(downtown)
	})
	mustWrite(t, db, func(tx app.Tx) error {
		list, err := tx.Offices()
		if err != nil {
			return err
		}
		if want := []*app.Office{downtown, riverside}; !reflect.DeepEqual(list, want) {
			t.Fatalf("Offices = %v, want %v", list, want)
		}

		wantFieldError(t, tx.CreateOffice(&app.Office{Name: "RIVERSIDE"}), app.ECONFLICT, app.FieldName,
			"An office named RIVERSIDE already exists.")
		d := *downtown
		d.Name = "riverSide"
		wantFieldError(t, tx.UpdateOffice(&d), app.ECONFLICT, app.FieldName, "An office named riverSide already exists.")

		downtown.Name, downtown.Active = "Downtown", true
		if err := tx.UpdateOffice(downtown); err != nil {
			return err
		}
		got, err := tx.Office(downtown.ID)
		if err != nil || !reflect.DeepEqual(got, downtown) {
			t.Fatalf("Office = %v, %v; want %v", got, err, downtown)
		}

		const msg = "That office no longer exists."
		_, err = tx.Office(404)
		wantError(t, err, app.ENOTFOUND, msg)
		wantError(t, tx.UpdateOffice(&app.Office{ID: 404, Name: "X"}), app.ENOTFOUND, msg)
		return nil
	})
}

func TestRoles(t *testing.T) {
	db := MustOpenDB(t)
	mustWrite(t, db, func(tx app.Tx) error {
		scribe := &app.Role{Name: "Scribe", Active: true}
		if err := tx.CreateRole(scribe); err != nil {
			return err
		}
		wantFieldError(t, tx.CreateRole(&app.Role{Name: "front desk"}), app.ECONFLICT, app.FieldName,
			"A role named front desk already exists.")
		scribe.Name, scribe.Active = "BILLER", false
		wantFieldError(t, tx.UpdateRole(scribe), app.ECONFLICT, app.FieldName, "A role named BILLER already exists.")
		scribe.Name = "Medical Scribe"
		if err := tx.UpdateRole(scribe); err != nil {
			return err
		}
		got, err := tx.Role(scribe.ID)
		if err != nil || !reflect.DeepEqual(got, scribe) {
			t.Fatalf("Role = %v, %v; want %v", got, err, scribe)
		}

		list, err := tx.Roles()
		if err != nil {
			return err
		}
		var names []string
		for _, r := range list {
			names = append(names, r.Name)
		}
		want := []string{"Biller", "Front Desk", "Medical Assistant", "Medical Scribe", "Nurse", "Office Manager"}
		if !reflect.DeepEqual(names, want) {
			t.Fatalf("Roles = %v, want %v", names, want)
		}

		const msg = "That role no longer exists."
		_, err = tx.Role(404)
		wantError(t, err, app.ENOTFOUND, msg)
		wantError(t, tx.UpdateRole(&app.Role{ID: 404, Name: "X"}), app.ENOTFOUND, msg)
		return nil
	})
}

func TestCareTeamRoles(t *testing.T) {
	db := MustOpenDB(t)
	mustWrite(t, db, func(tx app.Tx) error {
		list, err := tx.CareTeamRoles()
		if err != nil {
			return err
		}
		if len(list) != 12 || list[0].Name != "Care coordinator (occupation)" || !list[0].Active {
			t.Fatalf("seeded care team roles: %d, first %v", len(list), list[0])
		}

		doula := &app.CareTeamRole{Name: "Doula (occupation)", Active: true}
		if err := tx.CreateCareTeamRole(doula); err != nil {
			return err
		}
		wantFieldError(t, tx.CreateCareTeamRole(&app.CareTeamRole{Name: "general NURSE (occupation)"}), app.ECONFLICT, app.FieldName,
			"A care team role named general NURSE (occupation) already exists.")
		doula.Name = "PHARMACIST (occupation)"
		wantFieldError(t, tx.UpdateCareTeamRole(doula), app.ECONFLICT, app.FieldName,
			"A care team role named PHARMACIST (occupation) already exists.")
		doula.Name, doula.Active = "Birth doula (occupation)", false
		if err := tx.UpdateCareTeamRole(doula); err != nil {
			return err
		}
		got, err := tx.CareTeamRole(doula.ID)
		if err != nil || !reflect.DeepEqual(got, doula) {
			t.Fatalf("CareTeamRole = %v, %v; want %v", got, err, doula)
		}

		const msg = "That care team role no longer exists."
		_, err = tx.CareTeamRole(404)
		wantError(t, err, app.ENOTFOUND, msg)
		wantError(t, tx.UpdateCareTeamRole(&app.CareTeamRole{ID: 404, Name: "X"}), app.ENOTFOUND, msg)
		return nil
	})
}

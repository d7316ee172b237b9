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
		wantRefusal(t, tx.UpdateProvider(hannah), app.ECONFLICT, app.RecordProvider, app.FieldNPI)
		wantRefusal(t, tx.CreateProvider(&app.Provider{FirstName: "A", LastName: "B", NPI: "1234567893"}), app.ECONFLICT, app.RecordProvider, app.FieldNPI)
		return tx.CreateProvider(&app.Provider{FirstName: "No", LastName: "NPI"})
	})

	mustWrite(t, db, func(tx app.Tx) error {
		_, err := tx.Provider(404)
		wantRefusal(t, err, app.ENOTFOUND, app.RecordProvider, "")
		wantRefusal(t, tx.UpdateProvider(&app.Provider{ID: 404, FirstName: "X", LastName: "Y"}), app.ENOTFOUND, app.RecordProvider, "")

		// An update from a copy older than the stored provider is refused.
		stale := *kate
		stale.Version--
		err = tx.UpdateProvider(&stale)
		wantRefusal(t, err, app.ECONFLICT, app.RecordProvider, "")
		if !app.IsChanged(err) {
			t.Fatalf("stale provider update: %v", err)
		}
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

		wantRefusal(t, tx.CreateOffice(&app.Office{Name: "RIVERSIDE"}), app.ECONFLICT, app.RecordOffice, app.FieldName)
		d := *downtown
		d.Name = "riverSide"
		wantRefusal(t, tx.UpdateOffice(&d), app.ECONFLICT, app.RecordOffice, app.FieldName)

		downtown.Name, downtown.Active = "Downtown", true
		if err := tx.UpdateOffice(downtown); err != nil {
			return err
		}
		got, err := tx.Office(downtown.ID)
		if err != nil || !reflect.DeepEqual(got, downtown) {
			t.Fatalf("Office = %v, %v; want %v", got, err, downtown)
		}

		_, err = tx.Office(404)
		wantRefusal(t, err, app.ENOTFOUND, app.RecordOffice, "")
		wantRefusal(t, tx.UpdateOffice(&app.Office{ID: 404, Name: "X"}), app.ENOTFOUND, app.RecordOffice, "")
		if err := tx.UpdateOffice(&d); !app.IsChanged(err) { // d is at the version before the rename
			t.Fatalf("stale office update: %v", err)
		}
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
		wantRefusal(t, tx.CreateRole(&app.Role{Name: "front desk"}), app.ECONFLICT, app.RecordRole, app.FieldName)
		scribe.Name, scribe.Active = "BILLER", false
		wantRefusal(t, tx.UpdateRole(scribe), app.ECONFLICT, app.RecordRole, app.FieldName)
		stale := *scribe
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
		want := []string{"Biller", "Front Desk", "Medical Assistant", "Medical Scribe", "Nurse", "Office Manager", "Practice Administrator"}
		if !reflect.DeepEqual(names, want) {
			t.Fatalf("Roles = %v, want %v", names, want)
		}

		_, err = tx.Role(404)
		wantRefusal(t, err, app.ENOTFOUND, app.RecordRole, "")
		wantRefusal(t, tx.UpdateRole(&app.Role{ID: 404, Name: "X"}), app.ENOTFOUND, app.RecordRole, "")
		if err := tx.UpdateRole(&stale); !app.IsChanged(err) { // read before the rename
			t.Fatalf("stale role update: %v", err)
		}
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
		wantRefusal(t, tx.CreateCareTeamRole(&app.CareTeamRole{Name: "general NURSE (occupation)"}), app.ECONFLICT, app.RecordCareTeamRole, app.FieldName)
		doula.Name = "PHARMACIST (occupation)"
		wantRefusal(t, tx.UpdateCareTeamRole(doula), app.ECONFLICT, app.RecordCareTeamRole, app.FieldName)
		stale := *doula
		doula.Name, doula.Active = "Birth doula (occupation)", false
		if err := tx.UpdateCareTeamRole(doula); err != nil {
			return err
		}
		got, err := tx.CareTeamRole(doula.ID)
		if err != nil || !reflect.DeepEqual(got, doula) {
			t.Fatalf("CareTeamRole = %v, %v; want %v", got, err, doula)
		}

		_, err = tx.CareTeamRole(404)
		wantRefusal(t, err, app.ENOTFOUND, app.RecordCareTeamRole, "")
		wantRefusal(t, tx.UpdateCareTeamRole(&app.CareTeamRole{ID: 404, Name: "X"}), app.ENOTFOUND, app.RecordCareTeamRole, "")
		if err := tx.UpdateCareTeamRole(&stale); !app.IsChanged(err) {
			t.Fatalf("stale care team role update: %v", err)
		}
		return nil
	})
}

package app

import "testing"

func TestCheckPhone(t *testing.T) {
	good := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"( ) - -", ""},        // the seed's empty input mask
		{"(___) ___-____", ""}, // another mask style
		{"(212) 555-0123", "+12125550123"},
		{"212-555-0123", "+12125550123"},
		{"212.555.0123", "+12125550123"},
		{"2125550123", "+12125550123"},
		{"+1 212 555 0123", "+12125550123"},
		{"1-212-555-0123", "+12125550123"},
		{" (415) 555-2671 ", "+14155552671"},
		{"+44 20 7946 0958", "+442079460958"},
	}
	for _, tt := range good {
		got, err := CheckPhone(FieldCellPhone, tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CheckPhone(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
		}
	}
	bad := []string{
		"111-222-3333",   // the seed's sample: 111 is not a US area code
		"(111) 222-3333", // same, as the seed's form shows it
		"555-0123",       // no area code
		"212-555-01234",  // a digit too many
		"212-555-ABCD",   // letters are not read as a keypad word
		"212 555 0123 x12",
		"(212) 555-0123 ext. 4",
		"call me",
		"212\n555 0123",
	}
	for _, in := range bad {
		got, err := CheckPhone(FieldCellPhone, in)
		msg := ruleFieldMessage(t, err, FieldCellPhone)
		if got != "" {
			t.Errorf("CheckPhone(%q) returned %q with %q", in, got, msg)
		}
	}
	_, err := CheckPhone(FieldHomePhone, "111-222-3333")
	if msg := ruleFieldMessage(t, err, FieldHomePhone); msg != phoneHelp {
		t.Errorf("message = %q, want %q", msg, phoneHelp)
	}
}

func TestFormatPhone(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"+12125550123":  "(212) 555-0123",
		"+442079460958": "+44 20 7946 0958",
		"not a number":  "not a number",
	} {
		if got := FormatPhone(in); got != want {
			t.Errorf("FormatPhone(%q) = %q, want %q", in, got, want)
		}
	}
	// What CheckPhone stores, FormatPhone shows in the form the manager typed it.
	e164, err := CheckPhone(FieldCellPhone, "212.555.0123")
	if err != nil || FormatPhone(e164) != "(212) 555-0123" {
		t.Errorf("round trip: %q, %v -> %q", e164, err, FormatPhone(e164))
	}
}

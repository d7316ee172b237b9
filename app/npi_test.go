package app

import "testing"

func TestValidNPI(t *testing.T) {
	tests := map[string]bool{
		"1234567893":  true, // the CMS example
		"1245319599":  true,
		"1234567890":  false, // wrong check digit
		"1245319598":  false,
		"3234567893":  false, // must start with 1 or 2
		"123456789":   false,
		"12345678931": false,
		"12345 67893": false,
		"123456789a":  false,
		"":            false,
	}
	for in, want := range tests {
		if got := ValidNPI(in); got != want {
			t.Errorf("ValidNPI(%q) = %v, want %v", in, got, want)
		}
	}
	// Exactly one check digit completes each nine-digit stem.
	for _, stem := range []string{"123456789", "124531959", "200000000", "199999999"} {
		n := 0
		for d := '0'; d <= '9'; d++ {
			if ValidNPI(stem + string(d)) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("stem %s: %d valid check digits, want 1", stem, n)
		}
	}
}

func TestCheckNPI(t *testing.T) {
	const form = "An NPI is 10 digits starting with 1 or 2."
	const check = "An NPI is 10 digits starting with 1 or 2; the last digit of this one doesn't check out."
	tests := []struct{ in, want, msg string }{
		{in: "", want: ""},
		{in: "   ", want: ""},
		{in: "1234567893", want: "1234567893"},
		{in: " 12345 67893 ", want: "1234567893"},
		{in: "1245319599", want: "1245319599"},
		{in: "1234567890", msg: check},
		{in: "123456789", msg: form},
		{in: "12345678933", msg: form},
		{in: "3234567893", msg: form},
		{in: "12345-67893", msg: form},
		{in: "12345678", msg: form}, // the seed's NCSBN ID is not an NPI
	}
	for _, tt := range tests {
		got, err := CheckNPI(FieldNPI, tt.in)
		if tt.msg == "" {
			if err != nil || got != tt.want {
				t.Errorf("CheckNPI(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
			continue
		}
		if msg := ruleFieldMessage(t, err, FieldNPI); msg != tt.msg {
			t.Errorf("CheckNPI(%q) message = %q, want %q", tt.in, msg, tt.msg)
		}
	}
}

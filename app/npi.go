package app

import "strings"

// ValidNPI reports whether v is a National Provider Identifier: 10 digits, the first 1
// or 2, the last a Luhn check digit computed over the first nine with the prefix 80840
// (the CMS rule, which makes the NPI a valid ISO 7812 card number).
func ValidNPI(v string) bool {
	if len(v) != 10 || (v[0] != '1' && v[0] != '2') || !allDigits(v) {
		return false
	}
	return luhnValid("80840" + v)
}

// CheckNPI checks an optional NPI and returns it without spaces.
func CheckNPI(field, v string) (string, error) {
	v = strings.Join(strings.Fields(v), "")
	switch {
	case v == "":
		return "", nil
	case len(v) != 10 || (v[0] != '1' && v[0] != '2') || !allDigits(v):
		return "", FieldError(field, "An NPI is 10 digits starting with 1 or 2.")
	case !ValidNPI(v):
		return "", FieldError(field, "An NPI is 10 digits starting with 1 or 2; the last digit of this one doesn't check out.")
	}
	return v, nil
}

// luhnValid reports whether the ASCII digit string s ends in a correct Luhn check digit.
func luhnValid(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

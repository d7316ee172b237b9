package app

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// phoneHelp is the message for a number that can't be read or isn't a real number.
const phoneHelp = "Enter a US phone number such as (212) 555-0123, or a number in another country starting with +."

// CheckPhone checks an optional phone number and returns it in E.164 form
// ("+12125550123"). A number without a country code is read as a US number. An empty
// field, or an input mask with no digits in it such as "( ) - -", gives "".
func CheckPhone(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	if strings.IndexFunc(v, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 &&
		strings.IndexFunc(v, isHiddenRune) < 0 {
		return "", nil
	}
	if len(v) > 40 || strings.IndexFunc(v, isHiddenRune) >= 0 {
		return "", FieldError(field, phoneHelp)
	}
	// libphonenumber would read letters as a keypad word ("555-FLOWERS") and an
	// extension would be dropped from E.164 without a word; refuse both rather than
	// keep a number other than the one typed.
	if strings.IndexFunc(v, unicode.IsLetter) >= 0 {
		if n, err := phonenumbers.Parse(v, "US"); err == nil && n.GetExtension() != "" {
			return "", FieldError(field, "Leave out the extension; StaffDesk keeps the phone number only.")
		}
		return "", FieldError(field, phoneHelp)
	}
	n, err := phonenumbers.Parse(v, "US")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", FieldError(field, phoneHelp)
	}
	if n.GetExtension() != "" {
		return "", FieldError(field, "Leave out the extension; StaffDesk keeps the phone number only.")
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// FormatPhone shows a stored E.164 number: US numbers as "(212) 555-0123", others in
// international form ("+44 20 7946 0958"). A value that can't be read is shown as it is.
func FormatPhone(e164 string) string {
	if e164 == "" {
		return ""
	}
	n, err := phonenumbers.Parse(e164, "US")
	if err != nil {
		return e164
	}
	if phonenumbers.GetRegionCodeForNumber(n) == "US" {
		return phonenumbers.Format(n, phonenumbers.NATIONAL)
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

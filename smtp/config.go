// Package smtp sends StaffDesk's account emails (activation, password reset, email
// change) to the practice's SMTP server.
//
// It builds each message itself (Build, folding the headers) and delivers it with its
// own client over a connection it dials itself: a deadline on every step, a bound on
// every reply, and one Session for a run of messages (net/smtp lends only its Auth).
// Failures come back as *SendError, which says whether trying again later can help and
// quotes the server's own words. The SMTP password never appears in an error, a log line
// or the String form of a Config.
//
// Package app must not import this package: smtp imports app for its error type. Nor
// must ui: the windows reach the mail server only through app's services.
package smtp

import (
	"crypto/x509"
	"maps"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// Security is how the connection to the mail server is protected.
type Security string

const (
	// SecurityStartTLS connects in plain text and then requires STARTTLS before
	// anything else is said; a server that does not offer it gets nothing. Port 587.
	SecurityStartTLS Security = "starttls"
	// SecurityTLS speaks TLS from the first byte ("TLS on connect"). Port 465.
	SecurityTLS Security = "tls"
	// SecurityNone sends everything, the password included, in plain text. Allowed
	// only for a mail server on this computer (localhost or a loopback IP).
	SecurityNone Security = "none"
)

// Label is the security setting as the settings window shows it.
func (s Security) Label() string {
	switch s {
	case SecurityStartTLS:
		return "STARTTLS (required)"
	case SecurityTLS:
		return "TLS on connect"
	case SecurityNone:
		return "None (this computer only)"
	}
	return string(s)
}

// DefaultTimeout is how long each step of a send may take when Config.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// Field names, used as keys of app.Error.Fields so that the settings window can put
// each message next to the field that caused it.
const (
	FieldURL         = "smtp_url"
	FieldHost        = "smtp_host"
	FieldPort        = "smtp_port"
	FieldSecurity    = "smtp_security"
	FieldUsername    = "smtp_username"
	FieldPassword    = "smtp_password"
	FieldFromName    = "smtp_from_name"
	FieldFromAddress = "smtp_from_address"
	FieldTestTo      = "smtp_test_to"
)

// Config is the practice's mail server settings.
type Config struct {
	Host     string
	Port     int
	Security Security
	// Username and Password sign in with AUTH PLAIN (or LOGIN when that is all the
	// server offers). An empty Username sends without signing in.
	Username string
	Password string
	// FromName and FromAddress make the From header and the envelope sender.
	FromName    string
	FromAddress string
	// Timeout bounds each step of a send (connect, greeting, each command, the
	// message itself); zero means DefaultTimeout.
	Timeout time.Duration
	// RootCAs verifies the server's certificate; nil means the system's roots. Tests
	// set it to trust a certificate they generated.
	RootCAs *x509.CertPool
}

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

func (c Config) addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// Validate checks every field and returns an app.Error (EINVALID) with a message per
// field, or nil. It never quotes the password.
func (c Config) Validate() error {
	var p app.Problems
	c.check(&p)
	return p.Err()
}

func (c Config) check(p *app.Problems) {
	switch {
	case c.Host == "":
		p.Add(FieldHost, "Enter the mail server's host name, like smtp.example.com.")
	case !validHost(c.Host):
		p.Add(FieldHost, "The host must be a name of letters, digits, dots and hyphens (like smtp.example.com) or an IP address.")
	}
	if c.Port < 1 || c.Port > 65535 {
		p.Add(FieldPort, "Enter a port from 1 to 65535 (usually 587 for STARTTLS or 465 for TLS on connect).")
	}
	switch c.Security {
	case SecurityStartTLS, SecurityTLS:
	case SecurityNone:
		if c.Host != "" && !isLoopback(c.Host) {
			p.Add(FieldSecurity, "Security \"none\" is allowed only for a mail server on this computer (localhost). Choose STARTTLS or TLS on connect.")
		}
	default:
		p.Add(FieldSecurity, "Choose STARTTLS, TLS on connect or none.")
	}
	switch {
	case hasControl(c.Username):
		p.Add(FieldUsername, "The user name must not contain line breaks or other control characters.")
	case c.Username == "" && c.Password != "":
		p.Add(FieldUsername, "Enter the user name that goes with the password.")
	}
	if strings.ContainsRune(c.Password, 0) {
		p.Add(FieldPassword, "The password contains a character that cannot be sent to a mail server.")
	}
	checkFrom(p, c)
}

// checkFrom checks what Build needs of the settings: the From name and address.
func checkFrom(p *app.Problems, c Config) {
	switch {
	case c.FromAddress == "":
		p.Add(FieldFromAddress, "Enter the address the emails are sent from, like office@example.com.")
	case !validAddress(c.FromAddress):
		p.Add(FieldFromAddress, "Enter the From address as a plain email address, like office@example.com.")
	}
	if msg := checkHeaderText("From name", c.FromName); msg != "" {
		p.Add(FieldFromName, msg)
	}
}

// validHost accepts an IP address or a DNS name in its ASCII form.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			b := label[i]
			if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-') {
				return false
			}
		}
	}
	return true
}

// isLoopback reports whether host names this computer, the only place a password may
// travel in plain text.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseURL reads the --smtp flag or STAFFDESK_SMTP form:
//
//	smtp://user@host:587?security=starttls&from=office@example.com&from_name=Front+Desk
//	smtps://user@host:465?from=office@example.com   (TLS on connect)
//
// The settings after ?: security (starttls, tls or none; smtps:// is always tls),
// from (the From address, required; "Front Desk <office@example.com>" sets the name
// too) and from_name. smtp:// defaults to port 587 and STARTTLS; smtps:// to port
// 465. The user name and a password, when the URL holds one, are percent-decoded.
// Errors are app.Errors that never quote any part of the URL: a password with an
// unencoded ?, # or / spills into what would otherwise be quoted.
func ParseURL(raw string) (Config, error) {
	bad := func(msg string) (Config, error) {
		return Config{}, app.FieldError(FieldURL, "%s", msg)
	}
	raw = strings.TrimSpace(raw)
	if unencodedInUserinfo(raw) {
		return bad("The user name or password in the SMTP URL has a character that ends the server part early: " + encodeHint + ".")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url's error quotes the whole URL, password and all: say what to do instead.
		return bad("The SMTP URL could not be read. Write it like smtp://user@smtp.example.com:587?from=office@example.com and " + encodeHint + ".")
	}
	var c Config
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		c.Security, c.Port = SecurityStartTLS, 587
	case "smtps":
		c.Security, c.Port = SecurityTLS, 465
	default:
		return bad("The SMTP URL must start with smtp:// (STARTTLS, port 587) or smtps:// (TLS on connect, port 465).")
	}
	if u.Opaque != "" || u.Host == "" {
		return bad("The SMTP URL has no server: write it like smtp://user:password@smtp.example.com:587.")
	}
	if (u.Path != "" && u.Path != "/") || u.Fragment != "" || u.RawFragment != "" {
		// Usually an unencoded / or # in the password; do not quote it.
		return bad("The SMTP URL has unexpected text after the server: " + encodeHint + ".")
	}
	c.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return bad("The port in the SMTP URL must be a number.")
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("The settings after ? in the SMTP URL could not be read; percent-encode special characters.")
	}
	for _, key := range slices.Sorted(maps.Keys(q)) {
		v := q.Get(key)
		switch key {
		case "security":
			s := Security(strings.ToLower(v))
			if u.Scheme == "smtps" && s != SecurityTLS {
				return bad("smtps:// always means TLS on connect; use smtp:// with security=starttls or security=none.")
			}
			c.Security = s
		case "from":
			a, err := mail.ParseAddress(v)
			if err != nil {
				return bad("The from= address in the SMTP URL is not a valid email address.")
			}
			c.FromAddress = a.Address
			if c.FromName == "" {
				c.FromName = a.Name
			}
		case "from_name":
			c.FromName = v
		default:
			// Not quoted: a setting's name may be a piece of a password.
			return bad("The SMTP URL has a setting after ? that StaffDesk does not know; the known ones are security, from and from_name.")
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// encodeHint says how to write the characters that a URL's user name and password
// cannot hold as they are.
const encodeHint = "percent-encode ? as %3F, # as %23, / as %2F, @ as %40, : as %3A and % as %25 in the user name and password"

// unencodedInUserinfo reports whether an unencoded ?, # or / in the user name or
// password ended the URL's server part before its @: then an @ follows in what would
// be read as the path, fragment or the first setting's name (an @ in a setting's
// value, from=office@example.com, comes after its =).
func unencodedInUserinfo(raw string) bool {
	_, rest, ok := strings.Cut(raw, "//")
	if !ok {
		return false
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		return false
	}
	after, _, _ := strings.Cut(rest[end:], "=")
	return strings.Contains(after, "@")
}

// Redacted is the settings as a URL with the password replaced by ***, for the log:
// smtp://user:***@smtp.example.com:587?security=starttls.
func (c Config) Redacted() string {
	var b strings.Builder
	if c.Security == SecurityTLS {
		b.WriteString("smtps://")
	} else {
		b.WriteString("smtp://")
	}
	if c.Username != "" {
		b.WriteString(url.User(c.Username).String())
		if c.Password != "" {
			b.WriteString(":***")
		}
		b.WriteString("@")
	}
	b.WriteString(c.addr())
	q := url.Values{}
	if c.Security != SecurityTLS {
		q.Set("security", string(c.Security))
	}
	if c.FromAddress != "" {
		q.Set("from", c.FromAddress)
	}
	if c.FromName != "" {
		q.Set("from_name", c.FromName)
	}
	if len(q) > 0 {
		b.WriteString("?" + q.Encode())
	}
	return b.String()
}

// String is Redacted, so that printing a Config by mistake cannot leak the password.
func (c Config) String() string { return c.Redacted() }

// GoString is Redacted too, for %#v.
func (c Config) GoString() string { return "smtp.Config(" + c.Redacted() + ")" }

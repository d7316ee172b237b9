package app

import (
	"errors"
	"net/url"
	"strings"
)

// StaffDesk links. The activation, password-reset and change-of-email emails carry a
// link such as staffdesk://activate?user=arivera&code=VXZM5-7AGBY; the installers
// register the staffdesk: scheme, so that opening the link starts StaffDesk (or hands
// the link to the one running) on the window for it with the username and code filled
// in. A link arrives from outside (any program can open any URL), so it is read
// strictly: one form, nothing else, and a link that is not exactly that form is
// refused with one message and changes nothing. Opening a link never does the action
// itself: it only fills in the window, and the person confirms.

// LinkScheme is the URL scheme the installers register.
const LinkScheme = "staffdesk"

// MaxLinkLength bounds a link in bytes; the longest link StaffDesk writes is under 100.
const MaxLinkLength = 512

// LinkAction is what a link opens: the host part of the link.
type LinkAction string

const (
	LinkActivate      LinkAction = "activate"       // Activate Account
	LinkResetPassword LinkAction = "reset-password" // Set a New Password
	LinkConfirmEmail  LinkAction = "confirm-email"  // Confirm New Email
)

// LinkActions are the actions a link may name.
var LinkActions = []LinkAction{LinkActivate, LinkResetPassword, LinkConfirmEmail}

// CodeKind is the kind of code a link of this action carries.
func (a LinkAction) CodeKind() CodeKind {
	switch a {
	case LinkActivate:
		return CodeActivation
	case LinkResetPassword:
		return CodePasswordReset
	case LinkConfirmEmail:
		return CodeEmailChange
	}
	return ""
}

func (a LinkAction) known() bool { return a.CodeKind() != "" }

// The link's query keys.
const (
	linkKeyUser = "user"
	linkKeyCode = "code"
)

// Link is a StaffDesk link as read by ParseLink. Code is the one-time code, so a Link
// is a secret: its String names only the action and the username.
type Link struct {
	Action   LinkAction
	Username string // as CheckUsername accepts it
	Code     string // grouped for reading: "VXZM5-7AGBY"
}

// String names the link without its code, for a log line.
func (l Link) String() string { return string(l.Action) + " link for " + l.Username }

// GoString is String: %#v must not print the code either.
func (l Link) GoString() string { return l.String() }

// URL is the link as the emails write it.
func (l Link) URL() (string, error) { return BuildLink(l.Action, l.Username, l.Code) }

// LinkProblem is why a link was refused, for the log. It never quotes the link, which
// may hold a code.
type LinkProblem string

const (
	LinkTooLong       LinkProblem = "longer than 512 bytes"
	LinkBadCharacter  LinkProblem = "a space, control or non-ASCII character"
	LinkNotStaffDesk  LinkProblem = "not a staffdesk:// link"
	LinkUnknownAction LinkProblem = "an action StaffDesk does not know"
	LinkUserInfo      LinkProblem = "a user name or password before the action"
	LinkPort          LinkProblem = "a port after the action"
	LinkPath          LinkProblem = "a path after the action"
	LinkFragment      LinkProblem = "a # fragment"
	LinkBadQuery      LinkProblem = "a query that is not exactly user=…&code=…"
	LinkBadUsername   LinkProblem = "a username StaffDesk would not accept"
	LinkBadCode       LinkProblem = "a code that cannot be a StaffDesk code"
)

// LinkError is the Err of the error ParseLink returns.
type LinkError struct{ Problem LinkProblem }

func (e *LinkError) Error() string { return "staffdesk link refused: " + string(e.Problem) }

// LinkProblemOf returns why err refused a link, or "" when err is not such a refusal.
func LinkProblemOf(err error) LinkProblem {
	var le *LinkError
	if errors.As(err, &le) {
		return le.Problem
	}
	return ""
}

// linkRefused is the error for a link that cannot be opened: one message for every
// reason, since the person can do nothing about which it was.
func linkRefused(p LinkProblem) error {
	return &Error{Code: EINVALID, Err: &LinkError{Problem: p},
		Message: "This link is not a StaffDesk link it can open. Open StaffDesk and type the username and code from the email instead."}
}

// ParseLink reads a StaffDesk link. It accepts exactly
//
//	staffdesk://ACTION?user=USERNAME&code=CODE
//
// with the scheme and ACTION in any ASCII case, an optional "/" before the "?", user
// and code once each in either order (their values may be percent-encoded), a username
// CheckUsername accepts unchanged and a code NormalizeCode accepts; nothing else:
// no user name or port before or after the action, no other path, no fragment, no
// other key, no empty or repeated key, no space, control or non-ASCII character, at
// most MaxLinkLength bytes. Any other input returns an EINVALID Error whose Message is
// for the person and whose LinkProblemOf says why, for the log.
func ParseLink(raw string) (Link, error) {
	if len(raw) > MaxLinkLength {
		return Link{}, linkRefused(LinkTooLong)
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c >= 0x7f {
			return Link{}, linkRefused(LinkBadCharacter)
		}
	}
	const prefix = LinkScheme + "://"
	if len(raw) < len(prefix) || !strings.EqualFold(raw[:len(prefix)], prefix) {
		return Link{}, linkRefused(LinkNotStaffDesk)
	}
	rest := raw[len(prefix):]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority := rest[:end]
	switch {
	case strings.Contains(authority, "@"):
		return Link{}, linkRefused(LinkUserInfo)
	case strings.Contains(authority, ":"):
		return Link{}, linkRefused(LinkPort)
	}
	action := LinkAction(strings.ToLower(authority)) // ToLower: authority is ASCII
	if !action.known() {
		return Link{}, linkRefused(LinkUnknownAction)
	}
	rest = strings.TrimPrefix(rest[end:], "/")
	switch {
	case strings.Contains(rest, "#"):
		return Link{}, linkRefused(LinkFragment)
	case !strings.HasPrefix(rest, "?"):
		if rest == "" {
			return Link{}, linkRefused(LinkBadQuery)
		}
		return Link{}, linkRefused(LinkPath)
	}
	values := map[string]string{}
	for _, pair := range strings.Split(rest[1:], "&") {
		key, value, ok := strings.Cut(pair, "=")
		if !ok || (key != linkKeyUser && key != linkKeyCode) {
			return Link{}, linkRefused(LinkBadQuery)
		}
		if _, seen := values[key]; seen {
			return Link{}, linkRefused(LinkBadQuery)
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			return Link{}, linkRefused(LinkBadQuery)
		}
		values[key] = v
	}
	if len(values) != 2 {
		return Link{}, linkRefused(LinkBadQuery)
	}
	username, ok := linkUsername(values[linkKeyUser])
	if !ok {
		return Link{}, linkRefused(LinkBadUsername)
	}
	code, ok := linkCode(values[linkKeyCode])
	if !ok {
		return Link{}, linkRefused(LinkBadCode)
	}
	return Link{Action: action, Username: username, Code: code}, nil
}

// BuildLink writes the link that opens action for username with code. It refuses what
// ParseLink would refuse, so that every link an email carries opens.
func BuildLink(action LinkAction, username, code string) (string, error) {
	if !action.known() {
		return "", linkRefused(LinkUnknownAction)
	}
	u, ok := linkUsername(username)
	if !ok {
		return "", linkRefused(LinkBadUsername)
	}
	c, ok := linkCode(code)
	if !ok {
		return "", linkRefused(LinkBadCode)
	}
	return linkURL(action, u, c), nil
}

// linkURL writes the link without checking what goes in: the copy of an email kept for
// the Outbox window carries the masked code.
func linkURL(action LinkAction, username, code string) string {
	return LinkScheme + "://" + string(action) + "?" + linkKeyUser + "=" + url.QueryEscape(username) +
		"&" + linkKeyCode + "=" + code
}

// linkUsername returns u when CheckUsername accepts it unchanged.
func linkUsername(u string) (string, bool) {
	checked, err := CheckUsername(u)
	if err != nil || checked != u || UsernameKey(u) == "" {
		return "", false
	}
	return u, true
}

// linkCode returns the code grouped for reading, when NormalizeCode accepts it.
func linkCode(c string) (string, bool) {
	n, ok := NormalizeCode(c)
	if !ok {
		return "", false
	}
	return n[:codeLength/2] + "-" + n[codeLength/2:], true
}

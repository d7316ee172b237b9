package app

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. The person sees an Error's Message; the log gets Error() with the detail.
const (
	EINVALID   = "invalid"   // input breaks a rule; Fields says which
	ECONFLICT  = "conflict"  // a uniqueness rule or a stale state
	ENOTFOUND  = "not_found" // the thing asked for does not exist
	EFORBIDDEN = "forbidden" // the actor may not do this
	EINTERNAL  = "internal"  // a fault of ours or of the machine
)

// Error is the one error type of the domain. Message is written for the person at the
// desk; Fields maps a field name (the Field* constants) to the message shown next to it;
// Err keeps the low-level cause for the log.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" [")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			if e.Fields[k] == e.Message {
				b.WriteString(k) // the message is already there: only say where it belongs
			} else {
				b.WriteString(k + ": " + e.Fields[k])
			}
		}
		b.WriteString("]")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and human message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps a low-level failure: the person is told something went wrong, the
// log gets the cause. what says what was being done, in the person's words.
func Internal(what string, err error) *Error {
	return &Error{Code: EINTERNAL, Message: "Could not " + what + ". The details are in the log.", Err: err}
}

// FieldError returns an EINVALID error about one field.
func FieldError(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

// ConflictError returns an ECONFLICT error about one field (a uniqueness rule).
func ConflictError(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: ECONFLICT, Message: msg, Fields: map[string]string{field: msg}}
}

// ErrorCode returns the code of an app Error in err's chain, EINTERNAL for any other
// error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message for err.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong. The details are in the log."
}

// ErrorFields returns the per-field messages carried by err, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects field messages while a form is validated.
type Problems struct {
	fields map[string]string
	order  []string
}

// Add records msg for field unless the field already has a message.
func (p *Problems) Add(field, msg string) {
	if p.fields == nil {
		p.fields = map[string]string{}
	}
	if _, ok := p.fields[field]; ok {
		return
	}
	p.fields[field] = msg
	p.order = append(p.order, field)
}

// AddErr records the field messages of err (or its message under field).
func (p *Problems) AddErr(field string, err error) {
	if err == nil {
		return
	}
	if fs := ErrorFields(err); len(fs) > 0 {
		for f, m := range fs {
			p.Add(f, m)
		}
		return
	}
	p.Add(field, ErrorMessage(err))
}

// Has reports whether field has a problem.
func (p *Problems) Has(field string) bool { _, ok := p.fields[field]; return ok }

// Err returns nil when nothing was added, otherwise an EINVALID Error whose Message
// names the first problem.
func (p *Problems) Err() error {
	if len(p.fields) == 0 {
		return nil
	}
	msg := p.fields[p.order[0]]
	if n := len(p.order); n > 1 {
		msg = fmt.Sprintf("%s (and %d more problem%s)", msg, n-1, plural(n-1))
	}
	return &Error{Code: EINVALID, Message: msg, Fields: p.fields}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

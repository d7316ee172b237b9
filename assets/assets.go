// Package assets holds the files StaffDesk embeds: its icon and its email templates
// (mail.go).
package assets

import _ "embed"

// Icon is the application icon, 512×512 PNG.
//
//go:embed icon.png
var Icon []byte

package data

import (
	"fmt"

	"github.com/staffdesk/staffdesk/app"
)

var _ app.SettingsTx = (*Tx)(nil)

// Settings returns every setting whose key starts with prefix.
func (tx *Tx) Settings(prefix string) (map[string]string, error) {
	// substr rather than LIKE: a prefix holding _ or % must match only itself.
	rows, err := tx.query(`SELECT key, value FROM settings WHERE substr(key, 1, ?) = ?`, len(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("load the settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("load the settings: %w", err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load the settings: %w", err)
	}
	return out, nil
}

// SetSetting sets key to value; "" removes the setting.
func (tx *Tx) SetSetting(key, value string) error {
	var err error
	if value == "" {
		_, err = tx.exec(`DELETE FROM settings WHERE key = ?`, key)
	} else {
		_, err = tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	}
	if err != nil {
		return fmt.Errorf("save the settings: %w", err)
	}
	return nil
}

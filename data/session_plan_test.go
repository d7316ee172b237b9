package data

import (
	"path/filepath"
	"strings"
	"testing"
)

// The sign-in queries and the grid's read of offices go through their indexes: an
// account's live sessions through sessions_live, in its order; staff_offices in the
// order of its key, without a temporary sort of 100,000 rows.
func TestSignIn_QueriesUseTheirIndexes(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "staffdesk.db"), nullSealer{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan := func(query string, args ...any) string {
		t.Helper()
		rows, err := db.read.Query("EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out = append(out, detail)
		}
		return strings.Join(out, "; ")
	}
	for _, tc := range []struct {
		query string
		args  []any
		want  string
	}{
		{liveSessionsQuery, []any{1}, "USING INDEX sessions_live"},
		{endSessionsQuery, []any{1, "x", 1, 0}, "USING INDEX sessions_live"},
		{staffOfficesQuery, nil, "SCAN staff_offices"},
		{staffOfficesOfQuery(3), []any{1, 2, 3}, "SEARCH staff_offices USING PRIMARY KEY (staff_id=?)"},
		{countByStatusQuery, nil, "USING COVERING INDEX staff_status"},
	} {
		if p := plan(tc.query, tc.args...); !strings.Contains(p, tc.want) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s\nplan: %s\nwant %q and no temporary sort", tc.query, p, tc.want)
		}
	}
}

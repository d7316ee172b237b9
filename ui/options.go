package ui

import "fmt"

// options maps a drop-down's labels to the records they stand for.
type options struct {
	labels []string
	ids    []int64
	active int // how many of them are active
}

// add appends a record. Inactive ones say so; a label already taken gets a number so
// that two providers of the same name stay distinguishable.
func (o *options) add(id int64, label string, active bool) {
	if !active {
		label += inactiveSuffix
	} else {
		o.active++
	}
	base := label
	for n := 2; o.has(label); n++ {
		label = fmt.Sprintf("%s (%d)", base, n)
	}
	o.labels = append(o.labels, label)
	o.ids = append(o.ids, id)
}

func (o *options) has(label string) bool {
	for _, l := range o.labels {
		if l == label {
			return true
		}
	}
	return false
}

func (o *options) anyActive() bool { return o.active > 0 }

// id returns the record at index i of the list, 0 for none.
func (o *options) id(i int) int64 {
	if i < 0 || i >= len(o.ids) {
		return 0
	}
	return o.ids[i]
}

func (o *options) index(id int64) int {
	for i, v := range o.ids {
		if v == id {
			return i
		}
	}
	return -1
}

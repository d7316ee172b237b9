//go:build race

package ui

// raceEnabled: the tests run under the race detector, where a sync.Pool drops what is
// put in it at random (Fyne's table pools its cells in one).
const raceEnabled = true

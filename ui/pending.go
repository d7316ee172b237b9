package ui

// Scaffolding while three engineers write the windows at once: each definition below is
// deleted by its owner when the real one lands in the owner's file. This file must be
// gone before the work is committed.

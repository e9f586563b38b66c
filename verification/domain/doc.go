// Package domain is the finite abstraction every dynamic verification level
// explores: bounded values for counters, ints and lists, strings abstracted
// by the literals the spec compares them with, parameter instantiations per
// action, and the initial states (one per combination of free inputs). It
// reads the parsed expressions a specengine.Table keeps; it evaluates
// nothing itself: L1, L2 and L3 run the table's own Apply over these values.
package domain

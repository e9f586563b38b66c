// Package report holds the result types every verification level returns
// and the cascade renders: findings with severities, counterexample traces
// with states, statistics, as JSON and as readable text. It is a leaf
// package so the levels and the cascade share it without import cycles.
package report

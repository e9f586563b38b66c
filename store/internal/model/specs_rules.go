package model

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// What the backends share about spec versions and deploys, so both refuse
// the same records: PostgreSQL text cannot hold a NUL or invalid UTF-8,
// and its json columns refuse what is not JSON, so the rules are checked
// here before either backend sees the record.

// Check reports what makes a spec version unstorable.
func (v *SpecVersion) Check() error {
	if v.App == "" || v.Version == "" {
		return fmt.Errorf("spec version %s@%s: app and version are required", v.App, v.Version)
	}
	for name := range v.Files {
		if name == "" || !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
			return fmt.Errorf("spec version %s@%s: file name %q is empty, not UTF-8 or holds a NUL", v.App, v.Version, name)
		}
	}
	if err := checkReport(v.Report); err != nil {
		return fmt.Errorf("spec version %s@%s: %w", v.App, v.Version, err)
	}
	return nil
}

// Check reports what makes a deploy record unstorable.
func (d *Deploy) Check() error {
	if d.ID == "" || d.App == "" || d.Kind == "" {
		return fmt.Errorf("deploy %q: id, app and kind are required", d.ID)
	}
	switch d.Status {
	case DeployRunning, DeploySucceeded, DeployFailed:
	default:
		return fmt.Errorf("deploy %q: unknown status %q", d.ID, d.Status)
	}
	if err := checkReport(d.Report); err != nil {
		return fmt.Errorf("deploy %q: %w", d.ID, err)
	}
	return nil
}

// checkReport accepts no report, or one JSON value in UTF-8.
func checkReport(r json.RawMessage) error {
	if len(r) > 0 && (!json.Valid(r) || !utf8.Valid(r)) {
		return fmt.Errorf("report is not UTF-8 JSON")
	}
	return nil
}

// FileContent is what a backend stores for a file's content: never nil,
// so an empty file stays an empty file (a nil slice would be NULL).
func FileContent(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

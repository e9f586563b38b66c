// Package gate authorizes the dispatches the system makes by itself —
// timers now, reactions and integration callbacks as they come — through
// Cedar, as their named service principal (Service::"timer"), in a local
// activity of the entity workflow. There is no bypass: a service
// principal is allowed only what the app's policies permit it, and a
// refused dispatch is recorded as a denied trajectory.
//
// Each check builds the app's policy set afresh from the spec bundle the
// entity runs and the policies stored for the app, so policy changes made
// through the gateway apply to the worker's next dispatch without a
// restart.
package gate

// Package authz mediates every call through Cedar
// (github.com/cedar-policy/cedar-go). Each app has a policy set built from
// the system policies, the app bundle's *.cedar files and the policies
// stored for the app (written by admins or generated from approved
// decisions); sets are immutable snapshots swapped in whole when an app's
// policies change (cedar-go's PolicySet is not safe for concurrent
// mutation), so a reload takes effect for the next request without a
// restart.
//
// The default is deny. A deny caused by a forbid is final; a deny for lack
// of a permit is something a human can approve: Approval turns a decision
// into a permit policy built with cedar-go's AST at the narrow, medium or
// broad scope. ReadFilter turns the read policies of a principal into a
// filter on the projection by partial evaluation, so lists show what the
// principal may read without breaking paging or counts.
package authz

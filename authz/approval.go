package authz

import (
	"fmt"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/ast"
	"github.com/cedar-policy/cedar-go/types"

	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// Approval scopes.
const (
	// Narrow: this principal, this action, this resource.
	Narrow = "narrow"
	// Medium: this principal, this action, any resource of the type.
	Medium = "medium"
	// Broad: this principal, every action on the type.
	Broad = "broad"
)

// Approval builds the permit policy that approving d at scope grants,
// with cedar-go's AST (never by pasting strings), annotated with the
// decision id. A decision without a resource id (a type-level request such
// as create) has no narrower scope than medium, so narrow grants medium.
func Approval(d store.Decision, scope string) (store.Policy, error) {
	p, err := identity.Parse(d.Principal)
	if err != nil {
		return store.Policy{}, fmt.Errorf("decision %s: %w", d.ID, err)
	}
	id := "decision-" + d.ID
	pol := ast.Annotation("id", types.String(id)).
		Annotation("decision", types.String(d.ID)).
		Annotation("scope", types.String(scope)).
		Permit().
		PrincipalEq(principalUID(p))
	action := UID("Action", d.Action)
	switch {
	case scope == Narrow && d.ResourceID != "":
		pol = pol.ActionEq(action).ResourceEq(UID(d.ResourceType, d.ResourceID))
	case scope == Narrow || scope == Medium:
		pol = pol.ActionEq(action).ResourceIs(types.EntityType(d.ResourceType))
	case scope == Broad:
		pol = pol.ResourceIs(types.EntityType(d.ResourceType))
	default:
		return store.Policy{}, fmt.Errorf("scope %q: want narrow, medium or broad", scope)
	}
	text := cedar.NewPolicyFromAST(pol).MarshalCedar()
	return store.Policy{App: d.App, ID: id, Text: string(text), DecisionID: d.ID}, nil
}

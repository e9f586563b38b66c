package specengine

import (
	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/specengine/ioa"
)

// derivedNamespace is the CSDL namespace of a derived model.
const derivedNamespace = "Temper"

// deriveModel builds a CSDL model for a bundle that ships none: per spec an
// entity type keyed by id (status, every state variable and every action
// parameter as a nullable property), a bound action per invocable action,
// and an entity set named by the plural of the type.
func deriveModel(specs []*ioa.Spec) *csdl.Model {
	f := false
	sch := &csdl.Schema{Namespace: derivedNamespace}
	cont := &csdl.EntityContainer{Name: "Container"}
	for _, s := range specs {
		name := s.Automaton.Name
		et := &csdl.EntityType{Name: name, Key: []*csdl.PropertyRef{{Name: "id"}}}
		et.Properties = append(et.Properties,
			&csdl.Property{Name: "id", Type: "Edm.String", Nullable: &f},
			&csdl.Property{Name: "status", Type: "Edm.String", Nullable: &f})
		seen := map[string]bool{"id": true, "status": true}
		add := func(n string, t expr.Type) {
			if seen[n] {
				return
			}
			seen[n] = true
			et.Properties = append(et.Properties, &csdl.Property{Name: n, Type: EdmType(t)})
		}
		for _, v := range s.Vars {
			add(v.Name, v.Type)
		}
		for _, a := range s.Actions {
			if a.Event {
				continue
			}
			act := &csdl.Action{Name: a.Name, IsBound: true}
			act.Parameters = append(act.Parameters, &csdl.Parameter{Name: "bindingParameter", Type: derivedNamespace + "." + name})
			for _, p := range a.Params {
				add(p.Name, p.Type)
				act.Parameters = append(act.Parameters, &csdl.Parameter{Name: p.Name, Type: EdmType(p.Type)})
			}
			act.ReturnType = &csdl.ReturnType{Type: derivedNamespace + "." + name}
			sch.Actions = append(sch.Actions, act)
		}
		sch.EntityTypes = append(sch.EntityTypes, et)
		cont.EntitySets = append(cont.EntitySets, &csdl.EntitySet{Name: plural(name), EntityType: derivedNamespace + "." + name})
	}
	sch.EntityContainer = cont
	return &csdl.Model{Version: "4.0", Schemas: []*csdl.Schema{sch}}
}

// EdmType is the CSDL type of a spec variable or parameter type; the
// derived model and the gateway's store schema both use it.
func EdmType(t expr.Type) string {
	switch t {
	case expr.TBool:
		return "Edm.Boolean"
	case expr.TInt, expr.TCounter:
		return "Edm.Int64"
	case expr.TFloat:
		return "Edm.Double"
	case expr.TList:
		return "Collection(Edm.String)"
	case expr.TAny:
		return "Edm.Untyped" // an untyped parameter: its use decides
	}
	return "Edm.String"
}

package api

import (
	"fmt"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/csdl"
)

// The $metadata document is the app's CSDL with what the runtime adds to
// it: which properties clients cannot write. status and state variables
// change only through actions, so a field update (PATCH, PUT) ignores
// them, as OData 4.01 §11.4.3 requires of non-updatable properties, and
// the document says so with the Core vocabulary:
//
//   - Core.Computed: status, and state variables with an initial value (a
//     create ignores them too);
//   - Core.Immutable: state variables without one, the inputs a create
//     body sets;
//   - Core.ODataVersions on the schema of the entity container: the
//     protocol versions the service speaks.

// coreVocabulary is the Core vocabulary's namespace and reference URI.
const (
	coreNamespace = "Org.OData.Core.V1"
	coreURI       = "https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml"
)

// metadataDocument is the CSDL XML of b, annotated.
func metadataDocument(b *specengine.Bundle) ([]byte, error) {
	raw, err := b.Model.Marshal()
	if err != nil {
		return nil, fmt.Errorf("marshal model: %w", err)
	}
	// A copy to annotate: the bundle's model is shared and immutable.
	m, err := csdl.Parse("$metadata", raw)
	if err != nil {
		return nil, fmt.Errorf("copy model: %w", err)
	}
	core := coreQualifier(m)
	for _, t := range b.TableList {
		et := m.EntityType(t.Namespace + "." + t.Entity)
		if et == nil {
			continue
		}
		for _, p := range et.Properties {
			term := ""
			switch i, ok := t.SlotIndex(p.Name); {
			case p.Name == "status":
				term = "Computed"
			case !ok || t.Vars[i].Field:
			case t.Vars[i].Initial != nil:
				term = "Computed"
			default:
				term = "Immutable"
			}
			if term != "" && !hasTerm(p.Annotations, core, term) {
				p.Annotations = append(p.Annotations, &csdl.Annotation{Term: core + "." + term})
			}
		}
	}
	for _, s := range m.Schemas {
		if s.EntityContainer != nil && !hasTerm(s.Annotations, core, "ODataVersions") {
			s.Annotations = append(s.Annotations, &csdl.Annotation{Term: core + ".ODataVersions",
				Value: &csdl.Expr{Kind: "String", Inline: true, Value: "4.0 4.01"}})
		}
	}
	return m.Marshal()
}

// coreQualifier is how m names the Core vocabulary: the alias of its
// include, or a new reference with the alias Core (or the namespace, when
// Core names something else).
func coreQualifier(m *csdl.Model) string {
	for _, r := range m.References {
		for _, inc := range r.Includes {
			if inc.Namespace == coreNamespace {
				if inc.Alias != "" {
					return inc.Alias
				}
				return coreNamespace
			}
		}
	}
	alias := "Core"
	for _, s := range m.Schemas {
		if s.Namespace == alias || s.Alias == alias {
			alias = ""
		}
	}
	for _, r := range m.References {
		for _, inc := range r.Includes {
			if inc.Namespace == alias || inc.Alias == alias {
				alias = ""
			}
		}
	}
	m.References = append(m.References, &csdl.Reference{URI: coreURI, Includes: []*csdl.Include{{Namespace: coreNamespace, Alias: alias}}})
	if alias == "" {
		return coreNamespace
	}
	return alias
}

func hasTerm(anns []*csdl.Annotation, core, term string) bool {
	for _, a := range anns {
		if a.Term == core+"."+term || a.Term == coreNamespace+"."+term {
			return true
		}
	}
	return false
}

package csdl_test

import (
	"fmt"

	"github.com/temperhq/temper/specengine/csdl"
)

const exampleDoc = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Temper" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Knowledge">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="links" Type="Edm.Int32"/>
      </EntityType>
      <Action Name="Link" IsBound="true">
        <Parameter Name="bindingParameter" Type="Temper.Knowledge"/>
        <Parameter Name="related" Type="Collection(Edm.String)"/>
      </Action>
      <Action Name="Purge" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(Temper.Knowledge)"/>
      </Action>
      <EntityContainer Name="Container">
        <EntitySet Name="KnowledgeEntries" EntityType="Temper.Knowledge"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`

func ExampleParse() {
	m, err := csdl.Parse("model.csdl.xml", []byte(exampleDoc))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("namespace:", m.Namespace())
	et := m.EntityType("Temper.Knowledge")
	for _, ref := range m.KeyOf(et) {
		fmt.Println("key:", ref.Name)
	}
	for _, es := range m.EntitySetsOf("Temper.Knowledge") {
		fmt.Println("entity set:", es.Name)
	}
	for _, b := range m.BoundActions("Temper.Knowledge") {
		fmt.Printf("bound action: %s (collection %v)\n", b.Action.Name, b.Collection)
	}
	t, _ := m.ResolveType(m.Property(et, "links").Type)
	fmt.Println("links:", t.Kind, t.Name)
	// Output:
	// namespace: Temper
	// key: id
	// entity set: KnowledgeEntries
	// bound action: Link (collection false)
	// bound action: Purge (collection true)
	// links: primitive type Edm.Int32
}

func ExampleParse_errors() {
	const doc = `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="Temper" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="Task">
  <Key><PropertyRef Name="id"/></Key>
  <Property Name="id" Type="Edm.String" Nulable="false"/>
  <Property Name="due" Type="Edm.DateTime"/>
</EntityType>
</Schema>
</edmx:DataServices>
</edmx:Edmx>`
	_, err := csdl.Parse("model.csdl.xml", []byte(doc))
	fmt.Println(err)
	// Output:
	// model.csdl.xml:5:8: key property id of entity type Task must have Nullable="false"
	// model.csdl.xml:6:41: unknown attribute Nulable on <Property>; did you mean Nullable?
	// model.csdl.xml:7:3: unknown type Edm.DateTime of property due; did you mean Edm.DateTimeOffset?
}

func ExampleModel_Marshal() {
	m := &csdl.Model{Schemas: []*csdl.Schema{{
		Namespace: "Temper",
		EntityTypes: []*csdl.EntityType{{
			Name: "Note",
			Key:  []*csdl.PropertyRef{{Name: "id"}},
			Properties: []*csdl.Property{
				{Name: "id", Type: "Edm.String", Nullable: new(false)},
				{Name: "body", Type: "Edm.String"},
			},
		}},
		EntityContainer: &csdl.EntityContainer{
			Name:       "Container",
			EntitySets: []*csdl.EntitySet{{Name: "Notes", EntityType: "Temper.Note"}},
		},
	}}}
	if err := m.Check(); err != nil {
		fmt.Println(err)
		return
	}
	out, err := m.Marshal()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// <?xml version="1.0" encoding="utf-8"?>
	// <edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
	//   <edmx:DataServices>
	//     <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Temper">
	//       <EntityType Name="Note">
	//         <Key>
	//           <PropertyRef Name="id"/>
	//         </Key>
	//         <Property Name="id" Type="Edm.String" Nullable="false"/>
	//         <Property Name="body" Type="Edm.String"/>
	//       </EntityType>
	//       <EntityContainer Name="Container">
	//         <EntitySet Name="Notes" EntityType="Temper.Note"/>
	//       </EntityContainer>
	//     </Schema>
	//   </edmx:DataServices>
	// </edmx:Edmx>
}

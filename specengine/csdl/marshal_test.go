package csdl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/specengine/diag"
)

// builtModel is a model written as struct literals, the way code derives a
// CSDL for a bundle that ships none.
func builtModel() *csdl.Model {
	return &csdl.Model{
		Schemas: []*csdl.Schema{{
			Namespace: "Temper",
			EntityTypes: []*csdl.EntityType{{
				Name: "Ticket",
				Key:  []*csdl.PropertyRef{{Name: "id"}},
				Properties: []*csdl.Property{
					{Name: "id", Type: "Edm.String", Nullable: new(false)},
					{Name: "status", Type: "Edm.String", Nullable: new(false), DefaultValue: new("Open")},
					{Name: "tags", Type: "Collection(Edm.String)"},
				},
				Annotations: []*csdl.Annotation{{
					Term:  "Temper.Vocab.StateMachine.States",
					Value: &csdl.Expr{Kind: "Collection", Operands: []*csdl.Expr{{Kind: "String", Value: "Open"}, {Kind: "String", Value: "Closed"}}},
				}, {
					Term:  "Temper.Vocab.StateMachine.InitialState",
					Value: &csdl.Expr{Kind: "String", Inline: true, Value: "Open"},
				}},
			}},
			Actions: []*csdl.Action{{
				Name:    "Close",
				IsBound: true,
				Parameters: []*csdl.Parameter{
					{Name: "bindingParameter", Type: "Temper.Ticket"},
					{Name: "reason", Type: "Edm.String"},
				},
				ReturnType: &csdl.ReturnType{Type: "Temper.Ticket"},
			}},
			EntityContainer: &csdl.EntityContainer{
				Name:       "Service",
				EntitySets: []*csdl.EntitySet{{Name: "Tickets", EntityType: "Temper.Ticket"}},
			},
		}},
	}
}

const builtXML = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Temper">
      <EntityType Name="Ticket">
        <Key>
          <PropertyRef Name="id"/>
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="status" Type="Edm.String" Nullable="false" DefaultValue="Open"/>
        <Property Name="tags" Type="Collection(Edm.String)"/>
        <Annotation Term="Temper.Vocab.StateMachine.States">
          <Collection>
            <String>Open</String>
            <String>Closed</String>
          </Collection>
        </Annotation>
        <Annotation Term="Temper.Vocab.StateMachine.InitialState" String="Open"/>
      </EntityType>
      <Action Name="Close" IsBound="true">
        <Parameter Name="bindingParameter" Type="Temper.Ticket"/>
        <Parameter Name="reason" Type="Edm.String"/>
        <ReturnType Type="Temper.Ticket"/>
      </Action>
      <EntityContainer Name="Service">
        <EntitySet Name="Tickets" EntityType="Temper.Ticket"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`

func TestMarshalBuiltModel(t *testing.T) {
	t.Parallel()
	m := builtModel()
	if err := m.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	out, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != builtXML {
		t.Errorf("Marshal:\n%s\nwant:\n%s", out, builtXML)
	}
	assertRoundTrip(t, m)
	if got := m.BoundActions("Temper.Ticket"); len(got) != 1 || got[0].Action.Name != "Close" {
		t.Errorf("BoundActions of the built model = %v", got)
	}
}

func TestMarshalEscapes(t *testing.T) {
	t.Parallel()
	m := builtModel()
	m.Schemas[0].EntityTypes[0].Annotations = append(m.Schemas[0].EntityTypes[0].Annotations,
		&csdl.Annotation{Term: "Core.Description", Value: &csdl.Expr{Kind: "String", Inline: true, Value: "a\tb\nc\rd \"<&>'"}},
		&csdl.Annotation{Term: "Core.LongDescription", Value: &csdl.Expr{Kind: "String", Value: " x\r\n\ty <&> \"q\" "}},
	)
	out, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`String="a&#x9;b&#xA;c&#xD;d &quot;&lt;&amp;&gt;'"`,
		"<String> x&#xD;\n\ty &lt;&amp;&gt; \"q\" </String>",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	assertRoundTrip(t, m)
}

func TestMarshalRejectsUnrepresentable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		edit func(m *csdl.Model)
		want string
	}{
		{func(m *csdl.Model) { m.Schemas[0].EntityTypes[0].Name = "T\x00" },
			"marshal csdl: attribute Name of <EntityType> holds character U+0000, which XML cannot represent"},
		{func(m *csdl.Model) { m.Schemas[0].Namespace = "T\xff" },
			"marshal csdl: attribute Namespace of <Schema> holds invalid UTF-8, which XML cannot represent"},
		{func(m *csdl.Model) {
			m.Schemas[0].EntityTypes[0].Annotations[0].Value.Operands[0].Value = "\uFFFE"
		}, "marshal csdl: text of <String> holds character U+FFFE, which XML cannot represent"},
	} {
		m := builtModel()
		tc.edit(m)
		if _, err := m.Marshal(); err == nil || err.Error() != tc.want {
			t.Errorf("Marshal error = %v, want %s", err, tc.want)
		}
	}
	// U+FFFD itself is a valid character and must pass.
	m := builtModel()
	m.Schemas[0].EntityTypes[0].Annotations[1].Value.Value = "\uFFFD"
	if _, err := m.Marshal(); err != nil {
		t.Errorf("Marshal of U+FFFD: %v", err)
	}
}

func TestCheckBuiltModel(t *testing.T) {
	t.Parallel()
	m := builtModel()
	s := m.Schemas[0]
	s.EnumTypes = []*csdl.EnumType{{Name: "E", UnderlyingType: "Edm.String", Members: []*csdl.Member{{Name: "a"}}}}
	s.EntityTypes[0].Properties[0].Nullable = nil
	s.EntityContainer.EntitySets[0].EntityType = "Temper.Tickets"
	err := m.Check()
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Fatalf("Check = %v, want a *diag.Error", err)
	}
	want := "-: key property id of entity type Ticket must have Nullable=\"false\"\n" +
		"-: invalid UnderlyingType Edm.String of enum type E\n" +
		"-: unknown entity type Temper.Tickets of entity set Tickets; did you mean Temper.Ticket?"
	if err.Error() != want {
		t.Errorf("Check:\n%v\nwant:\n%s", err, want)
	}
}

func TestMarshalDefaults(t *testing.T) {
	t.Parallel()
	// Explicit defaults that the writer leaves out come back as defaults.
	doc := header + `<EntityType Name="A" Abstract="false" OpenType="false" HasStream="false"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32" Nullable="false"/></EntityType>
<EnumType Name="E" IsFlags="false"><Member Name="a" Value="007"/></EnumType>` + footer
	m, err := csdl.Parse("d.xml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<EntityType Name="A">`, `<EnumType Name="E">`, `<Member Name="a" Value="7"/>`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	assertRoundTrip(t, m)
}

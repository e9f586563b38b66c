package csdl_test

import "fmt"

type errorCase struct {
	name string
	body string
	full string
	want []string
}

const header = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="T" xmlns="http://docs.oasis-open.org/odata/ns/edm">
`

const footer = `
</Schema>
</edmx:DataServices>
</edmx:Edmx>
`

func (tc errorCase) doc() string {
	if tc.full != "" {
		return tc.full
	}
	return header + tc.body + footer
}

// keyed is an entity type T.K with a valid key, for cases that need one.
const keyed = `<EntityType Name="K"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
`

// richDoc uses every construct the reader models: references, aliases,
// inheritance, containment, type definitions, flags enums, singletons,
// operation imports, and annotation expressions of every shape.
const richDoc = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core">
      <Annotation xmlns="http://docs.oasis-open.org/odata/ns/edm" Term="Core.Description" String="core"/>
    </edmx:Include>
    <edmx:IncludeAnnotations TermNamespace="Org.OData.Core.V1" Qualifier="q" TargetNamespace="Shop"/>
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="Shop.Model" Alias="S" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <TypeDefinition Name="Money" UnderlyingType="Edm.Decimal" Precision="19" Scale="4"/>
      <TypeDefinition Name="Code" UnderlyingType="Edm.String" MaxLength="8" Unicode="false"/>
      <EnumType Name="Color" UnderlyingType="Edm.Byte">
        <Member Name="Red"/>
        <Member Name="Green"/>
      </EnumType>
      <EnumType Name="Perm" IsFlags="true">
        <Member Name="Read" Value="1"/>
        <Member Name="Write" Value="2">
          <Annotation Term="Core.Description" String="may write"/>
        </Member>
      </EnumType>
      <ComplexType Name="Address" OpenType="true">
        <Property Name="Street" Type="Edm.String" DefaultValue=""/>
        <Property Name="Zip" Type="S.Code" Nullable="false"/>
        <Property Name="Location" Type="Edm.GeographyPoint" SRID="4326"/>
        <NavigationProperty Name="Country" Type="Shop.Model.Country"/>
      </ComplexType>
      <ComplexType Name="PostalAddress" BaseType="S.Address">
        <Property Name="Box" Type="Edm.String"/>
      </ComplexType>
      <EntityType Name="Country">
        <Key><PropertyRef Name="Code"/></Key>
        <Property Name="Code" Type="S.Code" Nullable="false"/>
      </EntityType>
      <EntityType Name="Party" Abstract="true">
        <Property Name="Extra" Type="Edm.Untyped"/>
      </EntityType>
      <EntityType Name="Customer" BaseType="S.Party" HasStream="true">
        <Key>
          <PropertyRef Name="Id"/>
          <PropertyRef Name="Home/Zip" Alias="HomeZip"/>
        </Key>
        <Property Name="Id" Type="Edm.Int64" Nullable="false"/>
        <Property Name="Home" Type="S.Address" Nullable="false"/>
        <Property Name="Favorite" Type="S.Color"/>
        <Property Name="Perms" Type="Shop.Model.Perm"/>
        <Property Name="Tags" Type="Collection(Edm.String)" MaxLength="max"/>
        <NavigationProperty Name="Orders" Type="Collection(S.Order)" Partner="Customer" ContainsTarget="true"/>
        <Annotation Term="Core.Description">
          <String>  A customer
  of the shop  </String>
        </Annotation>
      </EntityType>
      <EntityType Name="Order">
        <Key><PropertyRef Name="Id"/></Key>
        <Property Name="Id" Type="Edm.Guid" Nullable="false"/>
        <Property Name="CustomerId" Type="Edm.Int64" Nullable="false"/>
        <Property Name="Total" Type="S.Money"/>
        <NavigationProperty Name="Customer" Type="S.Customer" Nullable="false" Partner="Orders">
          <ReferentialConstraint Property="CustomerId" ReferencedProperty="Id">
            <Annotation Term="Core.Description" String="fk"/>
          </ReferentialConstraint>
          <OnDelete Action="Cascade"/>
        </NavigationProperty>
      </EntityType>
      <EntityType Name="BigOrder" BaseType="S.Order"/>
      <Action Name="Approve" IsBound="true" EntitySetPath="order/Customer">
        <Parameter Name="order" Type="S.Order" Nullable="false"/>
        <Parameter Name="note" Type="Edm.String" MaxLength="100"/>
        <ReturnType Type="S.Customer" Nullable="false"/>
      </Action>
      <Action Name="Approve" IsBound="true">
        <Parameter Name="orders" Type="Collection(S.Order)"/>
      </Action>
      <Action Name="Reset"/>
      <Function Name="Top" IsComposable="true">
        <Parameter Name="n" Type="Edm.Int32"/>
        <ReturnType Type="Collection(S.Order)"/>
      </Function>
      <Function Name="Total" IsBound="true">
        <Parameter Name="c" Type="S.Customer"/>
        <ReturnType Type="S.Money"/>
      </Function>
      <Term Name="Hint" Type="Edm.String" Nullable="false" DefaultValue="none" AppliesTo="EntityType Action" MaxLength="200"/>
      <Term Name="Priority" Type="Edm.Int32" BaseTerm="S.Hint"/>
      <EntityContainer Name="Shop">
        <EntitySet Name="Customers" EntityType="S.Customer" IncludeInServiceDocument="false">
          <NavigationPropertyBinding Path="Home/Country" Target="Countries"/>
          <NavigationPropertyBinding Path="Orders/Customer" Target="Shop.Model.Shop/Customers"/>
        </EntitySet>
        <EntitySet Name="Orders" EntityType="Shop.Model.Order">
          <NavigationPropertyBinding Path="Customer" Target="Customers"/>
          <NavigationPropertyBinding Path="Shop.Model.BigOrder/Customer" Target="Customers"/>
        </EntitySet>
        <EntitySet Name="Countries" EntityType="S.Country"/>
        <Singleton Name="Boss" Type="S.Customer" Nullable="true">
          <NavigationPropertyBinding Path="Orders/Customer" Target="S.Shop/Customers/Orders/Customer"/>
        </Singleton>
        <ActionImport Name="ResetAll" Action="S.Reset"/>
        <FunctionImport Name="TopOrders" Function="S.Top" EntitySet="Orders" IncludeInServiceDocument="true"/>
        <Annotation Term="Core.Description" String="the shop"/>
      </EntityContainer>
      <Annotations Target="S.Customer/Id" Qualifier="ui">
        <Annotation Term="S.Hint" String="key"/>
      </Annotations>
      <Annotation Term="S.Hint" Qualifier="all">
        <Record Type="S.Address">
          <PropertyValue Property="Street" String="Main"/>
          <PropertyValue Property="Zip">
            <If>
              <Eq><Path>Home/Zip</Path><String>1</String></Eq>
              <String>one</String>
              <Null/>
            </If>
          </PropertyValue>
          <Annotation Term="Core.Description" String="r"/>
        </Record>
      </Annotation>
      <Annotation Term="S.Priority" Int="3">
        <Annotation Term="Core.Description" Bool="true"/>
      </Annotation>
      <Annotation Term="Core.Links">
        <Collection>
          <Apply Function="odata.concat"><String>a</String><LabeledElementReference>S.L</LabeledElementReference></Apply>
          <LabeledElement Name="L" String="x"/>
          <LabeledElement Name="M"><Int>4</Int></LabeledElement>
          <Cast Type="Edm.Decimal" Precision="3"><Int>1</Int></Cast>
          <IsOf Type="S.Money"><Path>Total</Path></IsOf>
          <UrlRef><String>http://example.com</String></UrlRef>
          <And><Not><Bool>false</Bool></Not><Or><Gt><Int>1</Int><Float>0.5</Float></Gt><In><Int>1</Int><Collection/></In></Or></And>
          <Add><Neg><Decimal>1.5</Decimal></Neg><DivBy><Int>1</Int><Int>2</Int></DivBy></Add>
          <EnumMember>S.Color/Red</EnumMember>
          <Date>2024-01-01</Date><DateTimeOffset>2024-01-01T00:00:00Z</DateTimeOffset><TimeOfDay>12:00:00</TimeOfDay>
          <Duration>P1D</Duration><Guid>21EC2020-3AEA-1069-A2DD-08002B30309D</Guid><Binary>T0RhdGE</Binary>
          <AnnotationPath>Home/@Core.Description</AnnotationPath><ModelElementPath>S.Customer</ModelElementPath>
          <NavigationPropertyPath>Orders</NavigationPropertyPath><PropertyPath>Id</PropertyPath>
          <String>&lt;&amp;&gt;&quot;&#x9;&#xD;&#xA;</String>
          <String/>
        </Collection>
      </Annotation>
      <Annotation Term="Core.Url" UrlRef="http://example.com/x"/>
      <Annotation Term="Core.Tab" String="a&#x9;b&#xA;c&#xD;d &quot;q&quot; &lt;"/>
      <Annotation Term="Core.Default"/>
    </Schema>
    <Schema Namespace="Shop.Vocab" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <Term Name="StateMachine.States" Type="Collection(Edm.String)" AppliesTo="EntityType" Description="states"/>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`

var validDocs = []string{richDoc}

var errorCases = []errorCase{
	{name: "syntax", body: `<EntityType Name="A"></ComplexType>`,
		want: []string{
			"5:22: invalid XML: element <EntityType> closed by </ComplexType>",
		},
	},
	{name: "second root", full: `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"/><x/>`,
		want: []string{
			"1:81: invalid XML: second root element <x>",
		},
	},
	{name: "text outside root", full: `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"/> x`,
		want: []string{
			"1:82: invalid XML: text outside the root element",
		},
	},
	{name: "doctype", full: `<!DOCTYPE x><edmx:Edmx/>`,
		want: []string{
			"1:1: invalid XML: directives such as DOCTYPE are not allowed",
		},
	},
	{name: "empty", full: ` `,
		want: []string{
			"1:2: invalid XML: no root element",
		},
	},
	{name: "too deep", body: `<Annotation Term="T.X">` + repeat(`<Not>`, 70) + `<Null/>` + repeat(`</Not>`, 70) + `</Annotation>`,
		want: []string{
			"5:324: elements are nested deeper than 64 levels",
		},
	},
	{name: "root", full: `<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="T"/>`,
		want: []string{
			"1:1: root element must be <edmx:Edmx> in namespace http://docs.oasis-open.org/odata/ns/edmx, not <Schema>",
		},
	},
	{name: "version", full: `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="3.0"><edmx:DataServices><Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="T"/></edmx:DataServices></edmx:Edmx>`,
		want: []string{
			"1:66: invalid Version \"3.0\" on <edmx:Edmx>: want 4.0 or 4.01",
		},
	},
	{name: "no version no dataservices", full: `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"/>`,
		want: []string{
			"1:1: <edmx:Edmx> is missing required attribute Version",
			"1:1: <edmx:Edmx> has no <edmx:DataServices>",
		},
	},
	{name: "duplicate dataservices no schema", full: `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.01"><edmx:DataServices/><edmx:DataServices/></edmx:Edmx>`,
		want: []string{
			"1:81: <edmx:DataServices> has no <Schema>",
			"1:101: duplicate <edmx:DataServices>",
		},
	},
	{name: "schema namespace", full: `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"><edmx:DataServices><Schema Namespace="T"/></edmx:DataServices></edmx:Edmx>`,
		want: []string{
			"1:80: <edmx:DataServices> has no <Schema>",
			"1:99: element <Schema> must be in namespace http://docs.oasis-open.org/odata/ns/edm",
		},
	},
	{name: "text", body: `<EntityType Name="A">hello</EntityType>`,
		want: []string{
			"5:1: entity type A has no key",
			"5:22: unexpected text in <EntityType>",
		},
	},
	{name: "misplaced", body: `<ComplexType Name="C"><Key/></ComplexType>`,
		want: []string{
			"5:23: element <Key> is not allowed in <ComplexType>",
		},
	},
	{name: "unknown element", body: `<EntityType Name="A"><Propety Name="x" Type="Edm.String"/></EntityType>`,
		want: []string{
			"5:1: entity type A has no key",
			"5:22: unknown element <Propety> in <EntityType>; did you mean <Property>?",
		},
	},
	{name: "foreign element", body: `<ComplexType Name="C"><x:Doc xmlns:x="urn:x"/></ComplexType>`,
		want: []string{
			"5:23: unknown element <Doc> (namespace urn:x) in <ComplexType>",
		},
	},
	{name: "foreign attribute", body: `<ComplexType Name="C" xmlns:x="urn:x" x:label="c"/>`,
		want: []string{
			"5:39: unknown attribute label (namespace urn:x) on <ComplexType>",
		},
	},
	{name: "unknown attribute", body: `<ComplexType Name="C"><Property Name="p" Type="Edm.String" Nulable="false" Colour="red"/></ComplexType>`,
		want: []string{
			"5:60: unknown attribute Nulable on <Property>; did you mean Nullable?",
			"5:76: unknown attribute Colour on <Property>",
		},
	},
	{name: "duplicate attribute", body: `<ComplexType Name="C" Name="D"/>`,
		want: []string{
			"5:23: duplicate attribute Name on <ComplexType>",
		},
	},
	{name: "missing attribute", body: `<ComplexType Name="C"><Property Name="p"/></ComplexType>`,
		want: []string{
			"5:23: <Property> is missing required attribute Type",
		},
	},
	{name: "bad names", body: `<ComplexType Name="1C"/><EntityContainer Name="a b"/>`,
		want: []string{
			"5:14: invalid Name \"1C\" on <ComplexType>: not a simple identifier",
			"5:42: invalid Name \"a b\" on <EntityContainer>: not a simple identifier",
		},
	},
	{name: "bad qualified", body: `<ComplexType Name="C" BaseType="D"/>`,
		want: []string{
			"5:23: invalid BaseType \"D\" on <ComplexType>: want a qualified name such as Namespace.Name",
		},
	},
	{name: "bad bool and facets", body: `<ComplexType Name="C"><Property Name="p" Type="Edm.String" Nullable="yes" MaxLength="-1" Precision="x" Scale="fixed" SRID="any" Unicode="1"/></ComplexType>`,
		want: []string{
			"5:60: invalid Nullable \"yes\" on <Property>: want true or false",
			"5:75: invalid MaxLength \"-1\" on <Property>: want a non-negative integer or max",
			"5:90: invalid Precision \"x\" on <Property>: want a non-negative integer",
			"5:104: invalid Scale \"fixed\" on <Property>: want a non-negative integer, variable or floating",
			"5:118: invalid SRID \"any\" on <Property>: want a non-negative integer or variable",
			"5:129: invalid Unicode \"1\" on <Property>: want true or false",
		},
	},
	{name: "include namespace", full: `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">
<edmx:Reference Uri="http://example.com/x.xml"><edmx:Include Namespace="a..b" Alias="1a"/></edmx:Reference>
<edmx:Reference><edmx:IncludeAnnotations/></edmx:Reference>
<edmx:DataServices><Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="T..U" Alias="T.U"/></edmx:DataServices></edmx:Edmx>`,
		want: []string{
			"2:62: invalid Namespace \"a..b\" on <edmx:Include>: not a namespace",
			"2:79: invalid Alias \"1a\" on <edmx:Include>: not a simple identifier",
			"3:1: <edmx:Reference> is missing required attribute Uri",
			"3:17: <edmx:IncludeAnnotations> is missing required attribute TermNamespace",
			"4:76: invalid Namespace \"T..U\" on <Schema>: not a dot-separated sequence of simple identifiers",
			"4:93: invalid Alias \"T.U\" on <Schema>: not a simple identifier",
		},
	},
	{name: "two containers in schema", body: `<EntityContainer Name="A"/><EntityContainer Name="B"/>`,
		want: []string{
			"5:28: schema T has more than one <EntityContainer>",
		},
	},
	{name: "two keys, empty key", body: `<EntityType Name="A"><Key/><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>`,
		want: []string{
			"5:22: <Key> has no <PropertyRef>",
			"5:28: entity type A has more than one <Key>",
		},
	},
	{name: "on delete", body: keyed + `<EntityType Name="A" BaseType="T.K"><NavigationProperty Name="k" Type="T.K"><OnDelete Action="Drop"/><OnDelete Action="None"/></NavigationProperty></EntityType>`,
		want: []string{
			"6:87: invalid Action \"Drop\" on <OnDelete>: want Cascade, None, SetNull or SetDefault",
			"6:102: navigation property k has more than one <OnDelete>",
		},
	},
	{name: "enum attributes", body: `<EnumType Name="E" UnderlyingType="Edm.String"><Member Name="a" Value="x"/></EnumType><EnumType Name="F"/>`,
		want: []string{
			"5:20: invalid UnderlyingType \"Edm.String\" on <EnumType>: want Edm.Byte, Edm.SByte, Edm.Int16, Edm.Int32 or Edm.Int64",
			"5:65: invalid Value \"x\" on <Member>: want an integer",
			"5:87: enum type F has no <Member>",
		},
	},
	{name: "return types", body: `<Action Name="A"><ReturnType Type="Edm.String"/><ReturnType Type="Edm.String"/></Action><Function Name="F"/>`,
		want: []string{
			"5:49: action A has more than one <ReturnType>",
			"5:89: function F has no <ReturnType>",
		},
	},
	{name: "applies to", body: `<Term Name="X" Type="Edm.String" AppliesTo="Entity Property Nothing"/><Term Name="1X" Type="Edm.String"/>`,
		want: []string{
			"5:34: invalid AppliesTo \"Entity\" on <Term>; did you mean EntitySet?",
			"5:34: invalid AppliesTo \"Nothing\" on <Term>",
			"5:77: invalid Name \"1X\" on <Term>: not a simple identifier",
		},
	},
	{name: "annotations block", body: `<Annotations Target="T.K"/>`,
		want: []string{
			"5:1: <Annotations> has no <Annotation>",
		},
	},
	{name: "annotation values", body: `<Annotation Term="X.Y" String="a" Int="1"/>
<Annotation Term="X.Y" Qualifier="q" Bool="true"><String>b</String></Annotation>
<Annotation Term="Y"/>`,
		want: []string{
			"5:35: annotation X.Y has more than one value expression",
			"6:50: annotation X.Y has more than one value expression",
			"7:13: invalid Term \"Y\" on <Annotation>: want a qualified name such as Namespace.Name",
		},
	},
	{name: "record and collection", body: `<Annotation Term="X.Y"><Collection><PropertyValue Property="p" String="a"/><Annotation Term="X.Z"/></Collection></Annotation>
<Annotation Term="X.Z"><Record><String>a</String><PropertyValue Property="p"/></Record></Annotation>`,
		want: []string{
			"5:36: element <PropertyValue> is not allowed in <Collection>",
			"5:76: element <Annotation> is not allowed in <Collection>",
			"6:32: element <String> is not allowed in <Record>",
			"6:50: <PropertyValue> takes 1 expression, has 0",
		},
	},
	{name: "operands", body: `<Annotation Term="X.Y"><If><Bool>true</Bool></If></Annotation>
<Annotation Term="X.Z"><Not><Bool>true</Bool><Bool>false</Bool></Not></Annotation>
<Annotation Term="X.W"><Eq><Null/></Eq></Annotation>`,
		want: []string{
			"5:24: <If> takes 2 or 3 expressions, has 1",
			"6:24: <Not> takes 1 expression, has 2",
			"7:24: <Eq> takes 2 expressions, has 1",
		},
	},
	{name: "leaf with children and text", body: `<Annotation Term="X.Y"><String>a<Int>1</Int></String></Annotation>
<Annotation Term="X.Z"><Collection>text</Collection></Annotation>
<Annotation Term="X.W"><LabeledElement Name="l" Foo="x" String="s"/></Annotation>`,
		want: []string{
			"5:33: element <Int> is not allowed in <String>",
			"6:36: unexpected text in <Collection>",
			"7:49: unknown attribute Foo on <LabeledElement>; did you mean Bool?",
		},
	},
	{name: "reserved and duplicate namespaces", full: `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"><edmx:Reference Uri="u"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference><edmx:DataServices>
<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Edm" Alias="odata"/>
<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="A" Alias="Core"/>
<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="A"><EntityContainer Name="C1"/></Schema>
<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="B"><EntityContainer Name="C2"/></Schema>
</edmx:DataServices></edmx:Edmx>`,
		want: []string{
			"2:1: namespace Edm is reserved",
			"2:1: alias odata is reserved",
			"3:1: alias Core is already used as a namespace or alias",
			"4:1: duplicate namespace A",
			"5:71: extra entity container C2; a model has at most one",
		},
	},
	{name: "duplicate names in schema", body: `<ComplexType Name="X"/>
<EnumType Name="X"><Member Name="a"/></EnumType>
<Action Name="X"/>
<Action Name="Y"/>
<Function Name="Y"><ReturnType Type="Edm.String"/></Function>`,
		want: []string{
			"6:1: duplicate name X in schema T",
			"7:1: duplicate name X in schema T",
			"9:1: duplicate name Y in schema T",
		},
	},
	{name: "overloads", body: keyed + `<Action Name="A" IsBound="true"><Parameter Name="k" Type="T.K"/></Action>
<Action Name="A" IsBound="true"><Parameter Name="k" Type="Collection(T.K)"/></Action>
<Action Name="A" IsBound="true"><Parameter Name="x" Type="T.K"/></Action>
<Action Name="U"/>
<Action Name="U"><Parameter Name="p" Type="Edm.String"/></Action>
<Function Name="F"><Parameter Name="a" Type="Edm.String"/><ReturnType Type="Edm.String"/></Function>
<Function Name="F"><Parameter Name="a" Type="Edm.Int32"/><ReturnType Type="Edm.String"/></Function>
<Function Name="F"><Parameter Name="b" Type="Edm.Int32"/><ReturnType Type="Edm.String"/></Function>`,
		want: []string{
			"8:1: duplicate action A bound to T.K",
			"10:1: duplicate unbound action U",
			"12:1: duplicate function F with the same binding parameter and parameter names",
		},
	},
	{name: "unknown types", body: keyed + `<ComplexType Name="C"><Property Name="a" Type="Edm.Strin"/><Property Name="b" Type="Collection(T.KK)"/><Property Name="c" Type="Other.X"/></ComplexType>`,
		want: []string{
			"6:23: unknown type Edm.Strin of property a; did you mean Edm.String?",
			"6:60: unknown type Collection(T.KK) of property b; did you mean Collection(T.C)?",
			"6:104: unknown type Other.X of property c",
		},
	},
	{name: "base types", body: keyed + `<ComplexType Name="C" BaseType="T.K"/>
<EntityType Name="E" BaseType="T.C"/>
<EntityType Name="F" BaseType="T.Nope"/>
<EntityType Name="G" BaseType="T.H"/>
<EntityType Name="H" BaseType="T.G"/>
<ComplexType Name="D" BaseType="T.D"/>`,
		want: []string{
			"6:1: base type T.K of complex type C is not a complex type",
			"7:1: base type T.C of entity type E is not an entity type",
			"8:1: unknown base type T.Nope of entity type F; did you mean T.E?",
			"9:1: entity type G inherits from itself",
			"10:1: entity type H inherits from itself",
			"11:1: complex type D inherits from itself",
		},
	},
	{name: "members", body: keyed + `<EntityType Name="A" BaseType="T.K"><Property Name="id" Type="Edm.String"/><Property Name="x" Type="Edm.String"/><NavigationProperty Name="x" Type="T.K"/><Property Name="k" Type="T.K"/><Property Name="e" Type="Edm.EntityType"/></EntityType>`,
		want: []string{
			"6:37: property id of entity type A is already declared by a base type",
			"6:114: duplicate property x in entity type A",
			"6:155: property k has entity type T.K; use a NavigationProperty",
			"6:186: property e has entity type Edm.EntityType; use a NavigationProperty",
		},
	},
	{name: "navigation properties", body: keyed + `<ComplexType Name="C"/>
<EntityType Name="A" BaseType="T.K"><NavigationProperty Name="c" Type="T.C"/><NavigationProperty Name="ks" Type="Collection(T.K)" Nullable="false"/><NavigationProperty Name="k" Type="T.K" Partner="back"/></EntityType>`,
		want: []string{
			"7:37: navigation property c has type T.C, which is not an entity type",
			"7:78: collection-valued navigation property ks may not have Nullable",
			"7:149: partner back of navigation property k is not a navigation property of T.K",
		},
	},
	{name: "referential constraints", body: keyed + `<EntityType Name="A" BaseType="T.K"><Property Name="kid" Type="Edm.Int32"/><NavigationProperty Name="k" Type="T.K"><ReferentialConstraint Property="kidd" ReferencedProperty="iid"/><ReferentialConstraint Property="kid" ReferencedProperty="id"/></NavigationProperty></EntityType>`,
		want: []string{
			"6:116: referential constraint property kidd is not a property of entity type A; did you mean kid?",
			"6:116: referenced property iid is not a property of T.K; did you mean id?",
			"6:181: referential constraint property kid has type Edm.Int32, but id has type Edm.String",
		},
	},
	{name: "keys", body: keyed + `<ComplexType Name="Addr"><Property Name="zip" Type="Edm.String" Nullable="false"/></ComplexType>
<EntityType Name="NoKey"><Property Name="id" Type="Edm.String"/></EntityType>
<EntityType Name="Abs" Abstract="true"/>
<EntityType Name="Derived" BaseType="T.K"><Key><PropertyRef Name="id"/></Key></EntityType>
<EntityType Name="Bad"><Key><PropertyRef Name="id"/><PropertyRef Name="id"/><PropertyRef Name="addr/zip"/><PropertyRef Name="n" Alias="x"/><PropertyRef Name="d"/><PropertyRef Name="c"/><PropertyRef Name="idd"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="addr" Type="T.Addr" Nullable="false"/><Property Name="n" Type="Edm.Int32"/><Property Name="d" Type="Edm.Double" Nullable="false"/><Property Name="c" Type="Collection(Edm.String)" Nullable="false"/></EntityType>`,
		want: []string{
			"7:1: entity type NoKey has no key",
			"9:43: entity type Derived declares a key but inherits one from K",
			"10:53: duplicate key property id",
			"10:77: key property path addr/zip needs an Alias",
			"10:107: key property n is not a path and may not have an Alias",
			"10:107: key property n of entity type Bad must have Nullable=\"false\"",
			"10:140: key property d has type Edm.Double, which cannot be a key",
			"10:163: key property c has type Collection(Edm.String), which cannot be a key",
			"10:186: key property idd is not a property of entity type Bad; did you mean id?",
		},
	},
	{name: "enums", body: `<EnumType Name="E"><Member Name="a" Value="1"/><Member Name="a"/></EnumType>
<EnumType Name="F" IsFlags="true"><Member Name="a"/><Member Name="b" Value="-1"/></EnumType>
<EnumType Name="G" UnderlyingType="Edm.Byte"><Member Name="a" Value="256"/></EnumType>`,
		want: []string{
			"5:48: duplicate member a in enum type E",
			"5:48: member a of enum type E needs a Value, as other members have one",
			"6:35: member a of flags enum type F needs a Value",
			"6:53: member b of flags enum type F has negative value -1",
			"7:46: value 256 of member a is out of range for Edm.Byte",
		},
	},
	{name: "type definitions", body: keyed + `<TypeDefinition Name="D" UnderlyingType="T.K"/><TypeDefinition Name="E" UnderlyingType="Edm.Strng"/>`,
		want: []string{
			"6:1: underlying type T.K of type definition D is not a primitive type",
			"6:48: unknown underlying type Edm.Strng of type definition E; did you mean Edm.String?",
		},
	},
	{name: "operations", body: keyed + `<Action Name="A" IsBound="true"/>
<Action Name="B" EntitySetPath="x"><Parameter Name="p" Type="Edm.String"/><Parameter Name="p" Type="Edm.Strin"/><ReturnType Type="T.KK"/></Action>
<Function Name="F" IsBound="true" EntitySetPath="x/y"><Parameter Name="k" Type="T.K"/><ReturnType Type="T.K"/></Function>`,
		want: []string{
			"6:1: bound action A has no binding parameter",
			"7:1: action B has an EntitySetPath but is not bound",
			"7:75: duplicate parameter p of action B",
			"7:75: unknown type Edm.Strin of parameter p of action B; did you mean Edm.String?",
			"7:113: unknown return type T.KK of action B; did you mean T.K?",
			"8:1: EntitySetPath x/y of function F must start with the binding parameter k",
		},
	},
	{name: "terms", body: `<Term Name="X" Type="Edm.Strin" BaseTerm="T.Nope"/>`,
		want: []string{
			"5:1: unknown type Edm.Strin of term X; did you mean Edm.String?",
			"5:1: unknown base term T.Nope of term X",
		},
	},
	{name: "container", body: keyed + `<ComplexType Name="C"/>
<Action Name="Bound" IsBound="true"><Parameter Name="k" Type="T.K"/></Action>
<Function Name="BoundF" IsBound="true"><Parameter Name="k" Type="T.K"/><ReturnType Type="Edm.String"/></Function>
<EntityContainer Name="Svc">
<EntitySet Name="Ks" EntityType="T.K"/>
<EntitySet Name="Ks" EntityType="T.KK"/>
<EntitySet Name="Cs" EntityType="T.C"/>
<Singleton Name="One" Type="Collection(T.K)"/>
<ActionImport Name="AI" Action="T.Nope"/>
<ActionImport Name="AI2" Action="T.Bound" EntitySet="Nope"/>
<FunctionImport Name="FI" Function="T.BoundFx"/>
<FunctionImport Name="FI2" Function="T.BoundF"/>
</EntityContainer>`,
		want: []string{
			"11:1: duplicate name Ks in entity container Svc",
			"11:1: unknown entity type T.KK of entity set Ks; did you mean T.K?",
			"12:1: entity set Cs has type T.C, which is not an entity type",
			"13:1: singleton One has type Collection(T.K), which is not an entity type",
			"14:1: action import AI names unknown action T.Nope; did you mean T.Bound?",
			"15:1: action import AI2 names bound action T.Bound; only unbound actions can be imported",
			"15:1: entity set Nope of action import AI2 is not in entity container Svc",
			"16:1: function import FI names unknown function T.BoundFx; did you mean T.BoundF?",
			"17:1: function import FI2 names bound function T.BoundF; only unbound functions can be imported",
		},
	},
	{name: "bindings", body: keyed + `<EntityType Name="A"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><NavigationProperty Name="k" Type="T.K"/><NavigationProperty Name="b" Type="T.B"/></EntityType>
<EntityType Name="B"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
<EntityContainer Name="Svc">
<EntitySet Name="As" EntityType="T.A"><NavigationPropertyBinding Path="k" Target="Ks"/><NavigationPropertyBinding Path="k" Target="Ks"/><NavigationPropertyBinding Path="kk" Target="Ks"/><NavigationPropertyBinding Path="b" Target="Bz"/><NavigationPropertyBinding Path="b" Target="T.Svc/Ks"/></EntitySet>
<EntitySet Name="Ks" EntityType="T.K"/>
<EntitySet Name="Bs" EntityType="T.B"/>
</EntityContainer>`,
		want: []string{
			"9:88: duplicate navigation property binding k in entity set As",
			"9:137: navigation property binding path kk of entity set As is not a navigation property of T.A; did you mean k?",
			"9:187: navigation property binding target Bz of entity set As is not an entity set or singleton of Svc; did you mean Bs?",
			"9:236: duplicate navigation property binding b in entity set As",
			"9:236: navigation property binding b targets T.Svc/Ks of type T.K, but the navigation property has type T.B",
		},
	},
	{name: "duplicate annotations", body: keyed + `<ComplexType Name="C"><Annotation Term="X.Y"/><Annotation Term="X.Y" Qualifier="q"/><Annotation Term="X.Y" Qualifier="q"/><Annotation Term="X.Y"/></ComplexType>`,
		want: []string{
			"6:85: duplicate annotation X.Y#q",
			"6:123: duplicate annotation X.Y",
		},
	},
	{name: "deep inheritance", body: deepInheritance(), want: []string{
		"5:2694: complex type C65 has more than 64 levels of base types",
		"5:2736: complex type C66 has more than 64 levels of base types",
		"5:2778: complex type C67 has more than 64 levels of base types",
		"5:2820: complex type C68 has more than 64 levels of base types",
		"5:2862: complex type C69 has more than 64 levels of base types",
	}},
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

// deepInheritance declares complex types C0 <- C1 <- ... <- C69.
func deepInheritance() string {
	body := `<ComplexType Name="C0"/>`
	for i := 1; i < 70; i++ {
		body += fmt.Sprintf(`<ComplexType Name="C%d" BaseType="T.C%d"/>`, i, i-1)
	}
	return body
}

module github.com/temperhq/temper

go 1.26.8

require (
	github.com/agnivade/levenshtein v1.2.2 // indirect
	github.com/pelletier/go-toml/v2 v2.4.3 // indirect
)

// Package model holds the store's value types, errors and interface. It is
// a leaf so the backends (store/sqlite, store/postgres) and the translator
// (store/sqlgen) can share them while package store, which re-exports every
// name here, picks a backend in Open. Code outside store/ uses package store.
package model

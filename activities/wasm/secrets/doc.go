// Package secrets keeps the secrets WASM integrations use — API keys and
// tokens that modules reference as {secret:name} and never see — sealed
// at rest with AES-256-GCM. A Vault encrypts with a key from the
// configuration (TEMPER_SECRETS_KEY or a key file, read by main and
// passed in) and stores ciphertexts through Storage, which the store
// implements; Memory is an in-memory Storage for tests. Admins set and
// delete secrets and list their names; nothing lists values.
//
// Each ciphertext is bound to its app and name (they are the AEAD's
// additional data), so a sealed value copied to another name or app does
// not open.
package secrets

// Package apps embeds the example apps shipped in the temper binary: a task
// tracker and the Knowledge app of the founding document. Each is a bundle
// directory (specs, a CSDL model, Cedar policies) that temper dev deploys
// and that tests load through the spec engine.
package apps

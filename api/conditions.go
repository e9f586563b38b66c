package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/workflows/entity"
)

// Conditional writes (OData Protocol §8.2.4, §8.2.5, §11.4.1.1; JSON
// Format §4.6.10). An entity's ETag is W/"<version>". If-Match, or the
// odata.etag control information of a PUT, PATCH or DELETE body, makes a
// write conditional on the version, checked atomically by the entity's
// update validator; a write that names an ETag is never an insert.
// If-None-Match makes it conditional on the entity not being in that
// version (or, with *, not existing at all: an insert).

// conditions are the preconditions of a write.
type conditions struct {
	// ifMatch: If-Match or a body ETag was given.
	ifMatch bool
	// version is the version they name; nil for If-Match: *.
	version *int64
	// noneMatch is If-None-Match as given ("" when absent).
	noneMatch string
}

// parseETag reads a weak or strong ETag W/"<version>" of this service.
func parseETag(v string) (int64, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return 0, false
	}
	n, err := strconv.ParseInt(v[1:len(v)-1], 10, 64)
	return n, err == nil
}

// writeConditions reads the preconditions of a write from its headers and
// the body's ETag (r.bodyETag).
func writeConditions(r *request) (conditions, error) {
	var c conditions
	req := r.c.Request()
	if h := strings.TrimSpace(req.Header.Get("If-Match")); h != "" {
		c.ifMatch = true
		v, err := ifMatch(req)
		if err != nil {
			return c, err
		}
		c.version = v
	}
	if r.bodyETag != "" {
		n, ok := parseETag(r.bodyETag)
		if !ok {
			return c, errorf(http.StatusPreconditionFailed, "PreconditionFailed", "@odata.etag %q is not an ETag of this service", r.bodyETag)
		}
		if c.version != nil && *c.version != n {
			return c, errorf(http.StatusPreconditionFailed, "PreconditionFailed", "If-Match %s and the body's @odata.etag %s disagree", req.Header.Get("If-Match"), r.bodyETag)
		}
		c.ifMatch, c.version = true, &n
	}
	c.noneMatch = strings.TrimSpace(req.Header.Get("If-None-Match"))
	return c, nil
}

// noneMatchFails reports whether If-None-Match (non-empty) fails for an
// entity at version: * or an ETag of that version.
func noneMatchFails(noneMatch string, version int64) bool {
	if noneMatch == "*" {
		return true
	}
	for _, part := range strings.Split(noneMatch, ",") {
		if n, ok := parseETag(part); ok && n == version {
			return true
		}
	}
	return false
}

// checkNoneMatch evaluates If-None-Match before a write of the request's
// entity: 412 when it fails; missing reports that the entity does not
// exist (the condition holds).
func checkNoneMatch(r *request, c conditions) (missing bool, err error) {
	if c.noneMatch == "" {
		return false, nil
	}
	cur, err := r.ents.Get(r.c.Request().Context(), r.ref())
	switch {
	case errors.Is(err, entity.ErrNotFound):
		return true, nil
	case err != nil:
		return false, err
	case noneMatchFails(c.noneMatch, cur.Version):
		return false, errorf(http.StatusPreconditionFailed, "PreconditionFailed", "If-None-Match %s: %s is at version %d", c.noneMatch, r.entityPath(r.key), cur.Version)
	}
	return false, nil
}

// bodyETagOf takes the ETag control information out of a decoded body:
// odata.etag (4.0) or etag (4.01).
func bodyETagOf(body map[string]any) (string, error) {
	for _, k := range []string{"@odata.etag", "@etag"} {
		if v, ok := body[k]; ok {
			s, ok := v.(string)
			if !ok {
				return "", &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: k + " must be a string", Target: k}
			}
			return s, nil
		}
	}
	return "", nil
}

// dropComputed removes from a create body what the service computes and
// a create therefore ignores (Protocol §11.4.2: Core.Computed): status and
// state variables with an initial value.
func dropComputed(t *specengine.Table, body map[string]any) {
	delete(body, "status")
	for _, v := range t.Vars {
		if v.Initial != nil {
			delete(body, v.Name)
		}
	}
}

// dropNonUpdatable removes from an update body what a field update
// cannot change and therefore ignores (Protocol §11.4.3): key properties,
// status and every state variable, which change only through actions.
func dropNonUpdatable(t *specengine.Table, body map[string]any) {
	for _, kp := range t.KeyProps {
		delete(body, kp)
	}
	delete(body, "status")
	for _, v := range t.Vars {
		if !v.Field {
			delete(body, v.Name)
		}
	}
}

package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/workflows/entity"
)

// Error is an OData error: the status and the body's code, message and
// target.
type Error struct {
	Status  int
	Code    string
	Message string
	Target  string
	Details []ErrorDetail
}

// ErrorDetail is one entry of an OData error's details.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// translate maps domain errors to OData errors, in one place, with
// errors.Is/As; anything unknown is a 500 that does not leak details.
func translate(err error) *Error {
	var oe *Error
	if errors.As(err, &oe) {
		return oe
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return &Error{Status: he.Code, Code: http.StatusText(he.Code), Message: fmt.Sprint(he.Message)}
	}
	var re *entity.RejectedError
	if errors.As(err, &re) {
		switch re.Type {
		case entity.ErrTypePrecondition:
			return &Error{Status: http.StatusPreconditionFailed, Code: "PreconditionFailed", Message: re.Msg}
		case entity.ErrTypeBadRequest:
			return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: re.Msg}
		case entity.ErrTypeStranded:
			return &Error{Status: http.StatusConflict, Code: "Stranded", Message: re.Msg}
		}
		code := "ActionNotAllowed"
		switch re.Outcome {
		case specengine.UnknownAction.String():
			return &Error{Status: http.StatusNotFound, Code: "UnknownAction", Message: re.Msg}
		case specengine.WrongState.String():
			code = "WrongState"
		case specengine.GuardFalse.String():
			code = "GuardFalse"
		case specengine.BadParams.String():
			return &Error{Status: http.StatusBadRequest, Code: "BadParams", Message: re.Msg}
		case specengine.FieldInvariantViolated.String():
			code = "FieldInvariantViolated"
		}
		return &Error{Status: http.StatusConflict, Code: code, Message: re.Msg}
	}
	var fe *specengine.FieldError
	if errors.As(err, &fe) {
		return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: fe.Error(), Target: fe.Name}
	}
	switch {
	case errors.Is(err, entity.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "NotFound", Message: "no such entity"}
	case errors.Is(err, entity.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "Conflict", Message: "an entity with this key exists"}
	}
	if te := translateQuery(err); te != nil {
		return te
	}
	return &Error{Status: http.StatusInternalServerError, Code: "InternalError", Message: "internal error"}
}

// errorBody is the OData JSON error format.
func errorBody(e *Error) map[string]any {
	inner := map[string]any{"code": e.Code, "message": e.Message}
	if e.Target != "" {
		inner["target"] = e.Target
	}
	if len(e.Details) > 0 {
		inner["details"] = e.Details
	}
	return map[string]any{"error": inner}
}

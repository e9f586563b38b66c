package api

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/api/odata/ast"
)

// Content negotiation (OData Protocol 4.01 §8.2.1, §11.2.10; RFC 9110
// §12.5.1). Each resource has one media type: JSON for data, XML for
// $metadata, text/plain for /$count and the raw /$value of a property.
// $format, when given, overrides Accept. A request that accepts none of
// the resource's type fails with 406: the service never answers in a
// type the client did not ask for.
const (
	mediaJSON = "application/json"
	mediaXML  = "application/xml"
	mediaText = "text/plain"
)

// resourceMedia is the media type of the resource a request addresses.
func resourceMedia(raw string, rp *ast.ResourcePath) string {
	if raw == "$metadata" {
		return mediaXML
	}
	if rp != nil && len(rp.Segments) > 0 {
		switch rp.Segments[len(rp.Segments)-1].Kind {
		case ast.SegCount, ast.SegValue:
			return mediaText
		}
	}
	return mediaJSON
}

// checkFormat honours $format and Accept for a resource served as
// offered, or fails with 406.
func checkFormat(c echo.Context, q *ast.Query, offered string) error {
	if q.Format != "" {
		if formatNames(q.Format, offered) {
			return nil
		}
		return errorf(http.StatusNotAcceptable, "NotAcceptable", "$format=%s: this resource is %s", q.Format, offered)
	}
	accept := c.Request().Header.Get("Accept")
	if accept == "" || acceptable(accept, offered) {
		return nil
	}
	return errorf(http.StatusNotAcceptable, "NotAcceptable", "Accept %q: this resource is %s", accept, offered)
}

// formatNames reports whether a $format value names the media type
// offered: json and xml abbreviate their types, parameters are format
// parameters, not part of the type.
func formatNames(format, offered string) bool {
	f := strings.ToLower(strings.TrimSpace(format))
	switch f {
	case "json":
		return offered == mediaJSON
	case "xml":
		return offered == mediaXML
	}
	mt, _, err := mime.ParseMediaType(f)
	return err == nil && mt == offered
}

// acceptable reports whether an Accept header admits the media type
// offered: the most specific media range that matches it (type/subtype
// over type/* over */*) decides, and q=0 refuses.
func acceptable(accept, offered string) bool {
	typ, _, _ := strings.Cut(offered, "/")
	best, q := 0, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		spec := 0
		switch {
		case mt == offered:
			spec = 3
		case mt == typ+"/*":
			spec = 2
		case mt == "*/*":
			spec = 1
		default:
			continue
		}
		w := 1.0
		if v, ok := params["q"]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			w = f
		}
		switch {
		case spec > best:
			best, q = spec, w
		case spec == best:
			q = max(q, w)
		}
	}
	return best > 0 && q > 0
}

// checkVersion refuses a request whose OData-Version names a protocol
// version this service cannot interpret it by (Protocol §8.1.5: the
// service interprets a request by the rules of its OData-Version, or
// fails it with a 4xx status).
func checkVersion(req *http.Request) error {
	v := strings.TrimSpace(req.Header.Get("OData-Version"))
	switch v {
	case "", "4.0", "4.01":
		return nil
	}
	return errorf(http.StatusBadRequest, "UnsupportedVersion", "OData-Version %q: this service interprets requests of OData 4.0 and 4.01", v)
}

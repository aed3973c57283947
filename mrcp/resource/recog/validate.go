package recog

import (
	"errors"
	"strings"

	"github.com/mrcpd/mrcpd/mrcp"
)

// rejection is a request refused for its header fields: the status and the
// fields to echo, exactly as sent (RFC 6787 §6.1.1 asks this of SET-PARAMS;
// other methods echo the one field to blame as a courtesy).
type rejection struct {
	status int
	fields []mrcp.Field
}

// checkRequest validates the header fields of a request to the resource
// (403 wrong resource or server-only field, 404 syntax, 409 unsupported
// value, 406 body without Content-Type), using the codec's field table.
func checkRequest(resource string, req *mrcp.Message) (rejection, bool) {
	err := mrcp.ValidateRequest(resource, req)
	if err == nil {
		return rejection{}, true
	}
	var se *mrcp.StatusError
	if !errors.As(err, &se) {
		return rejection{status: mrcp.StatusIllegalHeaderValue}, false
	}
	r := rejection{status: se.Code}
	if se.Header != "" && se.Code != mrcp.StatusMandatoryHeaderMissing {
		for _, f := range req.Header.Fields() {
			if strings.EqualFold(f.Name, se.Header) {
				r.fields = append(r.fields, f)
				break
			}
		}
	}
	return r, false
}

// checkField is the resource.FieldCheck of SET-PARAMS: the status that
// rejects one value, or 0.
func checkField(name, value string) int {
	err := mrcp.ValidateHeaderValue(name, value)
	if err == nil {
		return 0
	}
	var se *mrcp.StatusError
	if errors.As(err, &se) {
		return se.Code
	}
	return mrcp.StatusIllegalHeaderValue
}

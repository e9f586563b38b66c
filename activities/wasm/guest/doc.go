// Package guest is the SDK for Temper integration modules written in Go.
// A module is a WASI reactor built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o module.wasm .
//
// It registers one handler in an init function (a reactor never runs
// main), takes JSON in and answers JSON out:
//
//	func init() {
//		guest.Handle(func(in json.RawMessage) (any, error) {
//			var input guest.Input
//			if err := json.Unmarshal(in, &input); err != nil {
//				return nil, err
//			}
//			resp, err := guest.HTTP(guest.Request{
//				Method: "GET",
//				URL:    "https://api.example.org/items",
//				Header: map[string]string{"Authorization": "Bearer " + guest.Secret("api_key")},
//			})
//			if err != nil {
//				return nil, err
//			}
//			if err := resp.Err(); err != nil {
//				return nil, err
//			}
//			return map[string]any{"items": string(resp.Body)}, nil
//		})
//	}
//
//	func main() {}
//
// The module never holds credentials or network access: HTTP goes through
// the host, which authorizes every request (Cedar action http_call on
// HttpEndpoint::"<host>"), refuses cloud metadata and private addresses,
// and substitutes secret templates ({secret:name}, from Secret) just
// before sending. A denied request or a broken budget ends the call on the
// host side; HTTP and Log do not return then.
//
// Every file except this one is built only for wasip1, so the host's
// go build ./... and go vet ./... see an empty package.
package guest

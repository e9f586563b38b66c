//go:build wasip1

// Command search_service is the example integration of the seed's
// Knowledge spec: its semantic_search integration runs it after Index,
// and its output becomes the parameters of IndexSucceeded (or the
// failure those of IndexFailed).
//
// It sends the entry's content to a search endpoint with an API key the
// module never sees, and answers the related entries.
//
// Config (the [[integration]] table's config):
//
//	url             the search endpoint (required)
//	api_key_secret  the secret holding the API key (default search_api_key)
//	auth_header     the header carrying it (default Authorization, as
//	                "Bearer <key>"; any other header gets the bare key)
//	top_k           how many results to ask for (default 5)
//
// Request: POST url with {"query": content, "top_k": k, "exclude": [id],
// "source": source}. Expected response: {"results": [{"id": "k2",
// "score": 0.91}, …]}.
//
// Output: {"related": ["k2", …], "matches": n} (related is a field of
// the Knowledge model, so the callback writes it). A response with an
// error status is an http_status failure (retried for 408, 429 and 5xx);
// an entry without content, a malformed response or a missing url is a
// module failure.
//
// Build:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o search_service.wasm ./activities/wasm/modules/search_service
package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/temperhq/temper/activities/wasm/guest"
)

func init() { guest.Handle(search) }

func main() {}

type searchRequest struct {
	Query   string   `json:"query"`
	TopK    int      `json:"top_k"`
	Exclude []string `json:"exclude,omitempty"`
	Source  string   `json:"source,omitempty"`
}

type searchResponse struct {
	Results []struct {
		ID    string  `json:"id"`
		Score float64 `json:"score"`
	} `json:"results"`
}

func search(raw json.RawMessage) (any, error) {
	var in guest.Input
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	url, _ := in.Config["url"].(string)
	if url == "" {
		return nil, errors.New("config.url: the search endpoint is required")
	}
	secret := stringOr(in.Config["api_key_secret"], "search_api_key")
	header := stringOr(in.Config["auth_header"], "Authorization")
	key := guest.Secret(secret)
	if header == "Authorization" {
		key = "Bearer " + key
	}
	topK := 5
	if k, ok := in.Config["top_k"].(float64); ok && k >= 1 && k <= 100 {
		topK = int(k)
	}
	content, _ := in.Fields["content"].(string)
	if content == "" {
		return nil, errors.New("the entry has no content to search with")
	}
	source, _ := in.Fields["source"].(string)
	req := searchRequest{Query: content, TopK: topK, Source: source}
	if in.EntityID != "" {
		req.Exclude = []string{in.EntityID}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	guest.Logf("semantic search for %s/%s (top %d)", in.EntityType, in.EntityID, topK)
	resp, err := guest.HTTP(guest.Request{
		Method: "POST",
		URL:    url,
		Header: map[string]string{header: key, "Content-Type": "application/json", "Accept": "application/json"},
		Body:   body,
	})
	if err != nil {
		return nil, err
	}
	if err := resp.Err(); err != nil {
		return nil, err
	}
	var sr searchResponse
	if err := json.Unmarshal(resp.Body, &sr); err != nil {
		return nil, fmt.Errorf("the search response is not {\"results\": [...]}: %w", err)
	}
	related := []string{}
	for _, r := range sr.Results {
		if r.ID != "" && r.ID != in.EntityID {
			related = append(related, r.ID)
		}
	}
	return map[string]any{"related": related, "matches": len(related)}, nil
}

func stringOr(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}

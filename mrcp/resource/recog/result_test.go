package recog

import (
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/mrcp"
)

const nlsmlThree = `<?xml version="1.0"?>
<result xmlns="urn:ietf:params:xml:ns:mrcpv2" xmlns:ex="http://www.example.com/example" grammar="session:request1@form-level.store">
  <interpretation confidence="0.9">
    <instance name="Person"><ex:Person><ex:Name>Andre Roy</ex:Name></ex:Person></instance>
    <input>may I speak to Andre Roy</input>
  </interpretation>
  <interpretation confidence="0.6">
    <instance>Michel Tremblay</instance>
    <input>may I speak to Michel Tremblay</input>
  </interpretation>
  <interpretation>
    <instance>Robert</instance>
    <input confidence="0.3">may I speak to Robert</input>
  </interpretation>
</result>
`

var tagPattern = regexp.MustCompile(`<[^>]*>`)

// recognized brings a machine to RECOGNIZED with the given result.
func recognized(t *testing.T, contentType, body string) *harness {
	t.Helper()
	h := newHarness(t, Config{})
	h.recognizeInline("false")
	h.in(RecognitionComplete{RequestID: h.next - 1, Cause: mrcp.CauseSuccess, ContentType: contentType, Body: []byte(body)})
	return h
}

func instances(t *testing.T, body []byte) []string {
	t.Helper()
	var doc struct {
		Interpretations []struct {
			Instance struct {
				Inner string `xml:",innerxml"`
			} `xml:"instance"`
			Nomatch *struct{} `xml:"input>nomatch"`
		} `xml:"interpretation"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("filtered result is not XML: %v\n%s", err, body)
	}
	var out []string
	for _, i := range doc.Interpretations {
		if i.Nomatch != nil {
			out = append(out, "nomatch")
			continue
		}
		out = append(out, strings.TrimSpace(tagPattern.ReplaceAllString(i.Instance.Inner, "")))
	}
	return out
}

func TestGetResultFilters(t *testing.T) {
	cases := []struct {
		name   string
		fields []string
		want   string
	}{
		{"no constraint: as recognized", nil, "Andre Roy|Michel Tremblay|Robert"},
		{"threshold", []string{"Confidence-Threshold", "0.5"}, "Andre Roy|Michel Tremblay"},
		// §9.4.1: only a confidence "greater than the confidence threshold"
		// is a match.
		{"threshold equal to a confidence", []string{"Confidence-Threshold", "0.6"}, "Andre Roy"},
		{"threshold uses input confidence as fallback", []string{"Confidence-Threshold", "0.2"}, "Andre Roy|Michel Tremblay|Robert"},
		{"n-best", []string{"N-Best-List-Length", "2"}, "Andre Roy|Michel Tremblay"},
		{"both", []string{"Confidence-Threshold", "0.1", "N-Best-List-Length", "1"}, "Andre Roy"},
		{"nothing left: nomatch", []string{"Confidence-Threshold", "0.95"}, "nomatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := recognized(t, "application/nlsml+xml", nlsmlThree)
			resp := responseOf(t, h.send(h.request(mrcp.MethodGetResult, "", "", c.fields...)))
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := strings.Join(instances(t, resp.Body), "|"); got != c.want {
				t.Errorf("interpretations %q, want %q", got, c.want)
			}
			if ct := get(&resp.Header, mrcp.HdrContentType); ct != "application/nlsml+xml" {
				t.Errorf("content type %q", ct)
			}
			// What stays is byte for byte what the engine sent.
			if strings.HasPrefix(c.want, "Andre Roy") && !strings.Contains(string(resp.Body), `<instance name="Person"><ex:Person><ex:Name>Andre Roy</ex:Name></ex:Person></instance>`) {
				t.Errorf("markup changed:\n%s", resp.Body)
			}
			if len(c.fields) == 0 && string(resp.Body) != nlsmlThree {
				t.Errorf("unfiltered result changed")
			}
			// The kept result is not altered by filtering.
			again := responseOf(t, h.send(h.request(mrcp.MethodGetResult, "", "")))
			if string(again.Body) != nlsmlThree {
				t.Errorf("stored result changed by GET-RESULT")
			}
		})
	}
}

func TestGetResultLegacyConfidenceScale(t *testing.T) {
	body := `<result><interpretation confidence="80"><instance>a</instance></interpretation><interpretation confidence="40"><instance>b</instance></interpretation></result>`
	h := recognized(t, "application/x-nlsml", body)
	resp := responseOf(t, h.send(h.request(mrcp.MethodGetResult, "", "", "Confidence-Threshold", "0.5")))
	if got := strings.Join(instances(t, resp.Body), "|"); got != "a" {
		t.Fatalf("interpretations %q", got)
	}
}

func TestGetResultUnfilterable(t *testing.T) {
	cases := []struct{ contentType, body string }{
		{"application/json", `{"text":"one"}`},
		{"application/nlsml+xml", `<result><interpretation confidence="0.9">`},
		{"application/nlsml+xml", `<notnlsml/>`},
		{"application/nlsml+xml", `just text`},
	}
	for _, c := range cases {
		h := recognized(t, c.contentType, c.body)
		resp := responseOf(t, h.send(h.request(mrcp.MethodGetResult, "", "", "Confidence-Threshold", "0.5")))
		if resp.StatusCode != 409 || get(&resp.Header, mrcp.HdrConfidenceThreshold) != "0.5" {
			t.Errorf("%s %q: %d %v", c.contentType, c.body, resp.StatusCode, resp.Header.Fields())
		}
		// Without constraints the result goes back as it is.
		resp = responseOf(t, h.send(h.request(mrcp.MethodGetResult, "", "")))
		if resp.StatusCode != 200 || string(resp.Body) != c.body {
			t.Errorf("%s: %d %q", c.contentType, resp.StatusCode, resp.Body)
		}
	}
}

func TestGetResultWithoutBody(t *testing.T) {
	h := newHarness(t, Config{})
	h.recognizeInline("false")
	h.in(RecognitionComplete{RequestID: 1, Cause: mrcp.CauseNoInputTimeout})
	resp := responseOf(t, h.send(h.request(mrcp.MethodGetResult, "", "", "Confidence-Threshold", "0.5")))
	if resp.StatusCode != 200 || len(resp.Body) != 0 {
		t.Fatalf("%d %q", resp.StatusCode, resp.Body)
	}
}

// A new RECOGNIZE discards the kept result (§9.14).
func TestResultDiscardedByRecognize(t *testing.T) {
	h := recognized(t, "application/nlsml+xml", nlsmlOne)
	h.recognizeInline("false") // 2
	h.in(RecognitionComplete{RequestID: 2, Cause: mrcp.CauseNoMatch})
	resp := responseOf(t, h.send(h.request(mrcp.MethodGetResult, "", "")))
	if len(resp.Body) != 0 {
		t.Fatalf("old result returned: %q", resp.Body)
	}
}

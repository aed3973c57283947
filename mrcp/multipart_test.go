package mrcp

import (
	"errors"
	"strings"
	"testing"
)

// rfcMixedGrammar is shaped like the "Mixed Grammar Reference Example" of
// RFC 6787 §9.5.1 (a URI list and an inline SRGS grammar).
const rfcMixedGrammar = "--break\r\n" +
	"Content-Type:text/uri-list\r\n" +
	"Content-Length:96\r\n" +
	"\r\n" +
	"http://www.example.com/Directory-Name-List.grxml\r\n" +
	"http://www.example.com/Department-List.grxml\r\n" +
	"\r\n" +
	"--break\r\n" +
	"Content-Type:application/srgs+xml\r\n" +
	"Content-ID:<request1@form-level.store>\r\n" +
	"\r\n" +
	"<?xml version=\"1.0\"?>\r\n<grammar root=\"yes\"/>\r\n" +
	"--break--\r\n"

func TestSplitMultipart(t *testing.T) {
	parts, err := SplitMultipart(`multipart/mixed; boundary="break"`, []byte(rfcMixedGrammar))
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 {
		t.Fatalf("%d parts", len(parts))
	}
	if ct, _ := parts[0].Header.Get(HdrContentType); ct != "text/uri-list" {
		t.Fatalf("part 0 type %q", ct)
	}
	// Content-Length cuts off the blank line the example leaves.
	if string(parts[0].Body) != "http://www.example.com/Directory-Name-List.grxml\r\nhttp://www.example.com/Department-List.grxml\r\n" {
		t.Fatalf("part 0 body %q", parts[0].Body)
	}
	if id, _ := parts[1].Header.Get(HdrContentID); id != "<request1@form-level.store>" {
		t.Fatalf("part 1 id %q", id)
	}
	if string(parts[1].Body) != "<?xml version=\"1.0\"?>\r\n<grammar root=\"yes\"/>" {
		t.Fatalf("part 1 body %q", parts[1].Body)
	}

	// Same body with LF line ends, a preamble, no closing delimiter.
	lf := "preamble\n" + strings.ReplaceAll(strings.TrimSuffix(rfcMixedGrammar, "--break--\r\n"), "\r\n", "\n")
	lf = strings.Replace(lf, "Content-Length:96", "Content-Length:94", 1)
	parts, err = SplitMultipart("multipart/mixed;boundary=break", []byte(lf))
	if err != nil || len(parts) != 2 {
		t.Fatalf("LF variant: %d parts, %v", len(parts), err)
	}
	if !strings.HasSuffix(string(parts[1].Body), "<grammar root=\"yes\"/>\n") {
		t.Fatalf("LF part 1 %q", parts[1].Body)
	}
}

func TestSplitMultipartErrors(t *testing.T) {
	cases := []struct {
		ct, body string
		notMulti bool
	}{
		{"text/plain", "x", true},
		{"multipart/mixed", "--x\r\n\r\n", true},
		{"multipart/mixed; boundary=b", "no delimiter here", false},
		{"multipart/mixed; boundary=b", "--b--\r\n", false},
		{"multipart/mixed; boundary=b", "--b junk\r\n\r\nx\r\n--b--", false},
		{"multipart/mixed; boundary=b", "--b\r\nContent-Length: 10\r\n\r\nshort\r\n--b--", false},
		{"multipart/mixed; boundary=b", "--b\r\nno colon\r\n\r\nx\r\n--b--", false},
		{"not a type", "", false},
	}
	for _, c := range cases {
		_, err := SplitMultipart(c.ct, []byte(c.body))
		if err == nil {
			t.Errorf("%q %q accepted", c.ct, c.body)
			continue
		}
		if errors.Is(err, ErrNotMultipart) != c.notMulti {
			t.Errorf("%q %q: %v", c.ct, c.body, err)
		}
	}
}

func TestSplitMultipartBoundaryInsideLine(t *testing.T) {
	// "--b" inside a line is content, not a delimiter.
	body := "--b\r\nContent-Type: text/plain\r\n\r\nx--by\r\n--b--\r\n"
	parts, err := SplitMultipart("multipart/mixed; boundary=b", []byte(body))
	if err != nil || len(parts) != 1 || string(parts[0].Body) != "x--by" {
		t.Fatalf("%+v %v", parts, err)
	}
}

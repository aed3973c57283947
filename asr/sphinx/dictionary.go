package sphinx

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxDictionaryLine bounds one line of a dictionary file; real entries are
// well under 200 bytes.
const maxDictionaryLine = 4096

// Dictionary maps words to their pronunciations (phone strings). It is loaded
// once per pool and shared read-only by every decoder: grammar decoders start
// with an empty dictionary and receive only the words their grammar uses,
// which keeps a warm grammar decoder at a few megabytes.
type Dictionary struct {
	prons map[string][]string
}

// LoadDictionary reads a pronunciation dictionary in the CMU format.
func LoadDictionary(path string) (*Dictionary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sphinx: dictionary: %w", err)
	}
	defer f.Close()
	return ParseDictionary(f)
}

// ParseDictionary reads "word PH ON ES" lines; "word(2) ..." lines add
// alternative pronunciations; blank lines and lines starting with "#" or
// ";;;" are ignored. Words are matched case-insensitively.
func ParseDictionary(r io.Reader) (*Dictionary, error) {
	d := &Dictionary{prons: make(map[string][]string, 1<<17)}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxDictionaryLine)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, ";;;") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) < 2 {
			return nil, fmt.Errorf("sphinx: dictionary line %d: word %q has no phones", line, fields[0])
		}
		word := baseWord(fields[0])
		if word == "" {
			return nil, fmt.Errorf("sphinx: dictionary line %d: empty word", line)
		}
		for _, ph := range fields[1:] {
			if !validPhone(ph) {
				return nil, fmt.Errorf("sphinx: dictionary line %d: bad phone %q", line, ph)
			}
		}
		key := strings.ToLower(word)
		d.prons[key] = append(d.prons[key], strings.Join(fields[1:], " "))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sphinx: dictionary line %d: %w", line+1, err)
	}
	if len(d.prons) == 0 {
		return nil, fmt.Errorf("sphinx: dictionary has no entries")
	}
	return d, nil
}

// baseWord strips the "(N)" alternative-pronunciation suffix.
func baseWord(w string) string {
	if !strings.HasSuffix(w, ")") {
		return w
	}
	open := strings.LastIndexByte(w, '(')
	if open <= 0 {
		return w
	}
	for _, c := range w[open+1 : len(w)-1] {
		if c < '0' || c > '9' {
			return w
		}
	}
	if open+1 == len(w)-1 {
		return w
	}
	return w[:open]
}

func validPhone(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '_':
		default:
			return false
		}
	}
	return p != ""
}

// Pronunciations returns the pronunciations of word, nil when it is unknown.
func (d *Dictionary) Pronunciations(word string) []string {
	return d.prons[strings.ToLower(word)]
}

// Len is the number of distinct words.
func (d *Dictionary) Len() int { return len(d.prons) }

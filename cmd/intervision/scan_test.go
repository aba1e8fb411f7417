package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestScanCommand(t *testing.T) {
	const text = "Moeder Fatima belt vanaf 06-12345678.\nHet BSN van het kind is 123456782."
	for _, c := range []struct {
		name   string
		args   []string
		in     string
		code   int
		want   []string // substrings of stdout
		absent []string // must not be in stdout
	}{
		{"plain", nil, text, 1,
			[]string{"1:8\tname", "1:26\tphone", "2:25\tbsn", "F****a", "0*********8", "1*******2", "3 finding(s)"},
			[]string{"Fatima", "06-12345678", "123456782"}},
		{"plain en", []string{"--lang", "en"}, "Her son Liam was born on 12 March 2015.", 1,
			[]string{"name", "birthdate", "L**m"}, []string{"Liam"}},
		{"clean", []string{"--lang", "nl"}, "De moeder komt om 14:30 met haar zoon van 8.", 0,
			[]string{"0 finding(s)"}, nil},
		{"hint", []string{"--lang", "nl"}, "Het verslag is van 12-03-2024 en gaat over moeder.", 0,
			[]string{"birthdate", "(hint)", "0 finding(s), 1 hint(s)"}, nil},
		{"bad lang", []string{"--lang", "fr"}, text, 2, nil, nil},
		{"extra arg", []string{"file.txt"}, text, 2, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runSub("scan", c.args, strings.NewReader(c.in), &out, &errb)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, errb.String())
			}
			for _, w := range c.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			for _, a := range c.absent {
				if strings.Contains(out.String(), a) {
					t.Errorf("stdout shows the value %q:\n%s", a, out.String())
				}
			}
		})
	}
}

func TestScanCommandJSON(t *testing.T) {
	const text = "Moeder Fatima belt vanaf 06-12345678.\nHet BSN van het kind is 123456782."
	var out, errb bytes.Buffer
	if code := runSub("scan", []string{"--json", "--lang", "nl"}, strings.NewReader(text), &out, &errb); code != 1 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	// exactly {"findings":[{"kind","start","end","confidence"}]}
	var raw map[string][]map[string]any
	if err := json.Unmarshal(out.Bytes(), &raw); err != nil || len(raw) != 1 {
		t.Fatalf("output %s: %v", out.String(), err)
	}
	want := []struct {
		kind, value string
	}{{"name", "Fatima"}, {"phone", "06-12345678"}, {"bsn", "123456782"}}
	fs := raw["findings"]
	if len(fs) != len(want) {
		t.Fatalf("findings %v", fs)
	}
	for i, f := range fs {
		if len(f) != 4 {
			t.Errorf("finding %d has fields %v", i, f)
		}
		start, end := int(f["start"].(float64)), int(f["end"].(float64))
		if f["kind"] != want[i].kind || text[start:end] != want[i].value {
			t.Errorf("finding %d: %v = %q, want %s %q", i, f, text[start:end], want[i].kind, want[i].value)
		}
		if c := f["confidence"].(float64); c < 0.5 || c > 1 {
			t.Errorf("confidence %v", c)
		}
	}
	// no findings: an empty list, not null
	out.Reset()
	runSub("scan", []string{"--json"}, strings.NewReader("niets hier"), &out, &errb)
	if strings.TrimSpace(out.String()) != `{"findings":[]}` {
		t.Errorf("empty output %s", out.String())
	}
}

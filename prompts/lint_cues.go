package prompts

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// cueTemplates are the texts of a cue file that bot/followup fills, by section and key,
// with the placeholders each may hold. Every language must have every one of them.
var cueTemplates = map[string]map[string][]string{
	"why": {
		"who":        nil, // how a reason names a parent it cannot tell: "the parent"
		"poss":       nil,
		"you":        nil, // how a reason names the person addressed: "You"
		"deficit":    {"writer", "who", "poss", "label"},
		"their_word": {"writer", "label"}, // a label passed on from someone else
		"decision":   {"writer", "cue"},
		"concrete":   nil,
		"theme":      {"writer", "theme", "cue"},
		"feeling":    {"writer", "cue"},
	},
	"ask": {
		"feeling": {"feeling"},
	},
}

// lintCues checks the why, ask and theme_names texts of the cue files in fsys: each a
// text (not a value a flow mapping cut short), with only the placeholders its key
// fills, every theme named with a name and what its questions open, and, together over
// the files of a language, none missing.
func (l *linter) lintCues(fsys fs.FS, label func(string) string) error {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("prompts lint: cues: %w", err)
	}
	sort.Strings(files)
	have := map[string]map[string]bool{} // lang → "why.theme", "theme_names.context", …
	first := map[string]string{}         // lang → its first file, where a missing text is reported
	for _, name := range files {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("prompts lint: cues: %w", err)
		}
		l.file = label(name)
		l.files = append(l.files, l.file)
		var doc yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			l.report(0, "a cue file must be a YAML mapping with lang")
			continue
		}
		root := doc.Content[0]
		l.cutShort(root)
		keys := l.mapping(root, nil, "cue file")
		lang := ""
		if kv, ok := keys["lang"]; ok {
			lang = l.scalar(kv.value, "lang")
		}
		if !slices.Contains(Languages, Language(lang)) {
			l.report(root.Line, "cue file: lang %q is not one of %s", lang, join(Languages))
			continue
		}
		if have[lang] == nil {
			have[lang], first[lang] = map[string]bool{}, l.file
		}
		for section := range cueTemplates {
			if kv, ok := keys[section]; ok {
				l.cueTexts(kv.value, section, have[lang])
			}
		}
		if kv, ok := keys["theme_names"]; ok {
			l.themeNames(kv.value, have[lang])
		}
	}
	for _, lang := range Languages {
		if l.file = first[string(lang)]; l.file != "" {
			if missing := missingCues(have[string(lang)]); len(missing) > 0 {
				l.report(0, "cues for %s lack %s", lang, strings.Join(missing, ", "))
			}
		}
	}
	return nil
}

// missingCues lists the templates and theme names a language lacks.
func missingCues(have map[string]bool) []string {
	var missing []string
	for section, ks := range cueTemplates {
		for k := range ks {
			if !have[section+"."+k] {
				missing = append(missing, section+"."+k)
			}
		}
	}
	for _, th := range Themes {
		if !have["theme_names."+string(th)] {
			missing = append(missing, "theme_names."+string(th))
		}
	}
	sort.Strings(missing)
	return missing
}

// cueTexts checks one section of templates (why, ask).
func (l *linter) cueTexts(n *yaml.Node, section string, have map[string]bool) {
	allowed := cueTemplates[section]
	keys := map[string]bool{}
	for k := range allowed {
		keys[k] = true
	}
	for k, kv := range l.mapping(n, keys, section) {
		s, ok := l.cueText(kv, section+"."+k)
		if !ok {
			continue
		}
		have[section+"."+k] = true
		for p := range placeholders(s) {
			if !slices.Contains(allowed[k], strings.Trim(p, "{}")) {
				l.report(kv.value.Line, "%s.%s: placeholder %s is not filled here (use %s)", section, k, p,
					placeholderList(allowed[k]))
			}
		}
	}
}

// themeNames checks theme_names: every key a theme, with a name.
func (l *linter) themeNames(n *yaml.Node, have map[string]bool) {
	for k, kv := range l.mapping(n, nil, "theme_names") {
		if !slices.Contains(Themes, Theme(k)) {
			l.report(kv.key.Line, "theme_names: unknown theme %q (use one of %s)", k, join(Themes))
			continue
		}
		fields := l.mapping(kv.value, map[string]bool{"name": true}, "theme_names."+k)
		ok := true
		for _, f := range []string{"name"} {
			fkv, present := fields[f]
			if !present {
				l.report(kv.key.Line, "theme_names.%s: missing %s", k, f)
				ok = false
				continue
			}
			if s, good := l.cueText(fkv, "theme_names."+k+"."+f); !good {
				ok = false
			} else if len(placeholders(s)) > 0 {
				l.report(fkv.value.Line, "theme_names.%s.%s: a theme name holds no placeholders", k, f)
			}
		}
		if ok {
			have["theme_names."+k] = true
		}
	}
}

// cueText is the text of a template, reporting a value that is none.
func (l *linter) cueText(kv keyValue, what string) (string, bool) {
	v := kv.value
	switch {
	case v.Kind != yaml.ScalarNode:
		l.report(v.Line, "%s: expected a text", what)
		return "", false
	case v.Tag == "!!null" || strings.TrimSpace(v.Value) == "":
		l.report(kv.key.Line, "%s: no text", what)
		return "", false
	}
	return v.Value, true
}

// cutShort reports, anywhere below n, a key without a value inside a flow mapping: an
// unquoted comma ended the text before it ({name: housing, money} reads as name:
// housing and a key "money").
func (l *linter) cutShort(n *yaml.Node) {
	if n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle != 0 {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "" {
				l.report(k.Line, "key %q has no value: a comma in an unquoted text ends it inside { }; quote the text", k.Value)
			}
		}
	}
	for _, c := range n.Content {
		l.cutShort(c)
	}
}

func placeholderList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "{" + n + "}"
	}
	return strings.Join(out, " ")
}

// builtinCues lints the embedded cue files.
func (l *linter) builtinCues() error {
	sub, err := fs.Sub(builtin, "data/cues")
	if err != nil {
		return err
	}
	return l.lintCues(sub, func(name string) string { return path.Join("prompts/data/cues", name) })
}

// Package placeholder fills {name} placeholders without building a strings.Replacer
// for every text (the bot fills a few per step; a Replacer's tables cost more than
// the text).
package placeholder

import "strings"

// Replace returns s with each old string of oldnew (old, new, old, new, ...) replaced
// by its new one, exactly as strings.NewReplacer(oldnew...).Replace(s) does: from left
// to right without overlaps, and where several olds match at one place the first in
// argument order. Replacements are not scanned again. Olds that do not all start with
// '{' go to a strings.Replacer.
func Replace(s string, oldnew ...string) string {
	if len(oldnew)%2 == 1 {
		panic("placeholder.Replace: odd argument count")
	}
	for i := 0; i < len(oldnew); i += 2 {
		if !strings.HasPrefix(oldnew[i], "{") {
			return strings.NewReplacer(oldnew...).Replace(s)
		}
	}
	var b strings.Builder
	done := 0 // s[:done] is written or replaced
	for i := strings.IndexByte(s, '{'); i >= 0; {
		matched := false
		for j := 0; j < len(oldnew); j += 2 {
			if strings.HasPrefix(s[i:], oldnew[j]) {
				if b.Cap() == 0 {
					b.Grow(len(s) + 32)
				}
				b.WriteString(s[done:i])
				b.WriteString(oldnew[j+1])
				i += len(oldnew[j])
				done = i
				matched = true
				break
			}
		}
		if !matched {
			i++
		}
		next := strings.IndexByte(s[i:], '{')
		if next < 0 {
			break
		}
		i += next
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

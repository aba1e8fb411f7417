package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/privacy"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/report"
	"github.com/intervision-bot/intervision/state/memstore"
)

// This file checks the bot's texts as a careful reader would: every Dutch text names
// commands by their Dutch word, counts agree with their number, a phase title's own
// question mark ends the sentence, and a solo reflection is never spoken to as a group.

// countNouns are the counted nouns of lang, from the message pairs key.one ("1
// bericht") and key.many ("{n} berichten") that the one plural rule renders: singular
// and plural form, where they differ ("uur" does not).
func countNouns(lib *prompts.Library, lang string) (one, many []string) {
	for _, k := range lib.MessageKeys() {
		base, ok := strings.CutSuffix(k, ".one")
		if !ok || !slices.Contains(lib.MessageKeys(), base+".many") {
			continue
		}
		rawOne, rawMany := lib.Msg(k, lang), lib.Msg(base+".many", lang)
		if !strings.HasPrefix(rawMany, "{n} ") && strings.Contains(rawMany, "{") {
			continue // a sentence with other values, not a counted noun
		}
		o := strings.TrimSpace(strings.TrimPrefix(rawOne, "1 "))
		m := strings.TrimSpace(strings.TrimPrefix(rawMany, "{n} "))
		if o != m {
			one, many = append(one, regexp.QuoteMeta(o)), append(many, regexp.QuoteMeta(m))
		}
	}
	return one, many
}

// textChecker finds the mistakes a careful reader of lang would mark.
type textChecker struct {
	lang       string
	oneMany    *regexp.Regexp // "1 berichten"
	manyOne    *regexp.Regexp // "2 bericht"
	englishCmd map[string]string
}

func newTextChecker(t *testing.T, lib *prompts.Library, lang string) *textChecker {
	one, many := countNouns(lib, lang)
	if len(one) < 5 {
		t.Fatalf("%s: only %d counted nouns found: %v", lang, len(one), one)
	}
	c := &textChecker{lang: lang,
		oneMany: regexp.MustCompile(`\b1 (` + strings.Join(many, "|") + `)\b`),
		manyOne: regexp.MustCompile(`\b[02-9] (` + strings.Join(one, "|") + `)\b`),
	}
	if lang == string(prompts.Dutch) {
		// every English command word the grammar has a Dutch word for
		c.englishCmd = map[string]string{}
		for canonical, nl := range dutchWords {
			if nl != canonical {
				c.englishCmd[canonical] = nl
			}
		}
	}
	return c
}

var (
	codeSpan = regexp.MustCompile("`([^`]*)`")
	// a command shown with text to type after it ("`!rewrite` followed by new text")
	withText = regexp.MustCompile("`([^`]*)` (?:followed by|met [^`.;]*erachter)")
	wordRe   = regexp.MustCompile(`[A-Za-z][A-Za-z-]*`)
	// doubled marks where a title with its own mark meets a sentence's
	doubled = regexp.MustCompile(`[?!](\*\*|_)?[.,](\s|$)|\.\.(\s|$)`)
)

// dutchToo are English command words that are also plain Dutch words ("help de
// inbrenger"): they are only wrong as a command, in a code span.
var dutchToo = map[string]bool{"help": true}

// problems lists what is wrong with text.
func (c *textChecker) problems(text string) []string {
	var out []string
	if m := c.oneMany.FindString(text); m != "" {
		out = append(out, fmt.Sprintf("%q: a plural after 1", m))
	}
	if m := c.manyOne.FindString(text); m != "" {
		out = append(out, fmt.Sprintf("%q: a singular after a number other than 1", m))
	}
	if m := doubled.FindString(text); m != "" {
		out = append(out, fmt.Sprintf("%q: doubled punctuation", strings.TrimSpace(m)))
	}
	for _, m := range withText.FindAllStringSubmatch(text, -1) {
		// typed bare with text after it, a command word is a contribution (Classify)
		if f := strings.Fields(m[1]); len(f) > 0 && !strings.HasPrefix(f[0], "!") && !strings.HasPrefix(f[0], "/") {
			if _, ok := CommandOf(f[0]); ok {
				out = append(out, fmt.Sprintf("`%s` with text after it needs `!%s`: typed bare it is a contribution", m[1], f[0]))
			}
		}
	}
	if c.englishCmd == nil {
		return out
	}
	for _, span := range codeSpan.FindAllStringSubmatch(text, -1) {
		f := strings.Fields(span[1])
		if len(f) == 0 {
			continue
		}
		// any word of the command other than the one Dutch text shows (`next`, `stop`)
		if canonical, ok := CommandOf(f[0]); ok && dutchWords[canonical] != "" && f[0] != dutchWords[canonical] {
			out = append(out, fmt.Sprintf("`%s` where Dutch says `%s`", span[1], dutchWords[canonical]))
		}
	}
	plain := codeSpan.ReplaceAllString(text, " ")
	for _, w := range wordRe.FindAllString(plain, -1) {
		lw := strings.ToLower(w)
		if nl, ok := c.englishCmd[lw]; ok && !dutchToo[lw] {
			out = append(out, fmt.Sprintf("English word %q in Dutch text (the command is %q)", w, nl))
		}
	}
	return out
}

// placeholder is a {name} in a message template.
var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// everyText is every sentence of the library in lang, with a label: the messages
// (every placeholder filled with n), the closing phases, and each method's title,
// summary, phase titles, instructions and questions, and the question library.
func everyText(lib *prompts.Library, lang string, n int) map[string]string {
	out := map[string]string{}
	for _, k := range lib.MessageKeys() {
		if strings.HasSuffix(k, ".one") || strings.HasSuffix(k, ".many") {
			continue // the forms the plural rule picks from, by n
		}
		out["message "+k] = placeholder.ReplaceAllString(lib.Msg(k, lang), fmt.Sprint(n))
	}
	phase := func(label string, ph prompts.Phase) {
		out[label+" title"] = ph.Title.In(lang)
		out[label+" instruction"] = ph.Instruction.In(lang)
		out[label+" solo"] = ph.Solo.In(lang)
		for _, q := range ph.Questions {
			out[label+" question "+q.ID] = q.Text.In(lang)
		}
	}
	for _, mode := range []string{prompts.ModeGroup, prompts.ModeSolo} {
		for _, ph := range lib.Closing(mode) {
			phase("closing "+mode+" "+ph.ID, ph)
		}
	}
	for _, m := range lib.Methods() {
		out["method "+m.ID+" title"] = m.Title.In(lang)
		out["method "+m.ID+" summary"] = m.Summary.In(lang)
		for _, ph := range m.Phases {
			phase("method "+m.ID+" "+ph.ID, ph)
		}
	}
	for _, q := range lib.Questions() {
		out["question "+q.ID] = q.Text.In(lang)
	}
	return out
}

// TestEveryTextReadsRight: no Dutch text of the bot (messages, closing phases,
// methods, questions, each rendered with 1 and with 2 of each countable) has "1
// berichten" or "2 bericht", an English command word where the grammar has a Dutch
// one, or a doubled mark; nor has an English one a wrong plural.
func TestEveryTextReadsRight(t *testing.T) {
	lib := prompts.MustBuiltin()
	titled := regexp.MustCompile(`\{(phase|method|title)\}`)
	for _, lang := range []string{"nl", "en"} {
		c := newTextChecker(t, lib, lang)
		// a title with its own mark ("Wat neem je mee?") where a sentence goes on
		for _, k := range lib.MessageKeys() {
			raw := lib.Msg(k, lang)
			if !titled.MatchString(raw) {
				continue
			}
			pairs := []string{"phase", "Wat nu?", "method", "Wat? Wat nu?", "title", "Wat nu?"}
			text := placeholder.ReplaceAllString(lib.Msg(k, lang, pairs...), "x")
			if m := doubled.FindString(text); m != "" {
				t.Errorf("message %s (%s) with a title ending in ?: %q in %q", k, lang, strings.TrimSpace(m), text)
			}
		}
		for _, n := range []int{1, 2} {
			for label, text := range everyText(lib, lang, n) {
				for _, p := range c.problems(text) {
					t.Errorf("%s (%s, %d): %s", label, lang, n, p)
				}
			}
		}
	}
}

// TestTextCheckerCatches: the checker marks the mistakes the issue found, so that
// TestEveryTextReadsRight can fail.
func TestTextCheckerCatches(t *testing.T) {
	c := newTextChecker(t, prompts.MustBuiltin(), "nl")
	for _, bad := range []string{
		"Ik heb 1 berichten van jou gewist.",
		"Je schreef 2 bericht.",
		"Wat is wordt na 1 dagen gewist.",
		"We zitten in: Wat neem je mee?.",
		"**Wat? Wat betekent het? Wat nu?**, op je eentje.",
		"Typ `join` om mee te doen.",
		"Typ `next 10` om verder te gaan.",
		"Typ `stop` om te stoppen.",
		"Druk op Next als je klaar bent.",
		"Aan het woord: bob (collega's) en 1 collega's.",
		"`herschrijf` met nieuwe tekst erachter vervangt je laatste bericht.",
	} {
		if len(c.problems(bad)) == 0 {
			t.Errorf("not caught: %q", bad)
		}
	}
	for _, good := range []string{
		"Ik heb 1 bericht van jou gewist.", "Je schreef 2 berichten.", "Over 1 uur, 2 uur.",
		"We zitten nu in: Wat neem je mee?", "Typ `meedoen` om mee te doen.", "Collega's, help de inbrenger.",
		"`!herschrijf` met nieuwe tekst erachter vervangt je laatste bericht.",
	} {
		if p := c.problems(good); len(p) > 0 {
			t.Errorf("%q marked: %v", good, p)
		}
	}
}

// chatter drives an engine directly and keeps every text it said.
type chatter struct {
	t     *testing.T
	e     *Engine
	conv  Conversation
	now   time.Time
	seq   int
	said  []string
	phase string // after the last event
}

func newChatter(t *testing.T, conv Conversation, cfg Config) *chatter {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	c := &chatter{t: t, conv: conv, now: now}
	cfg.Store, cfg.Library = memstore.New(), prompts.MustBuiltin()
	cfg.Now = func() time.Time { return c.now }
	c.e = New(cfg)
	return c
}

// say sends text from user (a command when it starts with "/") and returns the replies.
func (c *chatter) say(user, text string) []Reply {
	c.t.Helper()
	c.seq++
	c.now = c.now.Add(time.Minute)
	cmd, isCmd := Classify(text, Typed)
	out, err := c.e.Handle(context.Background(), Event{ID: fmt.Sprint("e", c.seq), Conv: c.conv,
		User: User{ID: user, Name: user}, Text: cmd, Command: isCmd, Time: c.now})
	if err != nil {
		c.t.Fatalf("%s: %q: %v", user, text, err)
	}
	c.phase = out.Phase
	for _, r := range out.Replies {
		c.said = append(c.said, r.Text)
		if r.File != nil && r.File.Type == "text/markdown" {
			c.said = append(c.said, string(r.File.Data))
		}
		for _, a := range r.Actions {
			c.said = append(c.said, a.Label)
		}
	}
	return out.Replies
}

// TestDutchSessionReadsRight runs Dutch group sessions with one and with two peers
// through every command, and checks all the bot says (the sentences the engine puts
// together: status, help, role labels, the summary): Dutch command words, counts that
// agree, no doubled marks. One peer is "collega", not "collega's".
func TestDutchSessionReadsRight(t *testing.T) {
	lib := prompts.MustBuiltin()
	check := newTextChecker(t, lib, "nl")
	for _, peers := range [][]string{{"bob"}, {"bob", "cas"}} {
		c := newChatter(t, Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.0"}, Config{})
		c.say("ann", "/start wsn nl")
		c.say("bob", "/status")
		for _, p := range peers {
			c.say(p, "/meedoen")
		}
		c.say("ann", "/inbrengen")
		for _, l := range []string{"/hulp", "/status", "/volgende", "Een moeder kwam niet naar het derde gesprek.", "/status",
			"/hulp", "/volgende", "/terug", "/pauze", "/status", "/hervat", "/langer 10", "/langer", "/volgende", "/onzin"} {
			c.say("ann", l)
		}
		c.say("bob", "/volgende")
		c.say("bob", "Het valt me op dat het plan er al lag.")
		for range 3 {
			c.say("ann", "/volgende")
		}
		c.say("ann", "/hulp")
		c.say("ann", "Ik neem mee dat ik te snel besliste.")
		c.say("ann", "Maandag bel ik haar.")
		c.say("ann", "/einde")
		c.say("bob", "/samenvatting")
		c.say("bob", "/vergeet")
		c.say("bob", "/export")
		for _, text := range c.said {
			for _, p := range check.problems(text) {
				t.Errorf("%d peers: %s\nin: %s", len(peers), p, text)
			}
		}
		all := strings.Join(c.said, "\n")
		if len(peers) == 1 && (!strings.Contains(all, "bob (collega)") || strings.Contains(all, "bob (collega's)") ||
			!strings.Contains(all, "Collega: bob")) {
			t.Errorf("one peer is not named as one collega:\n%s", all)
		}
		if len(peers) == 2 && !strings.Contains(all, "bob, cas (collega's)") {
			t.Errorf("two peers are not named as collega's:\n%s", all)
		}
	}
}

// TestReportReadsRight: the team report's counts agree with their numbers, in both
// languages, for one and for two sessions.
func TestReportReadsRight(t *testing.T) {
	lib := prompts.MustBuiltin()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, lang := range []string{"nl", "en"} {
		check := newTextChecker(t, lib, lang)
		for _, n := range []int{1, 2, 3} {
			var tags []report.Tag
			for i := range n {
				tags = append(tags, report.Tag{Ended: now.Add(-time.Duration(i+1) * time.Hour), Method: "wsn", Minutes: 61,
					Themes: []prompts.Theme{prompts.ThemeContext}})
			}
			r := report.Build(tags, report.DefaultWindow, now)
			_, alt, err := r.PNG(lang)
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range []string{r.Markdown(lang, report.Titles(lib, lang)), alt} {
				for _, p := range check.problems(text) {
					t.Errorf("%s, %d sessions: %s\nin: %s", lang, n, p, text)
				}
			}
		}
	}
}

// groupWords are the words that speak to or about a group, per language: a solo
// reflection must never get them.
var groupWords = map[string]*regexp.Regexp{
	"nl": regexp.MustCompile(`(?i)\bjullie\b|\biedereen\b|\binbrenger|collega's|\baanwezig|\bdraad\b|\bgroep|\bann (opent|heeft|is|doet|brengt)\b|\(ann\b`),
	"en": regexp.MustCompile(`(?i)\byou all\b|\beveryone\b|case bringer|\bpeers\b|\bhere:|\bthread\b|\bgroup\b|\bann (reopens|ended|left|brings|joined)\b|\(ann\b`),
}

// TestSoloTextsSpeakToOnePerson runs every method that has a solo mode, in both
// languages, through the commands a person reflecting alone can use (status, help,
// back, pause, more, next, keep, end; an end before anything was written) and fails on
// any text that speaks to or about a group.
func TestSoloTextsSpeakToOnePerson(t *testing.T) {
	lib := prompts.MustBuiltin()
	for _, lang := range []string{"nl", "en"} {
		for _, m := range lib.Methods() {
			if !m.Supports(prompts.ModeSolo) {
				continue
			}
			c := newChatter(t, Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}, Config{})
			c.say("ann", "/start "+m.ID+" "+lang)
			for _, l := range []string{"/status", "/help", "I noticed the father did not look at me.", "/next",
				"/back", "/pause", "/resume", "/more", "/status", "/help", "/next", "/keep", "/summary"} {
				c.say("ann", l)
			}
			for i := 0; i < 12 && c.phase != "takeaway"; i++ {
				c.say("ann", "/next")
			}
			c.say("ann", "I decided too fast.") // the takeaway, in the summary's first part
			c.say("ann", "/end")
			c.say("ann", "/summary")
			c.say("ann", "/start "+m.ID+" "+lang)
			c.say("ann", "/end") // nothing written
			for _, text := range c.said {
				if w := groupWords[lang].FindString(text); w != "" {
					t.Errorf("%s %s: %q speaks to a group:\n%s", m.ID, lang, w, text)
				}
			}
		}
		// and the solo texts no run above reaches (timers, a broken method)
		solo := map[string]string{}
		for _, k := range lib.MessageKeys() {
			if strings.HasSuffix(k, ".solo") && !strings.HasPrefix(k, "start.wrong_mode.") {
				solo["message "+k] = lib.Msg(k, lang) // wrong_mode.solo rightly names a group
			}
		}
		for _, ph := range lib.Closing(prompts.ModeSolo) {
			solo["closing "+ph.ID] = ph.Solo.In(lang)
			if ph.Solo.In(lang) == "" {
				solo["closing "+ph.ID] = ph.Instruction.In(lang)
			}
		}
		for _, m := range lib.Methods() {
			for _, ph := range m.Phases {
				if m.Supports(prompts.ModeSolo) {
					solo["method "+m.ID+" "+ph.ID+" solo"] = ph.Solo.In(lang)
				}
			}
		}
		for label, text := range solo {
			if w := groupWords[lang].FindString(text); w != "" {
				t.Errorf("%s (%s): %q speaks to a group: %s", label, lang, w, text)
			}
		}
	}
}

// TestSoloEndSaysOneThing: ending a solo reflection before anything was written says
// so once; it does not promise "here is what you wrote" first.
func TestSoloEndSaysOneThing(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		c := newChatter(t, Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}, Config{})
		c.say("ann", "/start gibbs "+lang)
		out := c.say("ann", "/end")
		if len(out) != 1 {
			t.Fatalf("%s: %d replies to an empty end, want 1: %+v", lang, len(out), out)
		}
		lib := prompts.MustBuiltin()
		if want := lib.Msg("end.empty.solo", lang); out[0].Text != want {
			t.Errorf("%s: %q, want %q", lang, out[0].Text, want)
		}
		for _, promise := range []string{"Here is what you wrote", "Hier is wat je schreef"} {
			if strings.Contains(out[0].Text, promise) {
				t.Errorf("%s: %q promises what is not there", lang, out[0].Text)
			}
		}
	}
}

// TestPrivacyNoticeEditOnlyInAChat: the privacy notice asks to edit the original
// message in Slack and Discord, where others still see it; never in the terminal,
// where there is no message to edit.
func TestPrivacyNoticeEditOnlyInAChat(t *testing.T) {
	for _, c := range []struct {
		platform string
		edit     bool
	}{{"slack", true}, {"discord", true}, {"terminal", false}} {
		ch := newChatter(t, Conversation{Platform: c.platform, Workspace: "T1", Channel: "D1", Direct: true},
			Config{Pseudonymiser: oneName{}})
		ch.say("ann", "/start gibbs en")
		out := ch.say("ann", "Mrs Jansen did not come.")
		if len(out) == 0 || out[0].To != "ann" || !strings.Contains(out[0].Text, "Mrs B did not come") {
			t.Fatalf("%s: no privacy notice: %+v", c.platform, out)
		}
		if got := strings.Contains(out[0].Text, "edit or delete your original message"); got != c.edit {
			t.Errorf("%s: asks to edit the original: %v, want %v:\n%s", c.platform, got, c.edit, out[0].Text)
		}
		if !strings.Contains(out[0].Text, "`!keep`") {
			t.Errorf("%s: the notice lost its keep hint:\n%s", c.platform, out[0].Text)
		}
	}
}

// TestForgetNamesChatCopiesOnlyInAChat: forget says the person's own messages stay in
// the chat only where there is a chat; the terminal has none.
func TestForgetNamesChatCopiesOnlyInAChat(t *testing.T) {
	for platform, want := range map[string]bool{"slack": true, "discord": true, "terminal": false} {
		c := newChatter(t, Conversation{Platform: platform, Workspace: "T1", Channel: "D1", Direct: true}, Config{})
		c.say("ann", "/start gibbs en")
		c.say("ann", "The father did not look at me.")
		out := c.say("ann", "/forget yes")
		if len(out) == 0 || !strings.Contains(out[0].Text, "I deleted 1 message of yours") {
			t.Fatalf("%s: forget: %+v", platform, out)
		}
		if got := strings.Contains(out[0].Text, "in the chat itself stay"); got != want {
			t.Errorf("%s: names the chat's copies: %v, want %v: %s", platform, got, want, out[0].Text)
		}
	}
}

// oneName replaces the name Jansen.
type oneName struct{}

func (oneName) Pseudonymise(text, _ string, _ map[string]string) (string, []string) {
	if strings.Contains(text, "Jansen") {
		return strings.ReplaceAll(text, "Jansen", "B"), []string{"name"}
	}
	return text, nil
}

// TestGossipKeepsMembersNames: in the gossip method the peers talk about the case
// bringer by name; the real pseudonymiser leaves the session's members' names alone
// (no privacy notice, the name in the summary) and still replaces the family's.
func TestGossipKeepsMembersNames(t *testing.T) {
	c := newChatter(t, Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.0"},
		Config{Pseudonymiser: privacy.NewPseudonymiser()})
	c.say("Lotte", "/start gossip nl")
	c.say("bob", "/meedoen")
	c.say("Lotte", "/inbrengen")
	c.say("Lotte", "/volgende")
	c.say("Lotte", "Moeder Fatima zegt af. Hoe houd ik contact?")
	for i := 0; i < 4 && c.phase != "gossip"; i++ {
		c.say("Lotte", "/volgende")
	}
	if c.phase != "gossip" {
		t.Fatalf("never reached the gossip phase: %s", c.phase)
	}
	out := c.say("bob", "Ik denk dat Lotte zich erg verantwoordelijk voelt voor Fatima.")
	for _, r := range out {
		if r.To == "bob" && !strings.Contains(r.Text, "Lotte zich") {
			t.Fatalf("the privacy notice replaced Lotte's own name: %s", r.Text)
		}
	}
	c.say("Lotte", "/einde")
	doc := strings.Join(c.said, "\n") // with the summary document
	if !strings.Contains(doc, "Ik denk dat Lotte zich erg verantwoordelijk voelt voor Moeder A.") || strings.Contains(doc, "Fatima") {
		t.Fatalf("the summary does not keep Lotte and replace Fatima:\n%s", doc)
	}
}

// TestDutchSpanUnits: the Dutch texts write hours as `2u` (uur), so the spans read it.
func TestDutchSpanUnits(t *testing.T) {
	for in, want := range map[string]time.Duration{"2u": 2 * time.Hour, "1U": time.Hour, "2h": 2 * time.Hour, "3d": 72 * time.Hour} {
		if d, ok := ParseSpan(in); !ok || d != want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v", in, d, ok, want)
		}
	}
	if d, ok := moreSpan("2u"); !ok || d != 2*time.Hour {
		t.Errorf("langer 2u: %v, %v", d, ok)
	}
	if _, ok := ParseSpan("u"); ok {
		t.Error("a bare unit is a span")
	}
}

// TestClosesHowIsTrue: a phase that still waits for the case bringer does not promise
// to move on when the time is up (timeUp waits for them); once they wrote, it does.
func TestClosesHowIsTrue(t *testing.T) {
	c := newChatter(t, Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.0"}, Config{})
	for _, l := range [][2]string{{"ann", "/start wsn nl"}, {"bob", "/meedoen"}, {"ann", "/inbrengen"}} {
		c.say(l[0], l[1])
	}
	head := strings.Join(func() (s []string) {
		for _, r := range c.say("ann", "/volgende") {
			s = append(s, r.Text)
		}
		return s
	}(), "\n")
	if !strings.Contains(head, "Met `volgende` (of de knop) gaat ann verder; als de tijd om is, ga ik verder zodra ann iets heeft geschreven.") {
		t.Fatalf("the phase that waits for ann promises to move on:\n%s", head)
	}
	c.say("ann", "Een moeder kwam niet naar het derde gesprek.")
	st := c.say("ann", "/status")
	if !strings.Contains(st[0].Text, "als de tijd om is, ga ik verder.") || strings.Contains(st[0].Text, "zodra ann") {
		t.Fatalf("after ann wrote, status still waits for her:\n%s", st[0].Text)
	}
}

// TestAllInOnlyWhenEveryoneSpoke: "everyone has had their say" only when every speaker
// of the phase wrote; in wsn's "Now what?" (done when the case bringer wrote, peers
// speak too) the case bringer's line alone gets "this phase has what it needs".
func TestAllInOnlyWhenEveryoneSpoke(t *testing.T) {
	c := newChatter(t, Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.0"}, Config{})
	for _, l := range [][2]string{{"ann", "/start wsn en"}, {"bob", "/join"}, {"ann", "/bring"}, {"ann", "/next"},
		{"ann", "A mother did not come."}, {"ann", "/next"}, {"bob", "Who was there?"}, {"ann", "Only me."}, {"ann", "/next"}} {
		c.say(l[0], l[1])
	}
	if c.phase != "so-what" {
		t.Fatalf("phase %q, want so-what", c.phase)
	}
	c.say("ann", "I decided too fast.")
	all := c.say("bob", "Perhaps the time did not suit her.")
	if len(all) == 0 || !strings.Contains(all[len(all)-1].Text, "Everyone has had their say") {
		t.Fatalf("each member wrote, no all-in note: %+v", all)
	}
	c.say("ann", "/next")
	part := c.say("ann", "I will ask her which time suits her.")
	text := part[len(part)-1].Text
	if strings.Contains(text, "Everyone") || !strings.Contains(text, "This phase (Now what?) has what it needs") {
		t.Fatalf("bob has not spoken in Now what?, yet: %q", text)
	}
}

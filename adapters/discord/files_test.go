package discord

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// fakeFiles is the fake's view of multipart calls (fakeDiscord.files, under
// fakeDiscord.mu): discordgo sends a message with files as multipart/form-data, the
// message as the part payload_json and each file as the part files[n].
type fakeFiles struct {
	pending []sentFile // files of the call being answered, taken by record
	refuse  bool       // answer calls with files 403 Missing Permissions (50013)
	refused int
}

// sentFile is one attachment as it arrived.
type sentFile struct {
	Field, Name, ContentType string
	Data                     []byte
}

// multipart decodes a multipart call (f.mu held): it returns the payload_json part as
// the body for the routes and keeps the files for record. With refuse set, a call with
// files is answered 403 here, and the status returned.
func (f *fakeDiscord) multipart(w http.ResponseWriter, r *http.Request, path string, body []byte) ([]byte, int) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return body, 0
	}
	var payload []byte
	var files []sentFile
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.t.Errorf("fake discord: multipart %s %s: %v", r.Method, path, err)
			return body, 0
		}
		data, _ := io.ReadAll(p)
		if p.FormName() == "payload_json" {
			payload = data
			continue
		}
		files = append(files, sentFile{Field: p.FormName(), Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
	}
	if f.files.refuse && len(files) > 0 {
		f.files.refused++
		return nil, f.reply(w, 403, map[string]any{"message": "Missing Permissions", "code": 50013})
	}
	f.files.pending = files
	return payload, 0
}

// takeFiles hands the pending call's files to record (f.mu held).
func (f *fakeDiscord) takeFiles() []sentFile {
	files := f.files.pending
	f.files.pending = nil
	return files
}

func summaryDoc() *bot.File {
	return &bot.File{Name: "summary-2026-11-24.md", Type: "text/markdown",
		Data: []byte("# Summary\n\nthe case of the family at number 12\n\n- **next step**: call the school\n")}
}

// checkAttached fails unless m carries exactly file as files[0].
func checkAttached(t *testing.T, m sent, file *bot.File) {
	t.Helper()
	if len(m.Files) != 1 {
		t.Fatalf("message %s has files %+v, want one", m.ID, m.Files)
	}
	a := m.Files[0]
	if a.Field != "files[0]" || a.Name != file.Name || a.ContentType != file.Type || !bytes.Equal(a.Data, file.Data) {
		t.Errorf("attachment %s %q %s (%d bytes), want files[0] %q %s with the document", a.Field, a.Name, a.ContentType, len(a.Data), file.Name, file.Type)
	}
}

// TestFileInThread: a reply with a document reaches the thread as the message carrying
// its text, the file attached to its last piece (multipart files[0] with name, type and
// bytes); an image too.
func TestFileInThread(t *testing.T) {
	rec := &eventLog{}
	h, a, conv := deliverHarness(t, rec)
	doc := summaryDoc()
	png := &bot.File{Name: "report.png", Type: "image/png", Data: []byte("\x89PNG\r\n\x1a\nfake"), Alt: "Bar chart"}
	out := bot.Outcome{Replies: []bot.Reply{
		{Text: strings.Repeat("summary ", 300), File: doc}, // 2400 characters: two messages
		{Text: "This month's report.", File: png},
	}}
	if err := a.Deliver(context.Background(), rec, conv, out); err != nil {
		t.Fatal(err)
	}
	thread := h.in("700")
	if len(thread) != 3 {
		t.Fatalf("thread: %s", dump(thread))
	}
	if len(thread[0].Files) != 0 {
		t.Errorf("the first piece carries files %+v; the file belongs on the last", thread[0].Files)
	}
	checkAttached(t, thread[1], doc)
	checkAttached(t, thread[2], png)
	if thread[2].Content != "This month's report." {
		t.Errorf("the chart's message says %q", thread[2].Content)
	}
	checkSafe(t, thread)
}

// TestFileRefused: when Discord refuses the message with the file (no Attach Files
// permission, too large), the text goes again without it and a Markdown document's
// content follows as text; a chart is left out. Both stay in the thread.
func TestFileRefused(t *testing.T) {
	rec := &eventLog{}
	h, a, conv := deliverHarness(t, rec)
	h.f.mu.Lock()
	h.f.files.refuse = true
	h.f.mu.Unlock()
	doc := summaryDoc()
	out := bot.Outcome{Replies: []bot.Reply{
		{Text: "Here is the summary.", File: doc},
		{Text: "And the chart.", File: &bot.File{Name: "c.png", Type: "image/png", Data: []byte("png")}},
	}}
	if err := a.Deliver(context.Background(), rec, conv, out); err != nil {
		t.Fatal(err)
	}
	thread := h.in("700")
	if len(thread) != 3 || thread[0].Content != "Here is the summary." || !strings.Contains(thread[1].Content, "number 12") ||
		!strings.Contains(thread[1].Content, "**next step**") || thread[2].Content != "And the chart." {
		t.Fatalf("thread: %s, want the text, the summary as text, the chart's text", dump(thread))
	}
	h.f.mu.Lock()
	refused := h.f.files.refused
	h.f.mu.Unlock()
	if refused != 2 {
		t.Errorf("%d calls with files refused, want 2", refused)
	}
}

// TestFilePrivate: a private reply with a document to the user's slash command is an
// ephemeral interaction message with the file attached (Discord takes files on
// interaction responses and followups); a Direct one arrives in the DM with the file.
func TestFilePrivate(t *testing.T) {
	doc := summaryDoc()
	rec := &eventLog{out: bot.Outcome{Replies: []bot.Reply{
		{To: ann.id, Text: "Your export.", File: doc},
		{To: ann.id, Direct: true, Text: "A copy for your DMs.", File: doc},
		{Text: "The session's summary.", File: doc},
	}}}
	h := startWith(t, 1, rec, 0)
	h.f.addUser(userJSON(ann), guildID, "")
	id := h.slash(ann, guildID, channelID, "export")
	var private, public []sent
	for _, m := range h.f.messages() {
		switch {
		case m.Interaction == id && m.Ephemeral:
			private = append(private, m)
		case m.Interaction == id:
			public = append(public, m)
		}
	}
	if len(private) != 1 || private[0].Content != "Your export." {
		t.Fatalf("private messages: %s", dump(private))
	}
	checkAttached(t, private[0], doc)
	if len(public) != 1 || public[0].Content != "The session's summary." {
		t.Fatalf("public messages: %s", dump(public))
	}
	checkAttached(t, public[0], doc)
	dm := h.in("dm-" + ann.id)
	if len(dm) != 1 || dm[0].Content != "A copy for your DMs." {
		t.Fatalf("DM: %s", dump(dm))
	}
	checkAttached(t, dm[0], doc)
}

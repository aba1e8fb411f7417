package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// fakeUploads is the fake's file upload state (fakeSlack.uploads, under fakeSlack.mu):
// files.getUploadURLExternal hands out an upload URL on the fake server, the POST to it
// brings the bytes, files.completeUploadExternal shares the file.
type fakeUploads struct {
	next     int
	asked    map[string]url.Values // file id → getUploadURLExternal form
	bytes    map[string][]byte     // file id → uploaded content
	uploads  []fakeUpload          // completed uploads
	failPost bool                  // the upload POST answers HTTP 500
}

// fakeUpload is one file the bot shared.
type fakeUpload struct {
	ID, Name, Title, Alt, Length string
	Channel, Thread, Comment     string
	Data                         []byte
	Auth                         string // Authorization header of the upload POST
}

// serveFiles answers the file upload methods; f.mu is held.
func (f *fakeSlack) serveFiles(w http.ResponseWriter, r *http.Request, method string, form url.Values, body []byte, reply func(any)) bool {
	u := &f.uploads
	if u.asked == nil {
		u.asked, u.bytes = map[string]url.Values{}, map[string][]byte{}
	}
	switch {
	case method == "files.getUploadURLExternal":
		u.next++
		id := fmt.Sprintf("F%04d", u.next)
		u.asked[id] = form
		reply(map[string]any{"ok": true, "upload_url": f.srv.URL + "/upload/" + id, "file_id": id})
	case strings.HasPrefix(method, "upload/"):
		id := strings.TrimPrefix(method, "upload/")
		if u.failPost {
			w.WriteHeader(http.StatusInternalServerError)
			return true
		}
		data, err := uploadedFile(r.Header.Get("Content-Type"), body)
		if err != nil {
			f.t.Errorf("fake slack: upload %s: %v", id, err)
			w.WriteHeader(http.StatusBadRequest)
			return true
		}
		u.bytes[id] = data
		u.bytes[id+"/auth"] = []byte(r.Header.Get("Authorization"))
		_, _ = fmt.Fprintf(w, "OK - %d", len(data))
	case method == "files.completeUploadExternal":
		var files []struct{ ID, Title string }
		if err := json.Unmarshal([]byte(form.Get("files")), &files); err != nil || len(files) != 1 {
			reply(map[string]any{"ok": false, "error": "invalid_arguments"})
			return true
		}
		id := files[0].ID
		data, ok := u.bytes[id]
		if !ok {
			reply(map[string]any{"ok": false, "error": "file_not_found"})
			return true
		}
		asked := u.asked[id]
		u.uploads = append(u.uploads, fakeUpload{ID: id, Name: asked.Get("filename"), Title: files[0].Title,
			Alt: asked.Get("alt_txt"), Length: asked.Get("length"), Channel: form.Get("channel_id"),
			Thread: form.Get("thread_ts"), Comment: form.Get("initial_comment"), Data: data,
			Auth: string(u.bytes[id+"/auth"])})
		reply(map[string]any{"ok": true, "files": []map[string]any{{"id": id, "title": files[0].Title}}})
	default:
		return false
	}
	return true
}

// uploadedFile returns the "file" part of a multipart body.
func uploadedFile(contentType string, body []byte) ([]byte, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		return nil, fmt.Errorf("content type %q", contentType)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("no file part: %w", err)
		}
		if p.FormName() == "file" {
			return io.ReadAll(p)
		}
	}
}

func (f *fakeSlack) sharedFiles() []fakeUpload {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeUpload(nil), f.uploads.uploads...)
}

func (f *fakeSlack) failUploadPost() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploads.failPost = true
}

// syncBuffer is a log sink the test reads after the adapter wrote.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// deliverer is an adapter that is not running (Deliver sends at once) against a
// fakeSlack, with the real slack-go client, logging into the returned buffer.
func deliverer(t *testing.T) (*Adapter, *fakeSlack, *syncBuffer) {
	t.Helper()
	f := newFakeSlack(t)
	for _, id := range []string{"UALICE", "UBOB"} {
		f.addUser(id, strings.ToLower(id), "en-US")
	}
	logs := &syncBuffer{}
	a, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: f.apiURL(),
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return a, f, logs
}

const (
	fileThread = "1700000000.000001"
	secretLine = "Sanne's case: the family at number 12"
)

func summary() *bot.File {
	return &bot.File{Name: "summary-2026-11-24.md", Type: "text/markdown",
		Data: []byte("# Summary\n\n" + secretLine + "\n\n- **next step**: call the school\n")}
}

func threadConv() bot.Conversation {
	return bot.Conversation{Platform: Platform, Workspace: fakeTeam, Channel: "C1", Thread: fileThread}
}

// TestFileUploadInThread: a reply with a document in a session's thread posts its text
// as before and then uploads the file into the same channel and thread, through the
// three calls of files upload v2, with the bytes, name, title, no initial comment.
func TestFileUploadInThread(t *testing.T) {
	a, f, logs := deliverer(t)
	file := summary()
	err := a.Deliver(context.Background(), &recorder{}, threadConv(), bot.Outcome{Replies: []bot.Reply{{Text: "The session is over. Here is the summary.", File: file}}})
	if err != nil {
		t.Fatal(err)
	}
	posts := f.allPosts()
	if len(posts) != 1 || posts[0].Thread != fileThread || posts[0].Channel != "C1" || !strings.Contains(posts[0].Text, "Here is the summary") {
		t.Fatalf("posts %+v, want the text once in the thread", posts)
	}
	up := f.sharedFiles()
	if len(up) != 1 {
		t.Fatalf("uploads %+v, want 1", up)
	}
	u := up[0]
	if u.Channel != "C1" || u.Thread != fileThread {
		t.Errorf("shared in %s thread %q, want C1 thread %s", u.Channel, u.Thread, fileThread)
	}
	if !bytes.Equal(u.Data, file.Data) || u.Length != fmt.Sprint(len(file.Data)) {
		t.Errorf("uploaded %q (length %s), want %q", u.Data, u.Length, file.Data)
	}
	if u.Name != file.Name || u.Title != file.Name || u.Comment != "" || u.Alt != "" {
		t.Errorf("upload %+v: want name and title %s, no comment, no alt text", u, file.Name)
	}
	if u.Auth != "Bearer xoxb-test" {
		t.Errorf("upload POST authorization %q", u.Auth)
	}
	var order []string
	f.mu.Lock()
	for _, c := range f.calls {
		order = append(order, c.Method)
	}
	f.mu.Unlock()
	want := []string{"chat.postMessage", "files.getUploadURLExternal", "upload/" + u.ID, "files.completeUploadExternal"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("calls %v, want %v", order, want)
	}
	if strings.Contains(logs.String(), secretLine) {
		t.Error("the document's content is in the logs")
	}
}

// TestFileImageAltText: an image goes up with its alt text (alt_txt of
// files.getUploadURLExternal).
func TestFileImageAltText(t *testing.T) {
	a, f, _ := deliverer(t)
	png := &bot.File{Name: "report.png", Type: "image/png", Data: []byte("\x89PNG\r\n\x1a\nfake"), Alt: "Bar chart: 12 sessions in November"}
	if err := a.Deliver(context.Background(), &recorder{}, threadConv(), bot.Outcome{Replies: []bot.Reply{{Text: "This month's report.", File: png}}}); err != nil {
		t.Fatal(err)
	}
	up := f.sharedFiles()
	if len(up) != 1 || up[0].Alt != png.Alt || !bytes.Equal(up[0].Data, png.Data) || up[0].Thread != fileThread {
		t.Fatalf("uploads %+v, want the image with its alt text in the thread", up)
	}
}

// TestFileUploadFails: when any step of the upload fails, the reply's text is there,
// the failure is logged without the content, and a Markdown document's content follows
// as text in the thread (split as long replies are). An image is not replaced.
func TestFileUploadFails(t *testing.T) {
	for _, step := range []string{"files.getUploadURLExternal", "upload", "files.completeUploadExternal"} {
		t.Run(step, func(t *testing.T) {
			a, f, logs := deliverer(t)
			switch step {
			case "upload":
				f.failUploadPost()
			case "files.completeUploadExternal":
				f.failWith(step, "not_allowed")
			default:
				f.failWith(step, "missing_scope")
			}
			file := summary()
			long := strings.Repeat("a line of the summary\n", 2500) // 55,000 bytes: two messages
			file.Data = append(file.Data, long...)
			err := a.Deliver(context.Background(), &recorder{}, threadConv(), bot.Outcome{Replies: []bot.Reply{
				{Text: "Here is the summary.", File: file},
				{Text: "And the chart.", File: &bot.File{Name: "c.png", Type: "image/png", Data: []byte("png")}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if up := f.sharedFiles(); len(up) != 0 {
				t.Fatalf("shared %+v", up)
			}
			posts := f.allPosts()
			if len(posts) != 4 {
				t.Fatalf("posts %+v, want the text, the summary in two pieces, the chart's text", posts)
			}
			for _, p := range posts {
				if p.Method != "chat.postMessage" || p.Channel != "C1" || p.Thread != fileThread {
					t.Errorf("post %+v not in the thread", p)
				}
			}
			got := posts[1].Text + "\n" + posts[2].Text
			if !strings.Contains(posts[1].Text, secretLine) || !strings.Contains(got, "*next step*") ||
				strings.Count(got, "a line of the summary") != 2500 {
				t.Errorf("the summary's content was not posted whole: %q…", got[:200])
			}
			if posts[3].Text != "And the chart." {
				t.Errorf("last post %q, want only the chart's text", posts[3].Text)
			}
			l := logs.String()
			if !strings.Contains(l, "upload a file") || strings.Contains(l, secretLine) || strings.Contains(l, "Here is the summary") {
				t.Errorf("logs: want the failure without any text: %s", l)
			}
		})
	}
}

// TestFileUploadFailsLongDocument: a document far longer than a thread should carry
// (a full session's summary) is posted only up to maxFallbackText when its upload
// fails, cut at a line and marked.
func TestFileUploadFailsLongDocument(t *testing.T) {
	a, f, _ := deliverer(t)
	f.failWith("files.getUploadURLExternal", "missing_scope")
	file := summary()
	file.Data = append(file.Data, strings.Repeat("a line of the summary\n", 12000)...) // 264,000 bytes
	err := a.Deliver(context.Background(), &recorder{}, threadConv(), bot.Outcome{Replies: []bot.Reply{{Text: "Here is the summary.", File: file}}})
	if err != nil {
		t.Fatal(err)
	}
	posts := f.allPosts()
	total := 0
	for _, p := range posts[1:] {
		total += len(p.Text)
	}
	if len(posts) > 4 || total > 81_000 || !strings.HasSuffix(posts[len(posts)-1].Text, "…") {
		t.Fatalf("%d posts, %d bytes after the reply; want at most three pieces, at most about 80,000 bytes, ending in …", len(posts), total)
	}
}

// TestFilePrivateReply: a private reply's text is ephemeral in the thread; an
// ephemeral message cannot carry a file, so the document goes to the recipient's DM.
// When that upload fails, the content follows in the DM, never in the thread.
func TestFilePrivateReply(t *testing.T) {
	a, f, _ := deliverer(t)
	file := summary()
	rep := bot.Reply{To: "UBOB", Text: "Your export.", File: file}
	if err := a.Deliver(context.Background(), &recorder{}, threadConv(), bot.Outcome{Replies: []bot.Reply{rep}}); err != nil {
		t.Fatal(err)
	}
	posts := f.allPosts()
	if len(posts) != 1 || posts[0].Method != "chat.postEphemeral" || posts[0].To != "UBOB" || posts[0].Thread != fileThread {
		t.Fatalf("posts %+v, want the text ephemerally for UBOB in the thread", posts)
	}
	up := f.sharedFiles()
	if len(up) != 1 || up[0].Channel != "DUBOB" || up[0].Thread != "" || !bytes.Equal(up[0].Data, file.Data) {
		t.Fatalf("uploads %+v, want the document in UBOB's DM", up)
	}

	f.failWith("files.completeUploadExternal", "not_allowed")
	if err := a.Deliver(context.Background(), &recorder{}, threadConv(), bot.Outcome{Replies: []bot.Reply{rep}}); err != nil {
		t.Fatal(err)
	}
	posts = f.allPosts()[1:]
	if len(posts) != 2 || posts[1].Channel != "DUBOB" || posts[1].Method != "chat.postMessage" || !strings.Contains(posts[1].Text, secretLine) {
		t.Fatalf("posts %+v, want the ephemeral text, then the content in UBOB's DM", posts)
	}

	// No DM (conversations.open fails): the content follows ephemerally, still private.
	f.failWith("conversations.open", "user_not_found")
	if err := a.Deliver(context.Background(), &recorder{}, threadConv(), bot.Outcome{Replies: []bot.Reply{rep}}); err != nil {
		t.Fatal(err)
	}
	posts = f.allPosts()[3:]
	if len(posts) != 2 || posts[1].Method != "chat.postEphemeral" || posts[1].To != "UBOB" || !strings.Contains(posts[1].Text, secretLine) {
		t.Fatalf("posts %+v, want the content ephemerally for UBOB", posts)
	}
	for _, p := range f.allPosts() {
		if p.Method == "chat.postMessage" && p.Channel == "C1" {
			t.Errorf("private content posted publicly: %+v", p)
		}
	}
}

// TestFileDirectAndRunning: through the running adapter, a turn in a thread whose
// answer carries a document gets it in the thread; a Direct reply's document goes
// into the DM with its recipient.
func TestFileDirectAndRunning(t *testing.T) {
	file := summary()
	rec := &recorder{out: bot.Outcome{Replies: []bot.Reply{
		{Text: "Summary below.", File: file},
		{To: "UALICE", Direct: true, Text: "Your copy.", File: file},
	}}}
	hs := start(t, rec, "")
	hs.say("UBOB", "C1", fileThread, "end")
	up := hs.fake.sharedFiles()
	if len(up) != 2 {
		t.Fatalf("uploads %+v, want 2", up)
	}
	if up[0].Channel != "C1" || up[0].Thread != fileThread || !bytes.Equal(up[0].Data, file.Data) {
		t.Errorf("thread upload %+v", up[0])
	}
	if up[1].Channel != "DUALICE" || up[1].Thread != "" || !bytes.Equal(up[1].Data, file.Data) {
		t.Errorf("direct upload %+v", up[1])
	}
}

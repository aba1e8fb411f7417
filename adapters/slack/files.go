package slack

import (
	"bytes"
	"context"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/intervision-bot/intervision/bot"
)

// maxAltText bounds the alt text sent with an image (Slack's files.getUploadURLExternal
// accepts up to 1000 characters).
const maxAltText = 1000

// attach uploads f into channel, in thread when it is set, after the reply's text was
// posted there: files.getUploadURLExternal, the upload, files.completeUploadExternal
// (scope files:write), with the file's name as its title and, for an image, its alt
// text; no initial comment (the text is the reply's own message). When the upload
// fails (missing_scope, not_allowed, …) it logs the failure, never the content, and
// posts a text document's content as messages in the same place instead, so nothing
// is lost. An image is then only in the log (the reply's text went out anyway).
func (a *Adapter) attach(ctx context.Context, channel, thread string, f *bot.File) {
	if len(f.Data) == 0 {
		a.log.Warn("slack: empty file not uploaded", "channel", channel, "thread", thread, "type", f.Type)
		return
	}
	params := slack.UploadFileParameters{
		Reader:          bytes.NewReader(f.Data),
		FileSize:        len(f.Data),
		Filename:        fileName(f.Name),
		Title:           fileName(f.Name),
		Channel:         channel,
		ThreadTimestamp: thread,
	}
	if isImage(f.Type) && f.Alt != "" {
		params.AltTxt = truncate(f.Alt, maxAltText)
	}
	_, err := a.api.UploadFileContext(ctx, params)
	if err == nil {
		return
	}
	textual := isText(f)
	a.log.Error("slack: upload a file", "channel", channel, "thread", thread, "type", f.Type, "bytes", len(f.Data),
		"posted_as_text", textual, "err", err)
	if !textual {
		return
	}
	_ = a.postText(ctx, inbound{kind: "file", channel: channel, thread: thread}, thread, "", bot.Reply{Text: fallbackText(f.Data)})
}

// maxFallbackText bounds a document posted as text when its upload failed: a few long
// messages, so a failed upload of a full session's summary does not flood the thread.
const maxFallbackText = 80_000

// fallbackText is a document's text as posted when its upload failed: whole when it is
// short, else cut at the last line break before maxFallbackText and marked with "…".
func fallbackText(data []byte) string {
	if len(data) <= maxFallbackText {
		return string(data)
	}
	cut := data[:maxFallbackText]
	if i := bytes.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	return strings.ToValidUTF8(string(cut), "") + "\n…"
}

// fileName is the name a document is uploaded under: f.Name, or "document" when empty.
func fileName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return "document"
	}
	return name
}

func mediaType(t string) string {
	mt, _, err := mime.ParseMediaType(t)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(t))
	}
	return mt
}

func isImage(t string) bool { return strings.HasPrefix(mediaType(t), "image/") }

// isText reports whether f is a text document (Markdown, plain text) that reads well
// as a message.
func isText(f *bot.File) bool {
	mt := mediaType(f.Type)
	return (strings.HasPrefix(mt, "text/") || strings.HasSuffix(strings.ToLower(f.Name), ".md")) && utf8.Valid(f.Data)
}

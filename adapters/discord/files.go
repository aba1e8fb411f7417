package discord

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/intervision-bot/intervision/bot"
)

// maxFileSize is the largest attachment Discord takes by default (25 MiB); servers
// with boosts take more, but a summary or chart is far smaller.
const maxFileSize = 25 << 20

// attachment renders f as the files of a message (multipart files[0]), or nil when
// there is none, it is empty or too large for Discord (logged, and then replaced by
// its text when it is a text document: see textInstead).
func (r *router) attachment(f *bot.File) []*discordgo.File {
	if f == nil {
		return nil
	}
	if len(f.Data) == 0 || len(f.Data) > maxFileSize {
		r.log.Warn("discord: file not attached: empty or larger than 25 MiB", "type", f.Type, "bytes", len(f.Data))
		return nil
	}
	name := strings.TrimSpace(f.Name)
	if name == "" {
		name = "document"
	}
	return []*discordgo.File{{Name: name, ContentType: f.Type, Reader: bytes.NewReader(f.Data)}}
}

// attachFailed handles a message piece with a document that Discord refused (err):
// the file's name and type are logged with the error, never its content; the piece
// goes again without the file, so the reply's text arrives, and a text document
// (Markdown) follows as messages from rest, in the same place and with the same
// visibility, so nothing is lost. A chart is then only missing.
func (r *router) attachFailed(send, rest poster, part string, rows []discordgo.MessageComponent, f *bot.File, err error) (*discordgo.Message, error) {
	r.log.Error("discord: message with a file refused; sending it without", "type", f.Type, "bytes", len(f.Data),
		"posted_as_text", isText(f), "err", err)
	m, err := send(part, rows, nil)
	if err != nil {
		return nil, err
	}
	r.textInstead(rest, f)
	return m, nil
}

// textInstead posts a text document's content as messages when it could not be
// attached; other documents are left out (already logged).
func (r *router) textInstead(rest poster, f *bot.File) {
	if !isText(f) || len(f.Data) == 0 {
		return
	}
	if _, err := r.post(rest, rest, string(f.Data), nil, nil); err != nil {
		r.log.Error("discord: post a document as text", "type", f.Type, "err", err)
	}
}

// isText reports whether f is a text document (Markdown, plain text) that reads well
// as messages.
func isText(f *bot.File) bool {
	mt, _, err := mime.ParseMediaType(f.Type)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(f.Type))
	}
	return (strings.HasPrefix(mt, "text/") || strings.HasSuffix(strings.ToLower(f.Name), ".md")) && utf8.Valid(f.Data)
}

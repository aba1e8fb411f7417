package slack

import (
	"log/slog"
	"strings"
	"testing"
)

// TestSocketModeUndecodableEnvelopeAcked sends envelopes slack-go cannot decode (a
// field of the wrong type in the envelope, in a slash command, in an inner event; an
// envelope type it does not know). Each is acknowledged from its raw envelope_id, so
// Slack does not redeliver it and count failures; the log names it without its text;
// and the adapter keeps handling the events that follow.
func TestSocketModeUndecodableEnvelopeAcked(t *testing.T) {
	logs := &syncBuffer{}
	h := startWith(t, newEngine(), "", func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	const secret = "my very private words"
	slash := slashPayload("UALICE", "C1", secret, "trig-bad")
	slash["text"] = 42
	inner := messageEvent("UALICE", "D1", "", "1700000000.000001", secret)
	inner["ts"] = 1700000000
	cases := []struct {
		name string
		msg  map[string]any
	}{
		{"envelope field type", map[string]any{"type": "events_api", "envelope_id": "bad-1", "retry_attempt": "one",
			"payload": eventPayload("EvBad1", messageEvent("UALICE", "D1", "", "1700000000.000002", secret))}},
		{"slash command field type", map[string]any{"type": "slash_commands", "envelope_id": "bad-2", "payload": slash,
			"accepts_response_payload": true}},
		{"inner event field type", map[string]any{"type": "events_api", "envelope_id": "bad-3",
			"payload": eventPayload("EvBad3", inner)}},
		{"unknown envelope type", map[string]any{"type": "mystery_envelope", "envelope_id": "bad-4",
			"payload": map[string]any{"text": secret}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := tc.msg["envelope_id"].(string)
			h.fake.sendRaw(id, tc.msg) // fails the test without an ack within 3 s
			eventually(t, "a log line naming "+id, func() bool { return strings.Contains(logs.String(), id) })
			// The adapter still works.
			h.slash("UALICE", "C1", "help")
		})
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the log holds the envelope's text:\n%s", logs.String())
	}
}

package bot

import "context"

// Handler decides what to do with one event. *Engine is a Handler.
type Handler interface {
	Handle(ctx context.Context, ev Event) (Outcome, error)
}

// Deliverer is an optional capability of an Adapter: it delivers the replies of an
// event that nobody sent on the platform (a timer's: a time-left notice, an
// invitation, a check-in) to the conversation they belong to, as it delivers the
// replies to an inbound event: public replies in the conversation, replies with To
// privately (ephemeral where the platform can, else a DM), replies with Direct in a
// DM, handing back Opens as an adapter does for an inbound event.
type Deliverer interface {
	Deliver(ctx context.Context, h Handler, conv Conversation, out Outcome) error
}

// Adapter connects the engine to one chat platform: it turns the platform's events into
// Events, passes them to the Handler and delivers the Replies. Run blocks until ctx ends
// or the connection fails for good.
type Adapter interface {
	Name() string
	Run(ctx context.Context, h Handler) error
}

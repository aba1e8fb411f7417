package bot

import "context"

// Handler decides what to do with one event. *Engine is a Handler.
type Handler interface {
	Handle(ctx context.Context, ev Event) (Outcome, error)
}

// Adapter connects the engine to one chat platform: it turns the platform's events into
// Events, passes them to the Handler and delivers the Replies. Run blocks until ctx ends
// or the connection fails for good.
type Adapter interface {
	Name() string
	Run(ctx context.Context, h Handler) error
}

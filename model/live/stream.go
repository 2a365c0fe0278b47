package live

import (
	"context"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
)

// Stream runs a source, groups its events and calls emit with each finding
// as it closes (about one window after its thread's last event), until ctx
// ends; then it closes the open findings. It returns the source's error.
func Stream(ctx context.Context, src watch.Source, g *Grouper, emit func(*Finding)) error {
	events := make(chan watch.Event, 4096)
	done := make(chan error, 1)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { done <- src.Run(rctx, events) }()
	tick := time.NewTicker(Window / 2)
	defer tick.Stop()
	var runErr error
	running := true
	for running {
		select {
		case e := <-events:
			for _, f := range g.Add(e) {
				emit(f)
			}
		case now := <-tick.C:
			if g.Pending() > 0 {
				for _, f := range g.Flush(now, false) {
					emit(f)
				}
			}
		case runErr = <-done:
			running = false
		}
	}
	// Drain what the source sent before it stopped.
	for {
		select {
		case e := <-events:
			for _, f := range g.Add(e) {
				emit(f)
			}
			continue
		default:
		}
		break
	}
	for _, f := range g.Flush(time.Now(), true) {
		emit(f)
	}
	return runErr
}

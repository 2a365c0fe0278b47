package cli

import (
	"context"
	"os"
	"strings"
	"sync"

	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
)

// StartLive starts a watcher for the dashboard's Live pane. It returns the
// findings channel (nil when watching is not possible here), one line
// saying which back end runs or why none does, and stop, which ends the
// watch and removes everything it set up (call it before exiting).
func StartLive(ctx context.Context, o watch.Options) (<-chan *live.Finding, string, func()) {
	if os.Geteuid() != 0 {
		return nil, "Live: watching needs root (tracefs or BPF): run the dashboard as root, or use rtnl-doctor run -- CMD", func() {}
	}
	src, tried, err := watch.Open(o)
	if err != nil {
		return nil, "Live: " + err.Error(), func() {}
	}
	info := "Live via " + src.Name()
	for _, a := range tried {
		info += "; " + a.Backend + " not used: " + a.Err
	}
	ch := make(chan *live.Finding, 256)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ch)
		live.Stream(ctx, src, live.NewGrouper(src.Name(), live.Filter{}), func(f *live.Finding) {
			select {
			case ch <- f:
			case <-ctx.Done():
			}
		})
	}()
	var once sync.Once
	return ch, strings.TrimSpace(info), func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			src.Close()
		})
	}
}

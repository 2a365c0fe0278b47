// Package netns runs code inside another network namespace on a thread of its
// own, so the rest of the program never changes namespace.
package netns

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// Do runs fn on a dedicated OS thread that has entered the network namespace
// at path (an nsfs file: /run/netns/NAME or /proc/PID/ns/net). Sockets fn
// creates stay in that namespace; files fn opens under /proc/sys/net are that
// namespace's. Entering needs CAP_SYS_ADMIN.
func Do(path string, fn func() error) error {
	target, err := os.Open(path)
	if err != nil {
		return err
	}
	defer target.Close()
	return onThread(func() error {
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("enter network namespace %s: %w", path, err)
		}
		return fn()
	})
}

// DoFresh runs fn on a dedicated OS thread inside a brand-new, empty network
// namespace. The thread is discarded afterwards, and with it the namespace
// (it has no other reference): nothing fn creates there can leak to the host.
func DoFresh(fn func() error) error {
	return onThread(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("create a network namespace: %w", err)
		}
		return fn()
	})
}

// onThread runs fn in a new goroutine locked to its OS thread. Afterwards
// the thread goes back to the network namespace it started in and is
// unlocked; if that fails it stays locked and the Go runtime ends it when
// the goroutine ends. Going back matters: the goroutine may run on the
// main thread, which the runtime never ends (it parks it), and the main
// thread's namespace is what /proc/PID/ns/net shows for the whole process.
func onThread(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			done <- fmt.Errorf("network namespace of this thread: %w", err)
			return
		}
		defer orig.Close()
		err = fn()
		if unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		done <- err
	}()
	return <-done
}

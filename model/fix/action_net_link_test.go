package fix

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// phaseOf is the phase the journal holds for entry id.
func phaseOf(t *testing.T, env *ActionEnv, id string) string {
	t.Helper()
	acts, err := env.Journal.Actions()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range acts {
		if e.ID == id {
			return e.Phase
		}
	}
	t.Fatalf("no entry %s", id)
	return ""
}

// remakeVeth deletes the link name and makes another under the same name.
func remakeVeth(ns *testns.NS, name string) {
	ns.IP("link", "del", name)
	ns.IP("link", "add", name, "type", "veth", "peer", "name", name+"p")
}

// link-set, addr-replace, addr-delete and altname-delete record the link
// they change by ifindex: once it was deleted and made again under its
// name, the dry run and the undo refuse (the new link is another object),
// even with --force, and the new link is not touched; --force with the id
// closes the entry.
func TestLiveNetKindsRecordTheirLink(t *testing.T) {
	ns := testns.New(t)
	ctx := context.Background()
	altnames := true
	for _, c := range []struct {
		name   string
		setup  func() // on v0 before the fix
		action *Action
		after  func() // on the new v0: even as the fix left it
		check  func() string
	}{
		{"link-set", nil, Act("link-set", "netns", ns.Path(), "name", "v0", "state", "up"),
			func() { ns.IP("link", "set", "v0", "up") },
			func() string {
				if !strings.Contains(ns.IP("-o", "link", "show", "v0"), "UP") {
					return "the new v0 was set down"
				}
				return ""
			}},
		{"addr-replace", nil, Act("addr-replace", "netns", ns.Path(), "dev", "v0", "prefix", "10.61.0.1/24"),
			func() { ns.IP("addr", "add", "10.61.0.1/24", "dev", "v0") },
			func() string {
				if !strings.Contains(ns.IP("-o", "addr", "show", "dev", "v0"), "10.61.0.1/24") {
					return "the address was deleted from the new v0"
				}
				return ""
			}},
		{"addr-delete", func() { ns.IP("addr", "add", "10.62.0.1/24", "dev", "v0") },
			Act("addr-delete", "netns", ns.Path(), "dev", "v0", "prefix", "10.62.0.1/24"), nil,
			func() string {
				if strings.Contains(ns.IP("-o", "addr", "show", "dev", "v0"), "10.62.0.1") {
					return "the address was added to the new v0"
				}
				return ""
			}},
		{"altname-delete", func() {
			if _, err := ns.TryIP("link", "property", "add", "dev", "v0", "altname", "v0alt"); err != nil {
				altnames = false
			}
		}, Act("altname-delete", "netns", ns.Path(), "name", "v0", "altname", "v0alt"), nil,
			func() string {
				if strings.Contains(ns.IP("link", "show", "v0"), "v0alt") {
					return "the altname was added to the new v0"
				}
				return ""
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := testEnv(t, "")
			ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v0p")
			defer ns.TryIP("link", "del", "v0")
			if c.setup != nil {
				c.setup()
			}
			if !altnames && c.name == "altname-delete" {
				t.Skip("no altnames on this kernel")
			}
			f := Fix{ID: "t/" + c.name, Title: c.name, Action: c.action}
			p, err := PreviewFix(ctx, env, f)
			if err != nil || p.Object == nil || p.Object.Link == nil || p.Object.Link.Name != "v0" || p.Object.Link.Index == 0 {
				t.Fatalf("preview: %v %+v", err, p.Object)
			}
			e, err := ApplyPreviewed(ctx, env, f, p)
			if err != nil {
				t.Fatal(err)
			}
			remakeVeth(ns, "v0")
			if c.after != nil {
				c.after()
			}
			env.DryRun = true
			_, err = UndoFix(ctx, env, e.ID)
			if err == nil || errors.Is(err, ErrDryRun) || !strings.Contains(err.Error(), "is gone") || !strings.Contains(err.Error(), "another link") {
				t.Fatalf("dry run on a link made again: %v", err)
			}
			env.DryRun = false
			if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "is gone") {
				t.Fatalf("undo on a link made again: %v", err)
			} else {
				t.Log(err)
			}
			if why := c.check(); why != "" {
				t.Fatal(why)
			}
			env.Force = true
			if _, err := UndoFix(ctx, env, ""); err == nil {
				t.Fatal("plain undo --force on a link made again went through")
			}
			if why := c.check(); why != "" {
				t.Fatal("--force: " + why)
			}
			u, err := UndoFix(ctx, env, e.ID)
			if err != nil || u.Phase != PhaseUndone || !strings.Contains(u.Note, "went with the link") {
				t.Fatalf("undo --force ID: %v %+v", err, u)
			}
			if why := c.check(); why != "" {
				t.Fatal("--force ID: " + why)
			}
		})
	}
}

// A link made again between the preview and the apply: refused.
func TestLiveLinkSetRemadeSincePreview(t *testing.T) {
	ns := testns.New(t)
	ctx := context.Background()
	env := testEnv(t, "")
	ns.IP("link", "add", "v1", "type", "veth", "peer", "name", "v1p")
	f := Fix{ID: "t/up", Action: Act("link-set", "netns", ns.Path(), "name", "v1", "state", "up")}
	p, err := PreviewFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	remakeVeth(ns, "v1")
	if _, err := ApplyPreviewed(ctx, env, f, p); err == nil || !strings.Contains(err.Error(), "v1 is another link now") ||
		strings.Contains(ns.IP("-o", "link", "show", "v1"), ",UP") {
		t.Fatalf("apply on a link made again since the preview: %v", err)
	}
}

// The altname a fix deleted, taken since by another link (as its name):
// the dry run and the undo say so and refuse, --force or not, journaling
// nothing; once the other link lets go of it, the undo puts it back.
func TestLiveAltnameTakenSince(t *testing.T) {
	ns := testns.New(t)
	ctx := context.Background()
	env := testEnv(t, "")
	ns.IP("link", "add", "v2", "type", "veth", "peer", "name", "v2p")
	if _, err := ns.TryIP("link", "property", "add", "dev", "v2", "altname", "myalt"); err != nil {
		t.Skipf("no altnames here: %v", err)
	}
	e, err := ApplyFix(ctx, env, Fix{ID: "t/alt", Action: Act("altname-delete", "netns", ns.Path(), "name", "v2", "altname", "myalt")})
	if err != nil || strings.Contains(ns.IP("link", "show", "v2"), "myalt") {
		t.Fatalf("apply: %v", err)
	}
	ns.IP("link", "add", "myalt", "type", "veth", "peer", "name", "myaltp")
	for _, c := range []struct {
		dry, force bool
	}{{true, false}, {false, false}, {false, true}} {
		env.DryRun, env.Force = c.dry, c.force
		_, err := UndoFix(ctx, env, e.ID)
		if err == nil || errors.Is(err, ErrDryRun) || !strings.Contains(err.Error(), "is now held by another link, myalt (ifindex") ||
			!strings.Contains(err.Error(), "once that is resolved") {
			t.Fatalf("undo (dry %v, force %v) with the altname taken: %v", c.dry, c.force, err)
		}
		t.Log(err)
		if ph := phaseOf(t, env, e.ID); ph != PhaseDone {
			t.Fatalf("entry is %s after a refused undo", ph)
		}
	}
	env.DryRun, env.Force = false, false
	ns.IP("link", "del", "myalt")
	if _, err := UndoFix(ctx, env, e.ID); err != nil || !strings.Contains(ns.IP("link", "show", "v2"), "altname myalt") {
		t.Fatalf("undo once the name is free: %v", err)
	}
}

// An entry written before link-set recorded its link (no Identity.Link):
// undo refuses to guess, saying how to go on; undo --force ID, once the
// operator has checked, closes the entry without acting on the link of
// that name (it may be another link), and the note says to check by hand.
func TestLiveLegacyEntryWithoutLink(t *testing.T) {
	ns := testns.New(t)
	ctx := context.Background()
	env := testEnv(t, "")
	ns.IP("link", "add", "v3", "type", "veth", "peer", "name", "v3p")
	ns.IP("link", "set", "v3", "up")
	nsid, err := netnsIdentity(ns.Path())
	if err != nil {
		t.Fatal(err)
	}
	begin := Entry{ID: "20260101-000000-cccccc", Phase: PhaseBegin, Fix: "t/legacy", Title: "up",
		Action: Act("link-set", "netns", ns.Path(), "name", "v3", "state", "up"), Command: "ip link set v3 up",
		Object: &Identity{BootID: bootID(), NetNS: nsid}, Old: map[string]string{"state": "down"}}
	for _, e := range []Entry{begin, {ID: begin.ID, Phase: PhaseDone, Fix: begin.Fix, New: map[string]string{"state": "up"}}} {
		if err := env.Journal.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := UndoFix(ctx, env, ""); err == nil || !strings.Contains(err.Error(), "does not record which link") ||
		!strings.Contains(err.Error(), "--force "+begin.ID) || !strings.Contains(ns.IP("-o", "link", "show", "v3"), ",UP") {
		t.Fatalf("undo of an entry without its link: %v", err)
	}
	env.Force = true
	u, err := UndoFix(ctx, env, begin.ID)
	if err != nil || !u.Forced || u.Phase != PhaseUndone || !strings.Contains(u.Note, "check by hand") || !strings.Contains(ns.IP("-o", "link", "show", "v3"), ",UP") {
		t.Fatalf("undo --force ID: %v %+v", err, u)
	}
}

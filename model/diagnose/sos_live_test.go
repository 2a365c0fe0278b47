package diagnose

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A real sosreport (Debian's sosreport package, which .ci/run installs),
// made inside private network and mount namespaces holding planted faults,
// read with --root: IPv6 disabled on a device, an ignored networkd file, a
// link down under a route. /sys is mounted again inside, so sos copies the
// namespace's /sys/class/net; a tmpfs over /run hides the host's /run (and
// its named namespaces, which sos would otherwise visit).
func TestLiveSosreport(t *testing.T) {
	testns.Require(t)
	sos, err := exec.LookPath("sos")
	if err != nil {
		t.Skip("sos not installed (Debian package sosreport; .ci/run installs it)")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare not installed (util-linux)")
	}
	tmp := t.TempDir()
	script := `set -e
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/network
printf '[NetDev]\nName=bad0\nKind=nonsense\n' > /run/systemd/network/10-bad.netdev
ip link set lo up
ip link add veth0 type veth peer name veth1
ip addr add 10.0.0.1/24 dev veth0
sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1
ip -6 addr add 2001:db8::1/64 dev veth1 > "$1/ipv6.out" 2>&1 && exit 3
ip route add 10.9.0.0/16 via 10.0.0.254 > "$1/route.out" 2>&1 && exit 4
"$2" report --batch --build -q -o networking,kernel --tmp-dir "$1" > "$1/sos.out" 2>&1
`
	cmd := exec.Command(unshare, "--net", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", tmp, sos)
	if out, err := cmd.CombinedOutput(); err != nil {
		b, _ := os.ReadFile(filepath.Join(tmp, "sos.out"))
		t.Fatalf("sosreport in a private namespace: %v\n%s\n%s", err, out, b)
	}
	dirs, _ := filepath.Glob(filepath.Join(tmp, "sosreport-*"))
	if len(dirs) != 1 {
		t.Fatalf("sosreport directories: %v", dirs)
	}
	root := dirs[0]

	// The namespace's devices, never the host's.
	ents, _ := os.ReadDir(filepath.Join(root, "sys/class/net"))
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "lo,veth0,veth1" {
		t.Fatalf("sys/class/net in the sosreport: %v (want the namespace's lo, veth0, veth1)", names)
	}

	read := func(n string) string {
		b, _ := os.ReadFile(filepath.Join(tmp, n))
		return string(b)
	}
	for _, c := range []struct{ cmd, out, want string }{
		{"ip route add 10.9.0.0/16 via 10.0.0.254", read("route.out"), "link-state"},
		{"ip -6 addr add 2001:db8::1/64 dev veth1", read("ipv6.out"), "sysctl"},
	} {
		s := symptom.ParseSymptom("$ " + c.cmd + "\n" + c.out)
		f := probes.Gather(context.Background(), probes.Target{Root: root, Interfaces: s.Interfaces()})
		var links []string
		for _, l := range f.Net.Links {
			links = append(links, l.Name)
		}
		sort.Strings(links)
		if strings.Join(links, ",") != "lo,veth0,veth1" {
			t.Errorf("links read from the sosreport: %v", links)
		}
		d := Diagnose(f, s, nil)
		if got := firstFail(d); got != c.want {
			t.Errorf("%s (%q): first fail = %q, want %q\n%s", c.cmd, strings.TrimSpace(c.out), got, c.want, dump(d))
		}
	}
	// A health check names the ignored networkd file.
	d := Diagnose(probes.Gather(context.Background(), probes.Target{Root: root}), symptom.ParseSymptom(""), nil)
	r, _ := d.Result("netconfig")
	if r.Status == OK || !strings.Contains(strings.Join(r.Evidence, " "), "10-bad.netdev") {
		t.Errorf("netconfig: %s %q", r.Status, r.Evidence)
	}
	if src := strings.Join(d.Facts.Target.Sources, "\n"); !strings.Contains(src, "net.links: sos_commands/networking/ip_-s_-d_link") ||
		!strings.Contains(src, "sos_commands/kernel/sysctl_-a") {
		t.Errorf("sources:\n%s", src)
	}
}

// Command watchcost measures what `rtnl-doctor watch` costs and catches, per
// back end, on this machine: the watcher's CPU idle and while 1,000 failing
// `ip` commands run (one process each), the cost it adds to every system
// call machine-wide (getppid, and recvfrom which the BPF reply reader
// hooks), caught/made for those 1,000 failures, and a burst of 100,000
// failures from one process in about a second with the loss the kernel
// counted. Faults are made in a network namespace it creates and deletes.
// Needs root.
//
//	go run ./bench/watchcost [-n 1000] [-burst 100000] [-idle 10s] [-backends tracefs,tracefs+syscalls,tracefs-128k,bpf,bpf-64k,auto]
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "burst" {
		n, _ := strconv.Atoi(os.Args[2])
		os.Exit(burst(n))
	}
	n := flag.Int("n", 1000, "failing commands, one process each")
	nb := flag.Int("burst", 100000, "failures sent by one process as fast as it can")
	idle := flag.Duration("idle", 10*time.Second, "how long to measure idle CPU")
	backends := flag.String("backends", "tracefs,tracefs+syscalls,tracefs-128k,bpf,bpf-64k,auto", "configurations to measure")
	flag.Parse()
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "watchcost: needs root (tracefs, BPF, ip netns)")
		os.Exit(2)
	}
	tmp, err := os.MkdirTemp("", "rtnl-doctor-watchcost")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "rtnl-doctor")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fatal(fmt.Errorf("go build (run from the repository root): %v: %s", err, out))
	}
	ns := fmt.Sprintf("rtnldoc-watchcost-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		fatal(fmt.Errorf("ip netns add: %v: %s", err, out))
	}
	defer exec.Command("ip", "netns", "del", ns).Run()

	base := syscallCosts()
	fmt.Printf("kernel %s, %d CPUs; without a watcher: getppid %.0f ns, recvfrom(EAGAIN) %.0f ns (measured again before each back end)\n\n", kernel(), runtime.NumCPU(), base[0], base[1])
	fmt.Printf("%-18s %9s %11s %11s %9s %9s %12s %16s %s\n", "back end", "idle CPU", "+getppid", "+recvfrom", "caught", "CPU/fail", "burst kept", "burst rate", "lost (kernel)")
	for _, b := range strings.Split(*backends, ",") {
		r, err := measure(bin, b, ns, *n, *nb, *idle, base)
		if err != nil {
			fmt.Printf("%-18s unavailable: %v\n", b, err)
			continue
		}
		burst := fmt.Sprintf("%6d/%-6d %12.0f/s", r.burstKept, *nb, r.burstRate)
		if b == "auto" {
			burst = fmt.Sprintf("%13s %14s", "(two events", "per failure)")
		}
		fmt.Printf("%-18s %8.2f%% %9.0fns %9.0fns %4d/%-4d %7.2fms %s %s\n", b, r.idleCPU, r.addGetppid, r.addRecv,
			r.caught, *n, r.cpuPerFail, burst, r.lost)
	}
	fmt.Println("\nidle CPU: % of one core used by the watcher over the idle period; +getppid/+recvfrom: added cost per call (min of 15 runs);")
	fmt.Println("caught: findings of the failing commands; CPU/fail: watcher CPU per failing process; burst kept: events caught of those")
	fmt.Println("made by one process, at the rate shown; lost: events the kernel counted as dropped (tracefs per-CPU overrun, BPF ring buffer full).")
}

type result struct {
	idleCPU, addGetppid, addRecv, cpuPerFail, burstRate float64
	caught, burstKept                                   int
	lost                                                string
}

type finding struct {
	Finding struct {
		Count   int    `json:"count"`
		What    string `json:"what"`
		Process struct {
			PID  int `json:"pid"`
			PPID int `json:"ppid"`
		} `json:"process"`
	} `json:"finding"`
}

func measure(bin, backend, ns string, n, nb int, idle time.Duration, _ [2]float64) (result, error) {
	var r result
	base := syscallCosts()
	args := []string{"watch", "--no-diagnose", "--json"}
	switch backend {
	case "auto":
	case "tracefs+syscalls":
		args = append(args, "--backend", "tracefs", "--syscalls")
	case "tracefs-128k": // a small buffer: the burst overflows it, and the loss is counted
		args = append(args, "--backend", "tracefs", "--buffer-kb", "128")
	case "bpf-64k":
		args = append(args, "--backend", "bpf", "--buffer-kb", "64")
	default:
		args = append(args, "--backend", backend)
	}
	cmd := exec.Command(bin, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return r, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var mu sync.Mutex
	var fs []finding
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var f finding
			if json.Unmarshal(sc.Bytes(), &f) == nil {
				mu.Lock()
				fs = append(fs, f)
				mu.Unlock()
			}
		}
	}()
	ready := time.Now().Add(15 * time.Second)
	for !strings.Contains(errb.String(), "back end") {
		if time.Now().After(ready) || cmd.ProcessState != nil {
			return r, fmt.Errorf("did not start: %s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Contains(errb.String(), "watch unavailable") {
		return r, fmt.Errorf("%s", strings.TrimSpace(errb.String()))
	}
	time.Sleep(500 * time.Millisecond)
	pid := cmd.Process.Pid

	c0, t0 := cpuOf(pid), time.Now()
	time.Sleep(idle)
	r.idleCPU = 100 * (cpuOf(pid) - c0) / time.Since(t0).Seconds()

	c := syscallCosts()
	r.addGetppid, r.addRecv = c[0]-base[0], c[1]-base[1]

	// n failing commands, one process each: lo is down, so the route's
	// nexthop device is not up (ENETDOWN with an extack message).
	pids := map[int]bool{}
	c0 = cpuOf(pid)
	for i := 0; i < n; i++ {
		p := exec.Command("ip", "-n", ns, "route", "add", "10.99.0.0/24", "dev", "lo")
		p.Run()
		pids[p.Process.Pid] = true
	}
	settle(&mu, &fs)
	r.cpuPerFail = 1000 * (cpuOf(pid) - c0) / float64(n)
	mu.Lock()
	seen := map[int]bool{}
	for _, f := range fs {
		if pids[f.Finding.Process.PID] {
			seen[f.Finding.Process.PID] = true
		}
	}
	mu.Unlock()
	r.caught = len(seen)

	if backend != "auto" { // auto reports two events per failure (errno and extack)
		h := exec.Command("ip", "netns", "exec", ns, "/proc/self/exe", "burst", strconv.Itoa(nb))
		h.Path = "/usr/sbin/ip"
		if p, err := exec.LookPath("ip"); err == nil {
			h.Path = p
		}
		self, _ := os.Executable()
		h.Args = []string{"ip", "netns", "exec", ns, self, "burst", strconv.Itoa(nb)}
		var hout bytes.Buffer
		h.Stdout = &hout
		if err := h.Run(); err == nil {
			secs, _ := strconv.ParseFloat(strings.TrimSpace(hout.String()), 64)
			if secs > 0 {
				r.burstRate = float64(nb) / secs
			}
			settle(&mu, &fs)
			mu.Lock()
			for _, f := range fs {
				if f.Finding.Process.PID == h.Process.Pid {
					r.burstKept += f.Finding.Count
				}
			}
			mu.Unlock()
		}
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	<-done
	if m := regexp.MustCompile(`(\d+) LOST`).FindStringSubmatch(errb.String()); m != nil {
		r.lost = m[1]
	} else if strings.Contains(errb.String(), "none lost") {
		r.lost = "0"
	} else {
		r.lost = "?"
	}
	return r, nil
}

// settle waits until the watcher has read everything: its findings stop
// growing for 1.6 s (at most 30 s).
func settle(mu *sync.Mutex, fs *[]finding) {
	last, still := -1, 0
	for i := 0; i < 150 && still < 8; i++ {
		time.Sleep(200 * time.Millisecond)
		mu.Lock()
		l := len(*fs)
		mu.Unlock()
		if l == last {
			still++
		} else {
			still = 0
		}
		last = l
	}
}

// cpuOf is a process's user+system CPU in seconds.
func cpuOf(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100 // USER_HZ
}

// syscallCosts times getppid and a recvfrom that fails with EAGAIN, in ns
// per call, min of 7 runs.
func syscallCosts() [2]float64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	fd, _ := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK, 0)
	defer unix.Close(fd)
	buf := make([]byte, 64)
	best := [2]float64{1e18, 1e18}
	const iters = 300000
	for run := 0; run < 15; run++ {
		t := time.Now()
		for i := 0; i < iters; i++ {
			unix.Getppid()
		}
		best[0] = min(best[0], float64(time.Since(t).Nanoseconds())/iters)
		t = time.Now()
		for i := 0; i < iters; i++ {
			unix.Recvfrom(fd, buf, 0)
		}
		best[1] = min(best[1], float64(time.Since(t).Nanoseconds())/iters)
	}
	return best
}

// burst sends n RTM_NEWROUTE requests that fail (lo is down: "Device for
// nexthop is not up") and reads each error reply, as fast as it can; it
// prints the seconds it took.
func burst(n int) int {
	runtime.LockOSThread() // one thread sends them all
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	msg := make([]byte, 16+12+8+8)
	le := binary.LittleEndian
	le.PutUint32(msg[0:], uint32(len(msg)))
	le.PutUint16(msg[4:], unix.RTM_NEWROUTE)
	le.PutUint16(msg[6:], unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_EXCL)
	rt := msg[16:]
	rt[0], rt[1], rt[4], rt[5], rt[6], rt[7] = unix.AF_INET, 24, unix.RT_TABLE_MAIN, unix.RTPROT_BOOT, unix.RT_SCOPE_LINK, unix.RTN_UNICAST
	a := msg[28:]
	le.PutUint16(a[0:], 8)
	le.PutUint16(a[2:], unix.RTA_DST)
	copy(a[4:], []byte{10, 99, 0, 0})
	a = msg[36:]
	le.PutUint16(a[0:], 8)
	le.PutUint16(a[2:], unix.RTA_OIF)
	le.PutUint32(a[4:], 1) // lo
	reply := make([]byte, 4096)
	t := time.Now()
	for i := 0; i < n; i++ {
		le.PutUint32(msg[8:], uint32(i+1))
		if err := unix.Send(fd, msg, 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if _, _, err := unix.Recvfrom(fd, reply, 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	fmt.Printf("%.3f\n", time.Since(t).Seconds())
	return 0
}

func kernel() string {
	var u unix.Utsname
	unix.Uname(&u)
	return string(bytes.TrimRight(u.Release[:], "\x00"))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "watchcost:", err)
	os.Exit(1)
}

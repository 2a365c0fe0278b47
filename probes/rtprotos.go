package probes

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
)

// rtProtosDirs are where iproute2 reads rt_protos and rt_protos.d/*.conf:
// the distribution's defaults first, then /etc, which overrides them (a
// file of the same name in /etc/iproute2/rt_protos.d replaces the one in
// /usr, as iproute2 does).
var rtProtosDirs = []string{"/usr/lib/iproute2", "/usr/share/iproute2", "/etc/iproute2"}

// localRouteProtocol names a route protocol number from this system's
// rt_protos files (read at most every few seconds).
func localRouteProtocol(id uint8) (string, bool) {
	n, ok := localRouteProtocols()[id]
	return n, ok
}

var localProtos struct {
	sync.Mutex
	names map[uint8]string
	read  time.Time
}

func localRouteProtocols() map[uint8]string {
	localProtos.Lock()
	defer localProtos.Unlock()
	if localProtos.names == nil || time.Since(localProtos.read) > 10*time.Second {
		localProtos.names, localProtos.read = readRouteProtocols(rtProtosDirs), time.Now()
	}
	return localProtos.names
}

// readRouteProtocols reads the rt_protos files of dirs, later dirs
// overriding earlier ones: DIR/rt_protos, then DIR/rt_protos.d/*.conf (a
// .conf file named in a later dir replaces the earlier one).
func readRouteProtocols(dirs []string) map[uint8]string {
	names := map[uint8]string{}
	var mainFile string
	confs := map[string]string{} // file name -> path, the last dir's wins
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "rt_protos")); err == nil {
			mainFile = filepath.Join(d, "rt_protos")
		}
		ents, _ := os.ReadDir(filepath.Join(d, "rt_protos.d"))
		for _, e := range ents {
			if n := e.Name(); strings.HasSuffix(n, ".conf") && len(n) > len(".conf") && !strings.HasPrefix(n, ".") {
				confs[n] = filepath.Join(d, "rt_protos.d", n)
			}
		}
	}
	files := []string{}
	if mainFile != "" {
		files = append(files, mainFile)
	}
	keys := make([]string, 0, len(confs))
	for k := range confs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		files = append(files, confs[k])
	}
	for _, f := range files {
		parseRouteProtocols(f, names)
	}
	return names
}

// parseRouteProtocols reads one "ID NAME" file (ID decimal or 0x hex, #
// comments), as iproute2's fread_id_name does; bad lines are skipped.
func parseRouteProtocols(path string, names map[uint8]string) {
	b, err := readBounded(path, 1<<20) // a regular file only: never blocks on a FIFO
	if err != nil {
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		id, err := strconv.ParseUint(fields[0], 0, 8)
		if err != nil {
			continue
		}
		names[uint8(id)] = sanitize.Clip(fields[1], 32)
	}
}

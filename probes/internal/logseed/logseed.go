// Package logseed holds the test logs the fuzz targets of probes/source and
// probes/lsm are seeded with.
package logseed

import (
	"os"
	"path/filepath"
)

// Files are the test logs below testdata (probes/testdata): audit.log,
// kern.log and every log file of the captured roots.
func Files(testdata string) []string {
	files := []string{
		filepath.Join(testdata, "audit", "audit.log"),
		filepath.Join(testdata, "log", "kern.log"),
	}
	roots, _ := filepath.Glob(filepath.Join(testdata, "roots", "*", "var", "log"))
	for _, dir := range roots {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
	}
	return files
}

// Journal are lines in journalctl's short-iso-precise output, as
// source.ReadJournal reads them.
var Journal = []string{
	"2024-11-22T06:49:01.312000+0000 node1 audit[4242]: AVC avc:  denied  { nlmsg_write } for  pid=4242 comm=\"ip\" scontext=a:b:c tcontext=a:b:c tclass=netlink_route_socket permissive=0\n",
	"2024-11-22T06:49:02.500000+0000 node1 kernel: audit: type=1400 audit(1732258141.312:8812): apparmor=\"DENIED\" operation=\"capable\" class=\"cap\" profile=\"docker-default\" pid=2133 comm=\"ip\" capability=12  capname=\"net_admin\"\n",
	"2026-11-22T06:29:01.123456+00:00 node1 NetworkManager[812]: <warn>  [1732258141.3121] device (eth0): failed\r\n",
	"Nov  2 06:29:01 node1 kernel: hello\n\n   \nNov 22 06:29:01 x\n",
}

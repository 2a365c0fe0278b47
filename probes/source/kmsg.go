package source

import (
	"strconv"
	"strings"
	"time"
)

// parseKmsgRecord parses one /dev/kmsg record,
// "PRIO,SEQ,USEC,FLAGS[,...];message\n KEY=value\n...", into its message and
// its time since boot. Continuation lines (dictionary entries) are dropped.
func parseKmsgRecord(rec string) (msg string, sinceBoot time.Duration, ok bool) {
	semi := strings.IndexByte(rec, ';')
	if semi < 0 {
		return "", 0, false
	}
	head := strings.Split(rec[:semi], ",")
	if len(head) < 3 {
		return "", 0, false
	}
	usec, err := strconv.ParseUint(head[2], 10, 64)
	if err != nil {
		return "", 0, false
	}
	msg = rec[semi+1:]
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg, time.Duration(usec) * time.Microsecond, true
}

package probes

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
	"golang.org/x/sys/unix"
)

// Driver is the driver of a device the symptom names, as ethtool reports
// it (ETHTOOL_GDRVINFO): which driver refuses an operation it does not
// implement (native XDP on e1000, bit timing on a CAN adapter) is read from
// it.
type Driver struct {
	Device  string `json:"device"`
	Driver  string `json:"driver"`
	Version string `json:"version,omitempty"`
	BusInfo string `json:"bus_info,omitempty"`
	// Source is where it was read: "ethtool" (SIOCETHTOOL) on a live
	// system, the sosreport's file offline.
	Source string `json:"source"`
}

// readDrivers asks the driver of each device the symptom names (e.ifaces)
// that exists in the namespace, with the SIOCETHTOOL ioctl on a socket in
// the examined namespace. A device whose driver has no ethtool operations
// is left out; a gap named "drivers" says why none could be read.
func readDrivers(e *env, n *NetFacts) {
	var want []string
	for _, name := range e.ifaces {
		if l, ok := n.LinkByName(name); ok {
			want = append(want, l.Name)
		}
	}
	if len(want) == 0 {
		return
	}
	read := func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socket for ethtool: %s", Reason(err))
		}
		defer unix.Close(fd)
		for _, name := range want {
			info, err := unix.IoctlGetEthtoolDrvinfo(fd, name)
			if err != nil {
				continue // no ethtool operations, or gone meanwhile
			}
			n.Drivers = append(n.Drivers, Driver{Device: name, Driver: unix.ByteSliceToString(info.Driver[:]),
				Version: unix.ByteSliceToString(info.Version[:]), BusInfo: unix.ByteSliceToString(info.Bus_info[:]), Source: "ethtool"})
		}
		return nil
	}
	var err error
	switch {
	case e.netnsErr != nil:
		err = e.netnsErr
	case !e.root.Live() && sosFor(e.root.Dir) != nil:
		// A sosreport's networking plugin ran ethtool -i on each device.
		for _, name := range want {
			if d, ok := sosDriver(e.root.Dir, name); ok {
				n.Drivers = append(n.Drivers, d)
			}
		}
	case !e.root.Live():
		err = fmt.Errorf("offline root %s: drivers are read only on a live system or from a sosreport's ethtool -i (a capture does not record them)", e.root.Dir)
	case e.netnsPath == "":
		err = read()
	default:
		err = netns.Do(e.netnsPath, read)
	}
	if err != nil {
		n.Gaps.AddReason("drivers", Reason(err))
	}
}

// DriverOf is the driver of a named device, if it was read.
func (n *NetFacts) DriverOf(name string) (Driver, bool) {
	for _, d := range n.Drivers {
		if d.Device == name {
			return d, true
		}
	}
	return Driver{}, false
}

// sosDriver reads sos_commands/networking/ethtool_-i_DEV, the output of
// `ethtool -i DEV` ("driver: e1000", "version: ...", "bus-info: ...").
func sosDriver(dir, dev string) (Driver, bool) {
	if ValidIfName(dev) != nil {
		return Driver{}, false
	}
	b, err := source.ReadInRoot(dir, "sos_commands/networking/ethtool_-i_"+dev, 64<<10)
	if err != nil {
		return Driver{}, false
	}
	d := Driver{Device: dev, Source: "sos_commands/networking/ethtool_-i_" + dev}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = clip(strings.TrimSpace(v), 64)
		switch strings.TrimSpace(k) {
		case "driver":
			d.Driver = v
		case "version":
			d.Version = v
		case "bus-info":
			d.BusInfo = v
		}
	}
	return d, d.Driver != ""
}

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
// is left out; a gap named "drivers" says why none could be read. Offline,
// a capture's net.json carries the drivers of its links (read with the
// links by capturedNet) and a sosreport its ethtool -i outputs.
func readDrivers(e *env, n *NetFacts) {
	captured := n.Drivers
	n.Drivers = nil
	var want []string
	for _, name := range e.ifaces {
		if l, ok := n.LinkByName(name); ok {
			want = append(want, l.Name)
		}
	}
	if len(want) == 0 {
		return
	}
	var err error
	switch {
	case e.netnsErr != nil:
		err = e.netnsErr
	case !e.root.Live() && e.root.Exists("/"+CaptureMeta+"/net.json"):
		if _, gap := n.Gaps.Reason("drivers"); gap {
			break // the capture says why it has none (capturedNet)
		}
		if captured == nil {
			err = fmt.Errorf("the capture at %s records no drivers (written by an rtnl-doctor before drivers were captured)", e.root.Dir)
			break
		}
		for _, name := range want {
			found := false
			for _, d := range captured {
				if d.Device == name {
					d.Driver, d.Version, d.BusInfo = clip(d.Driver, 64), clip(d.Version, 64), clip(d.BusInfo, 64)
					d.Source = "the capture's " + CaptureMeta + "/net.json"
					n.Drivers = append(n.Drivers, d)
					found = true
				}
			}
			if !found && len(n.Links) > maxCaptureDrivers {
				n.Gaps.AddReason("drivers", fmt.Sprintf("the capture records the drivers of its first %d links only", maxCaptureDrivers))
			}
		}
	case !e.root.Live() && sosFor(e.root.Dir) != nil:
		// A sosreport's networking plugin ran ethtool -i on each device.
		for _, name := range want {
			if d, ok := sosDriver(e.root.Dir, name); ok {
				n.Drivers = append(n.Drivers, d)
			}
		}
	case !e.root.Live():
		err = fmt.Errorf("offline root %s: drivers are read only on a live system, from a capture or from a sosreport's ethtool -i", e.root.Dir)
	default:
		n.Drivers, err = ethtoolDrivers(e, want)
	}
	if err != nil {
		n.Gaps.AddReason("drivers", Reason(err))
	}
}

// ethtoolDrivers reads the drivers of the named devices of the examined
// namespace (ETHTOOL_GDRVINFO). A device whose driver has no ethtool
// operations, or that is gone meanwhile, is left out.
func ethtoolDrivers(e *env, names []string) ([]Driver, error) {
	var out []Driver
	read := func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socket for ethtool: %s", Reason(err))
		}
		defer unix.Close(fd)
		for _, name := range names {
			info, err := unix.IoctlGetEthtoolDrvinfo(fd, name)
			if err != nil {
				continue
			}
			out = append(out, Driver{Device: name, Driver: clip(unix.ByteSliceToString(info.Driver[:]), 64),
				Version: clip(unix.ByteSliceToString(info.Version[:]), 64), BusInfo: clip(unix.ByteSliceToString(info.Bus_info[:]), 64), Source: "ethtool"})
		}
		return nil
	}
	var err error
	if e.netnsPath == "" {
		err = read()
	} else {
		err = netns.Do(e.netnsPath, read)
	}
	return out, err
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

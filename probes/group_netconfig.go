package probes

import (
	"context"

	"github.com/rtnl-doctor/rtnl-doctor/probes/netconfig"
)

// GroupNetConfig is the fact group of the network managers' configuration:
// systemd-networkd, NetworkManager (probes/netconfig).
const GroupNetConfig Group = "netconfig"

var netConfigGroup = newGroup(GroupNetConfig, RefreshSlow, func(f *Facts) *NetConfigFacts { return &f.NetConfig },
	func(ctx context.Context, e *env) NetConfigFacts { return netconfig.Gather(ctx, e.source()) })

// The network managers' configuration, read by probes/netconfig.
type (
	NetConfigFacts = netconfig.Facts
	NetworkdFacts  = netconfig.NetworkdFacts
	NMFacts        = netconfig.NMFacts
	Finding        = netconfig.Finding
	ConfigFile     = netconfig.ConfigFile
)

// Finding severities and the managers named in findings.
const (
	SeverityError         = netconfig.SeverityError
	SeverityWarning       = netconfig.SeverityWarning
	SeverityInfo          = netconfig.SeverityInfo
	ManagerNetworkd       = netconfig.ManagerNetworkd
	ManagerNetworkManager = netconfig.ManagerNetworkManager
)

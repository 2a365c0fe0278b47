package probes

import "github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"

// The link, address and route messages are decoded next to the socket
// that reads them (internal/rtnl: linkmsg.go, addrmsg.go, routemsg.go,
// vxlaninfo.go); the facts keep their names here.
type (
	Link      = rtnl.Link
	Addr      = rtnl.Addr
	Route     = rtnl.Route
	NextHop   = rtnl.NextHop
	VxlanInfo = rtnl.VxlanInfo
)

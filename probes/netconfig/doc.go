// Package netconfig reads the network managers' configuration below a
// probes root: systemd-networkd's .netdev, .network and .link files and
// their drop-ins (networkd.go), NetworkManager's keyfiles and
// NetworkManager.conf (nmkeyfile.go), both parsed as their manager parses
// them (ini.go), whether each manager runs and its recent complaints in the
// journal (netconfig.go). Gather returns Facts; probes registers it as the
// "netconfig" fact group (probes/group_netconfig.go).
//
// Names are unprefixed where the package says it; nd (networkd) and nm
// (NetworkManager) still tell the two managers apart.
package netconfig

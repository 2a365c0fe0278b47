package symptom

// netplanKeys are the keys netplan's YAML parser reads (canonical/netplan
// src/parse.c, the mapping_entry_handler tables, at e9dd90a9, 2026-07-20),
// each with the first netplan release whose parse.c has it (git log -S on
// src/parse.c, then the first tag containing that commit). A netplan that
// says "unknown key K" for a key newer than its first release is older
// than K (the Ubuntu Core 16 netplan and dhcp4-overrides, 0.90:
// canonical/multipass#1952), or K stands in a section that does not take
// it; for a key every netplan reads (0.1: addresses, dhcp4, match...) it is
// the section (an indentation slip); for any other K the YAML is mistyped.
// Kept as data, not read from the system: netplan installs no list of its
// keys.
var netplanKeys = map[string]string{
	"accept-ra": "0.28", "access-points": "0.1", "activation-mode": "0.103", "ad-select": "0.17",
	"addresses": "0.1", "advertised-mss": "1.1", "advertised-receive-window": "0.102", "ageing": "0.105",
	"ageing-time": "0.17", "aging": "0.105", "aging-time": "0.105", "all-members-active": "0.106",
	"all-slaves-active": "0.17", "allowed-ips": "0.100", "anonymous-identity": "0.95", "apn": "0.99",
	"arp-all-targets": "0.17", "arp-interval": "0.17", "arp-ip-targets": "0.17", "arp-proxy": "0.105",
	"arp-validate": "0.17", "auth": "0.95", "auto-config": "0.99", "band": "0.99", "bonds": "0.12",
	"bridges": "0.1", "bssid": "0.99", "ca-cert": "0.100", "ca-certificate": "0.95",
	"certificate": "0.100", "channel": "0.99", "checksums": "0.105", "client-certificate": "0.95",
	"client-key": "0.95", "client-key-password": "0.95", "congestion-window": "0.102",
	"connection-mode": "0.100", "controller": "0.100", "critical": "0.36.2",
	"delay-virtual-functions-rebind": "0.104", "device": "0.99", "device-id": "0.99",
	"dhcp-identifier": "0.35", "dhcp4": "0.1", "dhcp4-overrides": "0.90", "dhcp6": "0.10",
	"dhcp6-overrides": "0.90", "do-not-fragment": "0.105", "down-delay": "0.17", "driver": "0.1",
	"dummy-devices": "0.107", "embedded-switch-mode": "0.104", "emit-lldp": "0.99", "endpoint": "0.100",
	"ethernets": "0.1", "extensions": "0.105", "external-ids": "0.100", "fail-mode": "0.100",
	"fail-over-mac-policy": "0.17", "flow-label": "0.105", "forward-delay": "0.17", "from": "0.34",
	"gateway4": "0.10", "gateway6": "0.10", "generic-receive-offload": "0.104",
	"generic-segmentation-offload": "0.104", "gratuitious-arp": "0.17", "gratuitous-arp": "0.40",
	"hairpin": "1.0", "hello-time": "0.17", "hidden": "0.100", "hostname": "0.90", "id": "0.1",
	"identity": "0.95", "ignore-carrier": "0.104", "infiniband-mode": "0.105", "input": "0.95",
	"interfaces": "0.1", "ipv6-address-generation": "0.99", "ipv6-address-token": "0.100",
	"ipv6-mtu": "0.98", "ipv6-privacy": "0.90", "keepalive": "0.100", "key": "0.95",
	"key-management": "0.95", "keys": "0.95", "label": "0.100", "lacp": "0.100", "lacp-rate": "0.17",
	"large-receive-offload": "0.104", "learn-packet-interval": "0.17", "lifetime": "0.100",
	"limit": "0.105", "link": "0.10", "link-local": "0.39", "local": "0.95", "mac-learning": "0.105",
	"macaddress": "0.1", "mark": "0.34", "match": "0.1", "max-age": "0.17", "mcast-snooping": "0.100",
	"method": "0.95", "metric": "0.16", "mii-monitor-interval": "0.17", "min-links": "0.17",
	"mode": "0.1", "modems": "0.99", "mtu": "0.21", "name": "0.1", "nameservers": "0.13",
	"neigh-suppress": "0.105", "network": "0.1", "network-id": "0.99", "networkmanager": "0.99",
	"nm-devices": "0.102", "notifications": "0.105", "number": "0.99", "on-link": "0.34",
	"openvswitch": "0.100", "optional": "0.30", "optional-addresses": "0.40", "other-config": "0.100",
	"output": "0.95", "packets-per-member": "0.106", "packets-per-slave": "0.17", "parameters": "0.17",
	"passthrough": "0.102", "password": "0.1", "path-cost": "0.17", "peer": "0.107", "peers": "0.100",
	"phase2-auth": "0.99", "pin": "0.99", "port": "0.100", "port-mac-learning": "1.0",
	"port-priority": "0.33", "port-range": "0.105", "ports": "0.100", "primary": "0.26",
	"primary-reselect-policy": "0.17", "priority": "0.17", "private": "0.100", "private-key": "0.100",
	"private-key-flags": "0.107", "protocols": "0.100", "public": "0.100", "ra-overrides": "1.1",
	"receive-checksum-offload": "0.104", "regulatory-domain": "0.105", "remote": "0.95",
	"renderer": "0.1", "resend-igmp": "0.17", "route-metric": "0.95", "routes": "0.16",
	"routing-policy": "0.34", "rstp": "0.100", "scope": "0.34", "search": "0.13", "send-hostname": "0.90",
	"set-name": "0.1", "shared": "0.100", "short-circuit": "0.105", "sim-id": "0.99",
	"sim-operator-id": "0.99", "ssl": "0.100", "stable-id": "0.99", "stp": "0.19", "table": "0.34",
	"tcp-segmentation-offload": "0.104", "tcp6-segmentation-offload": "0.104", "to": "0.16",
	"transmit-checksum-offload": "0.104", "transmit-hash-policy": "0.17", "ttl": "0.102",
	"tunnels": "0.95", "type": "0.1", "type-of-service": "0.34", "up-delay": "0.17", "use-dns": "0.90",
	"use-domains": "0.98", "use-hostname": "0.90", "use-mtu": "0.95", "use-ntp": "0.90",
	"use-routes": "0.95", "username": "0.99", "uuid": "0.99", "version": "0.1", "via": "0.16",
	"virtual-ethernets": "0.107", "virtual-function-count": "0.99", "vlans": "0.10", "vrfs": "0.105",
	"wakeonlan": "0.1", "wakeonwlan": "0.99", "wifis": "0.1",
}

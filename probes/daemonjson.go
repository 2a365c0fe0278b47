package probes

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DockerDaemon is the part of /etc/docker/daemon.json the diagnosis uses.
type DockerDaemon struct {
	Path string `json:"path"`
	// UsernsRemap is "userns-remap": "", "default" (the dockremap user) or
	// "user[:group]".
	UsernsRemap string `json:"userns_remap,omitempty"`
	// RemapUser and RemapGroup are who must own ranges in /etc/subuid and
	// /etc/subgid for the remapping to work.
	RemapUser  string `json:"remap_user,omitempty"`
	RemapGroup string `json:"remap_group,omitempty"`
	// Other settings that shape container networking.
	Iptables       *bool  `json:"iptables,omitempty"`
	IP6tables      *bool  `json:"ip6tables,omitempty"`
	IPv6           *bool  `json:"ipv6,omitempty"`
	Bridge         string `json:"bridge,omitempty"`
	DefaultRuntime string `json:"default_runtime,omitempty"`
}

// parseDaemonJSON parses docker's daemon.json. Unknown keys are ignored;
// a key of the wrong type is an error naming the key.
func parseDaemonJSON(data []byte) (DockerDaemon, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return DockerDaemon{}, fmt.Errorf("daemon.json is not valid JSON (dockerd refuses to start with it): %s", clip(err.Error(), 200))
	}
	var d DockerDaemon
	str := func(key string, dst *string) error {
		if v, ok := raw[key]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return fmt.Errorf("daemon.json: %q must be a string", key)
			}
		}
		return nil
	}
	boolean := func(key string, dst **bool) error {
		if v, ok := raw[key]; ok {
			var b bool
			if err := json.Unmarshal(v, &b); err != nil {
				return fmt.Errorf("daemon.json: %q must be true or false", key)
			}
			*dst = &b
		}
		return nil
	}
	for _, err := range []error{
		str("userns-remap", &d.UsernsRemap), str("bridge", &d.Bridge), str("default-runtime", &d.DefaultRuntime),
		boolean("iptables", &d.Iptables), boolean("ip6tables", &d.IP6tables), boolean("ipv6", &d.IPv6),
	} {
		if err != nil {
			return d, err
		}
	}
	d.UsernsRemap = clip(d.UsernsRemap, 256)
	switch r := d.UsernsRemap; {
	case r == "":
	case r == "default":
		d.RemapUser, d.RemapGroup = "dockremap", "dockremap"
	default:
		u, g, ok := strings.Cut(r, ":")
		d.RemapUser, d.RemapGroup = u, u
		if ok {
			d.RemapGroup = g
		}
	}
	return d, nil
}

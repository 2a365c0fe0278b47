package probes

import (
	"bytes"
	"os"
	"strings"
)

// RedactSecrets replaces the values of secret keys in an INI-style network
// configuration (NetworkManager keyfiles and conf, systemd-networkd
// .netdev/.network, WireGuard configurations) with RedactedMarker, and
// returns the keys it replaced. Secret keys: every key of [vpn-secrets];
// psk, password, password-raw, pin, wep-key0 to wep-key3 and any other
// *password, *-psk, *-secret or *private-key key (not their *-flags);
// WireGuard's PrivateKey/PresharedKey (private-key/preshared-key in a
// keyfile); Key= of networkd's [MACsec*] sections. The rest of the file is
// kept byte for byte.
func RedactSecrets(data []byte) ([]byte, []string) {
	var out bytes.Buffer
	var keys []string
	section := ""
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, raw := range lines {
		line := strings.TrimLeft(string(raw), " \t")
		switch {
		case strings.HasPrefix(line, "["):
			if i := strings.IndexByte(line, ']'); i > 0 {
				section = strings.ToLower(strings.TrimSpace(line[1:i]))
			}
		case strings.HasPrefix(line, "#"), strings.HasPrefix(line, ";"):
		default:
			eq := strings.IndexByte(line, '=')
			if eq <= 0 {
				break
			}
			key := strings.TrimSpace(line[:eq])
			macsecKey := strings.HasPrefix(section, "macsec") && strings.EqualFold(key, "Key") // networkd's MACsec keys
			if section == "vpn-secrets" || macsecKey || secretKey(key) {
				prefix := string(raw)[:len(raw)-len(line)+eq+1]
				nl := ""
				if strings.HasSuffix(string(raw), "\n") {
					nl = "\n"
				}
				out.WriteString(prefix + RedactedMarker + nl)
				keys = append(keys, key)
				continue
			}
		}
		out.Write(raw)
	}
	return out.Bytes(), keys
}

// secretKey reports whether a configuration key holds a secret.
func secretKey(key string) bool {
	k := strings.ToLower(key)
	if strings.HasSuffix(k, "-flags") || strings.HasSuffix(k, "file") {
		return false // psk-flags=1 says where the secret lives; PrivateKeyFile= is a path
	}
	switch k {
	case "psk", "pin", "password", "password-raw", "wep-key0", "wep-key1", "wep-key2", "wep-key3",
		"privatekey", "presharedkey", "private-key", "preshared-key", "secret":
		return true
	}
	return strings.HasSuffix(k, "password") || strings.HasSuffix(k, "-psk") || strings.HasSuffix(k, "-secret") ||
		strings.HasSuffix(k, "password-raw") || strings.HasSuffix(k, "private-key") // phase2-private-key: a key blob
}

// redact is the capture's filter for configuration files.
func (c *capturer) redact(p string, b []byte) []byte {
	if strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".conflist") || p == "/etc/passwd" || p == "/etc/group" {
		return b
	}
	out, keys := RedactSecrets(b)
	if len(keys) > 0 {
		c.m.Redacted = append(c.m.Redacted, p+": "+strings.Join(keys, ", "))
	}
	// A key file networkd is pointed at: whether it exists is read, the key
	// never is. A placeholder stands for it.
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		if (k == "privatekeyfile" || k == "presharedkeyfile") && strings.HasPrefix(v, "/") && !strings.Contains(v, "..") {
			if st, err := os.Stat(c.s(v)); err == nil && st.Mode().IsRegular() && !c.seen[strings.TrimPrefix(v, "/")] {
				c.write(v, []byte(RedactedMarker+"\n"))
				c.m.Redacted = append(c.m.Redacted, v+": the whole key file (a placeholder stands for it)")
			}
		}
	}
	return out
}

// Package lsm reads what the Linux security modules say about networking
// operations below a probes root: the state of SELinux and AppArmor
// (lsm.go, apparmor_profile.go) and their denials in the logs (denials.go),
// parsed from audit records (auditrec.go) as SELinux AVCs (avc.go) and
// AppArmor records (apparmor.go). GatherSecurity and GatherDenials return
// SecurityFacts and DenialFacts; probes registers them as the "security" and
// "denials" fact groups (probes/group_lsm.go).
package lsm

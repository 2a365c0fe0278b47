package diagnose

import (
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
)

// extAckRows is the ranking row of the extended ACK the symptom matched
// when its row in the kernel's table (model/symptom/symptom_extack.go)
// names the cause the message proves ("mtu greater than device maximum":
// dev_validate_mtu compared the MTU with max_mtu; "Nexthop device is not
// up": the device is down). rankedCauses puts it before the table's rows:
// the kernel's own words outweigh the operation and the errno. A message
// without a cause adds nothing.
func extAckRows(s symptom.Symptom) []rankRow {
	r, ok := s.ExtAckRow()
	if !ok || r.Cause == "" {
		return nil
	}
	k := CauseByID(r.Cause)
	if k == nil {
		return nil
	}
	why := r.Src + ": "
	if r.Errno != "" {
		why += string(r.Errno) + " "
	}
	return []rankRow{{Msg: strings.ToLower(r.Text()), Op: r.Op, Errno: r.Errno, Causes: causes(k),
		Why: why + "\"" + r.Text() + "\" (extended ACK)"}}
}

// denialRows: the paste holds a security module's own record of an
// enforced denial (an SELinux AVC with permissive=0 or no permissive field,
// AppArmor's apparmor="DENIED"; audit's complain mode says ALLOWED and is
// not read as one): that is mac-denial's proof, first like an extended ACK.
func denialRows(s symptom.Symptom) []rankRow {
	switch {
	case s.Source == "selinux" && !strings.Contains(s.Raw, "permissive=1"):
		return []rankRow{{Source: s.Source, Causes: causes(causeMACDenial), Why: "the paste holds SELinux's AVC denial, enforced (not permissive=1): security/selinux/avc.c logs it when it refuses the access"}}
	case s.Source == "apparmor":
		return []rankRow{{Source: s.Source, Causes: causes(causeMACDenial), Why: "the paste holds AppArmor's apparmor=\"DENIED\" record: security/apparmor/audit.c logs it when an enforcing profile refuses the access"}}
	}
	return nil
}

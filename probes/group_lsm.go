package probes

import (
	"context"

	"github.com/rtnl-doctor/rtnl-doctor/probes/lsm"
)

// GroupSecurity is the fact group of the security modules: SELinux and
// AppArmor (probes/lsm).
const GroupSecurity Group = "security"

var securityGroup = newGroup(GroupSecurity, RefreshSlow, func(f *Facts) *SecurityFacts { return &f.Security },
	func(_ context.Context, e *env) SecurityFacts { return lsm.GatherSecurity(e.source()) })

// GroupDenials is the fact group of SELinux and AppArmor denials in the
// logs (probes/lsm).
const GroupDenials Group = "denials"

var denialsGroup = newGroup(GroupDenials, RefreshSlow, func(f *Facts) *DenialFacts { return &f.Denials },
	func(ctx context.Context, e *env) DenialFacts { return lsm.GatherDenials(ctx, e.source()) })

// The security modules' state and denials, read by probes/lsm.
type (
	SecurityFacts       = lsm.SecurityFacts
	SELinuxFacts        = lsm.SELinuxFacts
	AppArmorFacts       = lsm.AppArmorFacts
	AppArmorProfile     = lsm.AppArmorProfile
	AppArmorProfileFile = lsm.AppArmorProfileFile
	Denial              = lsm.Denial
	DenialFacts         = lsm.DenialFacts
)

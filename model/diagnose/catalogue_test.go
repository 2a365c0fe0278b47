package diagnose

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/assets"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom/symptomtest"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// catalogueParts are what a cause is checked against: the ranking table,
// the explanations in assets/, and the contexts its fixes are built for.
type catalogueParts struct {
	rows     []rankRow
	asset    func(id string) string
	contexts []*Context
}

var causeIDRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checkCause lists the parts a cause lacks: an id, its explanation in
// assets/causes/ID.md (a "# Title" line and a body), what it checks, an
// evaluation, the fact groups it reads (and the one it requires among
// them), the (op, errno) its fixes answer, fixes whose ids are its own and
// whose actions are of a known kind with valid parameters, and a row of
// the ranking table.
func checkCause(k *Cause, p catalogueParts) []string {
	var out []string
	bad := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("cause %q: ", k.ID)+fmt.Sprintf(format, args...))
	}
	if !causeIDRE.MatchString(k.ID) {
		bad("the id is not lower-case words joined by '-'")
	}
	switch text := p.asset(k.ID); {
	case text == "":
		bad("no explanation: assets/causes/%s.md is missing or empty", k.ID)
	case !strings.HasPrefix(text, "# ") || !strings.Contains(text, "\n"):
		bad("assets/causes/%s.md does not start with a \"# Title\" line followed by the explanation", k.ID)
	}
	if k.Checks == "" {
		bad("does not say what it checks (Checks)")
	}
	if k.Eval == nil {
		bad("no evaluation (Eval)")
	}
	if len(k.Needs) == 0 {
		bad("names no fact group it reads (Needs): a fix's verification would re-read nothing")
	}
	for _, g := range k.Needs {
		if !slices.Contains(probes.AllGroups, g) {
			bad("needs %q, which is no fact group", g)
		}
	}
	if r := k.Require; r.Group != "" {
		if !slices.Contains(k.Needs, r.Group) {
			bad("requires %q, which is not among the groups it needs", r.Group)
		}
		if r.Facts == "" {
			bad("requires %q without naming those facts for the evidence", r.Group)
		}
	}
	if k.Fixes != nil && len(k.Answers) == 0 {
		bad("offers fixes but declares no (op, errno) they answer (Answers)")
	}
	for _, a := range k.Answers {
		if a.Errno == "" {
			bad("answers %+v, which names no errno", a)
		}
	}
	if k.Fixes != nil {
		seen := map[string]bool{}
		for _, c := range p.contexts {
			// The fixes for the cause's own verdict, and for a proven and
			// a plausible one whatever the evidence.
			for _, v := range []Verdict{safeEval(k, c), {Status: Fail}, {Status: Warn}} {
				for _, fx := range k.Fixes(c, v) {
					for f := &fx; f != nil; f = f.Then {
						if seen[f.ID] {
							continue
						}
						seen[f.ID] = true
						if !strings.HasPrefix(f.ID, k.ID+"/") {
							bad("fix %q is not named %s/...", f.ID, k.ID)
						}
						if f.Action != nil {
							if err := fix.ValidateAction(f.Action); err != nil {
								bad("fix %s: %v", f.ID, err)
							}
						}
					}
				}
			}
		}
	}
	reached := false
	for _, r := range p.rows {
		reached = reached || slices.Contains(r.Causes, k)
	}
	if !reached {
		bad("no row of the ranking table (model/rank_table.go) names it: no symptom ever points at it")
	}
	return out
}

// checkCatalogue lists what the catalogue lacks: each cause's parts, an id
// used once, and a cause for every explanation in assets/causes.
func checkCatalogue(ks []*Cause, p catalogueParts, assetIDs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range ks {
		out = append(out, checkCause(k, p)...)
		if seen[k.ID] {
			out = append(out, fmt.Sprintf("cause %q is in the catalogue twice", k.ID))
		}
		seen[k.ID] = true
	}
	for _, id := range assetIDs {
		if !seen[id] {
			out = append(out, fmt.Sprintf("assets/causes/%s.md has no cause in the catalogue (model/cause.go)", id))
		}
	}
	return out
}

// assetCauseIDs are the ids of the explanations in assets/causes.
func assetCauseIDs(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join("..", "..", "assets", "causes"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range ents {
		if id, ok := strings.CutSuffix(e.Name(), ".md"); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// fixContexts are the contexts fixes are built for in the check: the
// captured trees, each against the symptoms of the parser's table and the
// corpus, and a spread of operations and errnos.
func fixContexts(t *testing.T) []*Context {
	t.Helper()
	var symptoms []symptom.Symptom
	for _, c := range symptomtest.Cases {
		symptoms = append(symptoms, symptom.ParseSymptom(c.In))
	}
	for _, r := range readCorpus(t) {
		symptoms = append(symptoms, symptom.ParseSymptom(r.Text))
	}
	var out []*Context
	for _, o := range []string{"", "container-docker", "fd-exhaustion", "memory-fragmented", "netns-stale", "userns-remap"} {
		var root string
		if o == "" {
			root = fixtureRoot(t)
		} else {
			root = fixtureRoot(t, o)
		}
		f := probes.Gather(context.Background(), probes.Target{Root: root, Interfaces: []string{"eth0", "docker0"}})
		for _, s := range symptoms {
			out = append(out, &Context{Facts: f, Symptom: s})
		}
		for _, op := range []string{symptom.OpLinkAdd, symptom.OpLinkSet, symptom.OpTuntapAdd, symptom.OpAddrAdd, symptom.OpRouteAdd, symptom.OpNeighAdd, symptom.OpSysctl, symptom.OpNetlink, symptom.OpUserns, symptom.OpTunOpen, symptom.OpModprobe, symptom.OpNetnsEnter} {
			for _, errno := range []symptom.Errno{symptom.EPERM, symptom.EEXIST, symptom.ENOENT, symptom.EOPNOTSUPP, symptom.EACCES, symptom.EINVAL, symptom.EBUSY, symptom.ENOBUFS, symptom.EADDRINUSE} {
				s := symptom.Symptom{Recognised: true, Operation: op, Errno: errno, Kind: "vxlan", Device: "eth0", Peer: "veth1", Master: "br0",
					Lower: "eth0", Netns: "ns1", Address: "10.0.0.1/24", Route: "10.9.0.0/16", Gateway: "10.0.0.254", Module: "vxlan",
					SysctlKey: "net.ipv6.conf.eth0.disable_ipv6", Path: "/dev/net/tun", Program: "ip", MTU: 9000,
					Command: "ip link add vx0 type vxlan id 42 dev eth0 dstport 4789"}
				out = append(out, &Context{Facts: f, Symptom: s})
			}
		}
	}
	return out
}

// Every cause of the catalogue has every part; every explanation in
// assets/causes has its cause.
func TestCatalogue(t *testing.T) {
	p := catalogueParts{rows: rankTable, asset: assets.Cause, contexts: fixContexts(t)}
	for _, problem := range checkCatalogue(Catalogue, p, assetCauseIDs(t)) {
		t.Error(problem)
	}
	for _, k := range Catalogue {
		if k.Title() == "" || k.Explanation() == "" {
			t.Errorf("%s: title %q, explanation of %d bytes", k.ID, k.Title(), len(k.Explanation()))
		}
	}
}

// The README names every cause where it lists them.
func TestReadmeNamesEveryCause(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Skip("no README.md next to the module")
	}
	for _, k := range Catalogue {
		if !strings.Contains(string(b), "`"+k.ID+"`") {
			t.Errorf("README.md does not name the cause `%s` in its list of causes", k.ID)
		}
	}
}

// Every action a fix can carry names a known kind: each fix.Act(KIND, ...)
// in the code of the causes and of the fixes names KIND as a known action
// type (the check by
// contexts above reaches only the fixes the captured trees call for).
func TestActionKindsOfFixesExist(t *testing.T) {
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob(filepath.Join("..", "fix", "*.go"))
	files = append(files, more...)
	calls := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if !isAct(call.Fun) || len(call.Args) == 0 {
				return true
			}
			calls++
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: Act's kind is not a literal string: it cannot be checked", fset.Position(call.Pos()))
				return true
			}
			if kind, _ := strconv.Unquote(lit.Value); !hasActionKind(kind) {
				t.Errorf("%s: Act(%s): no such action kind", fset.Position(call.Pos()), lit.Value)
			}
			return true
		})
	}
	if calls < 10 {
		t.Fatalf("only %d Act calls found: the scan reaches too little", calls)
	}
}

func hasActionKind(kind string) bool { return fix.KnownKind(kind) }

// A throwaway cause passes the checks whole and fails them with any part
// missing, so a forgotten part fails a test, not a user; and Evaluate
// answers its "group unavailable" opening without calling Eval.
func TestThrowawayCauseMissingAPart(t *testing.T) {
	evaluated := false
	whole := func() *Cause {
		return &Cause{
			ID:      "throwaway",
			Checks:  "nothing: a cause for this test",
			Needs:   []probes.Group{probes.GroupSysctls},
			Require: Requirement{probes.GroupSysctls, "sysctls"},
			Eval: func(*Context) Verdict {
				evaluated = true
				return Verdict{Status: Fail, Evidence: []string{"always"}}
			},
			Fixes: func(*Context, Verdict) []fix.Fix {
				return []fix.Fix{{ID: "throwaway/forward", Title: "Forward", Command: fix.Argv("sysctl", "-w", "net.ipv4.ip_forward=1"),
					Action: fix.Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1")}}
			},
			Answers: fix.Answers(nil, symptom.EINVAL),
		}
	}
	k := whole()
	parts := func(k *Cause) catalogueParts {
		return catalogueParts{
			rows: append(slices.Clone(rankTable), rankRow{Errno: symptom.EINVAL, Causes: causes(k), Why: "a test's row"}),
			asset: func(id string) string {
				if id == "throwaway" {
					return "# A throwaway cause\n\nIts explanation."
				}
				return assets.Cause(id)
			},
			contexts: []*Context{{Facts: &probes.Facts{Gathered: probes.AllGroups}, Symptom: symptom.Symptom{Errno: symptom.EINVAL}}},
		}
	}
	if p := checkCause(k, parts(k)); len(p) > 0 {
		t.Fatalf("the whole throwaway cause fails the checks: %v", p)
	}

	without := func(change func(k *Cause, p *catalogueParts)) string {
		k := whole()
		p := parts(k)
		change(k, &p)
		return strings.Join(checkCause(k, p), "\n")
	}
	for _, c := range []struct {
		missing string
		got     string
		want    string
	}{
		{"explanation", without(func(_ *Cause, p *catalogueParts) { p.asset = assets.Cause }), "no explanation: assets/causes/throwaway.md"},
		{"title", without(func(_ *Cause, p *catalogueParts) { p.asset = func(string) string { return "no title" } }), `"# Title" line`},
		{"row of the ranking table", without(func(_ *Cause, p *catalogueParts) { p.rows = rankTable }), "no row of the ranking table"},
		{"answers", without(func(k *Cause, _ *catalogueParts) { k.Answers = nil }), "declares no (op, errno)"},
		{"known action kind", without(func(k *Cause, _ *catalogueParts) {
			k.Fixes = func(*Context, Verdict) []fix.Fix {
				return []fix.Fix{{ID: "throwaway/reboot", Action: fix.Act("reboot")}}
			}
		}), `unknown action kind "reboot"`},
		{"valid action parameters", without(func(k *Cause, _ *catalogueParts) {
			k.Fixes = func(*Context, Verdict) []fix.Fix {
				return []fix.Fix{{ID: "throwaway/x", Action: fix.Act("sysctl", "key", "net.ipv4.ip_forward")}}
			}
		}), "parameter value is missing"},
		{"its own fix ids", without(func(k *Cause, _ *catalogueParts) {
			k.Fixes = func(*Context, Verdict) []fix.Fix { return []fix.Fix{{ID: "mtu/forward"}} }
		}), `fix "mtu/forward" is not named throwaway/...`},
		{"evaluation", without(func(k *Cause, _ *catalogueParts) { k.Eval = nil }), "no evaluation"},
		{"checks", without(func(k *Cause, _ *catalogueParts) { k.Checks = "" }), "does not say what it checks"},
		{"an id", without(func(k *Cause, _ *catalogueParts) { k.ID = "Throwaway Cause" }), "not lower-case words"},
		{"needs", without(func(k *Cause, _ *catalogueParts) { k.Needs = nil }), "names no fact group"},
		{"its required group among its needs", without(func(k *Cause, _ *catalogueParts) {
			k.Needs = []probes.Group{probes.GroupHost}
		}), `requires "sysctls", which is not among the groups it needs`},
	} {
		if !strings.Contains(c.got, c.want) {
			t.Errorf("a cause without its %s passes: %q", c.missing, c.got)
		}
	}

	// The catalogue: a cause in it twice (by id), or left out of it (its
	// explanation then has no cause).
	p := parts(k)
	dup := whole()
	dup.ID = "mtu"
	if got := strings.Join(checkCatalogue(append(slices.Clone(Catalogue), dup), p, nil), "\n"); !strings.Contains(got, `"mtu" is in the catalogue twice`) {
		t.Errorf("an id used twice passes: %q", got)
	}
	if got := strings.Join(checkCatalogue(Catalogue, p, append(assetCauseIDs(t), "throwaway")), "\n"); !strings.Contains(got, "assets/causes/throwaway.md has no cause in the catalogue") {
		t.Errorf("a cause left out of the catalogue passes: %q", got)
	}

	// Evaluate's opening: the required group not read answers unknown and
	// the evaluation is not run; read, it runs.
	evaluated = false
	r := Evaluate(k, &Context{Facts: &probes.Facts{Gathered: []probes.Group{probes.GroupHost}}}, nil)
	if evaluated || r.Status != Unknown || !slices.Equal(r.Evidence, []string{"sysctls unavailable: not gathered"}) {
		t.Fatalf("without its group: evaluated %v, %s %q", evaluated, r.Status, r.Evidence)
	}
	f := &probes.Facts{Gathered: []probes.Group{probes.GroupSysctls}}
	f.Gaps.AddReason(string(probes.GroupSysctls), "timed out")
	if r := Evaluate(k, &Context{Facts: f}, nil); evaluated || r.Status != Unknown || !slices.Equal(r.Evidence, []string{"sysctls unavailable: timed out"}) {
		t.Fatalf("with its group timed out: evaluated %v, %s %q", evaluated, r.Status, r.Evidence)
	}
	if r := Evaluate(k, &Context{Facts: &probes.Facts{Gathered: probes.AllGroups}}, nil); !evaluated || r.Status != Fail {
		t.Fatalf("with its group: evaluated %v, %s %q", evaluated, r.Status, r.Evidence)
	}
}

// isAct: the call is fix.Act (from the causes) or Act (inside model/fix).
func isAct(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name == "Act"
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && x.Name == "fix" && f.Sel.Name == "Act"
	}
	return false
}

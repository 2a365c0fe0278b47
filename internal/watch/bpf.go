package watch

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"
)

// BPF is the eBPF back end. Its programs are written with cilium/ebpf's
// assembler (no clang, no generated headers); the kernel structure offsets
// they follow come from the running kernel's BTF at start.
//
//   - The netlink error reply reader: tracepoint programs on
//     sys_enter/exit_recvmsg and recvfrom remember each thread's receive
//     buffer (not for MSG_PEEK, which iproute2 uses first to size the
//     reply) and, on exit, read the first message: an NLMSG_ERROR with a
//     negative error is a failed request, with its errno and the request's
//     type, flags and length. It sees "File exists" without extack.
//   - cap_capable as a raw tracepoint (Linux 6.14+): failed CAP_NET_ADMIN
//     and CAP_NET_RAW checks with the caller's and the target's user
//     namespace.
//
// Process, parent, cgroup, network namespace and comm are taken in the
// kernel, so short-lived processes are named even after they exit.
type BPF struct {
	objs    []interface{ Close() error }
	links   []link.Link
	perfFDs []int
	ring    *ebpf.Map
	lost    *ebpf.Map
	rd      *ringbuf.Reader
	mounted string
	self    int
	hooks   []string
	missing []string

	closeOnce sync.Once
	closeErr  error
	lostN     uint64
}

// event layout written by the programs (little-endian, evSize bytes).
const (
	evPidTgid = 0  // u64
	evKind    = 8  // u32: 1 netlink error, 2 capability
	evErr     = 12 // s32
	evLen     = 16 // u32 request nlmsg_len
	evType    = 20 // u16 request nlmsg_type
	evFlags   = 22 // u16 request nlmsg_flags
	evProto   = 24 // u32 socket protocol, or the capability
	evPPID    = 28 // u32 parent's tgid
	evNetNS   = 32 // u64
	evCaller  = 40 // u64 caller's user namespace inode
	evTarget  = 48 // u64 target user namespace inode
	evCgroup  = 56 // u64
	evComm    = 64 // [16]byte
	evTime    = 80 // u64 bpf_ktime_get_ns (CLOCK_MONOTONIC)
	evRFlags  = 88 // u16 the reply's nlmsg_flags (NLM_F_CAPPED, NLM_F_ACK_TLVS)
	evExt     = 96 // what follows the error's first 36 bytes: the echoed request and the extack attributes
	extLen    = 256
	evSize    = evExt + extLen
	evCapSize = evExt // a capability event has no tail
)

// kernel offsets the programs follow, from BTF.
type offsets struct {
	taskFiles, filesFdt, fdtFd, filePriv, sockSk, skFamily, skProtocol int32
	taskNsproxy, nsproxyNet, netInum                                   int32
	taskParent, taskTgid                                               int32
	credUserNS, userNSInum                                             int32
}

// memberOffset finds a (possibly nested, dotted) member's byte offset in a
// struct, looking into anonymous members.
func memberOffset(spec *btf.Spec, typ, path string) (int32, error) {
	t, err := spec.AnyTypeByName(typ)
	if err != nil {
		return 0, err
	}
	var off int32
	for _, name := range strings.Split(path, ".") {
		o, mt, ok := findMember(btf.UnderlyingType(t), name)
		if !ok {
			return 0, fmt.Errorf("%s has no member %s", typ, path)
		}
		off += o
		t = mt
	}
	return off, nil
}

func findMember(c btf.Type, name string) (int32, btf.Type, bool) {
	var members []btf.Member
	switch s := c.(type) {
	case *btf.Struct:
		members = s.Members
	case *btf.Union:
		members = s.Members
	}
	for _, m := range members {
		if m.Name == name {
			if m.BitfieldSize != 0 {
				return 0, nil, false
			}
			return int32(m.Offset / 8), m.Type, true
		}
		if m.Name == "" {
			if o, t, ok := findMember(btf.UnderlyingType(m.Type), name); ok {
				return int32(m.Offset/8) + o, t, true
			}
		}
	}
	return 0, nil, false
}

func kernelOffsets() (offsets, error) {
	spec, err := btf.LoadKernelSpec()
	if err != nil {
		return offsets{}, fmt.Errorf("no kernel BTF (/sys/kernel/btf/vmlinux): %v", err)
	}
	var o offsets
	var errs []error
	get := func(dst *int32, typ, path string) {
		v, err := memberOffset(spec, typ, path)
		if err != nil {
			errs = append(errs, err)
		}
		*dst = v
	}
	get(&o.taskFiles, "task_struct", "files")
	get(&o.filesFdt, "files_struct", "fdt")
	get(&o.fdtFd, "fdtable", "fd")
	get(&o.filePriv, "file", "private_data")
	get(&o.sockSk, "socket", "sk")
	get(&o.skFamily, "sock", "__sk_common.skc_family")
	get(&o.skProtocol, "sock", "sk_protocol")
	get(&o.taskNsproxy, "task_struct", "nsproxy")
	get(&o.nsproxyNet, "nsproxy", "net_ns")
	get(&o.netInum, "net", "ns.inum")
	get(&o.taskParent, "task_struct", "real_parent")
	get(&o.taskTgid, "task_struct", "tgid")
	get(&o.credUserNS, "cred", "user_ns")
	get(&o.userNSInum, "user_namespace", "ns.inum")
	if len(errs) > 0 {
		return o, fmt.Errorf("kernel BTF lacks what the programs follow: %v", errors.Join(errs...))
	}
	return o, nil
}

// Stack layout of every program (offsets from R10).
const (
	stEvent = -evSize      // the event
	stKey   = stEvent - 8  // u64 map key (pid_tgid)
	stTmp   = stKey - 8    // u64 scratch for kernel reads
	stReply = stTmp - 40   // 36 bytes of the reply
	stVal   = stReply - 16 // 16-byte map value (buf, fd)
)

// kread emits: *(u64*)(R10+dst) = 0; probe_read_kernel(R10+dst, size, base+off).
func kread(dst int16, base asm.Register, off int32, size int32) asm.Instructions {
	return asm.Instructions{
		asm.StoreImm(asm.R10, dst, 0, asm.Word),
		asm.StoreImm(asm.R10, dst+4, 0, asm.Word),
		asm.Mov.Reg(asm.R3, base),
		asm.Add.Imm(asm.R3, off),
		asm.Mov.Reg(asm.R1, asm.R10),
		asm.Add.Imm(asm.R1, int32(dst)),
		asm.Mov.Imm(asm.R2, size),
		asm.FnProbeReadKernel.Call(),
	}
}

// common emits what every event carries: pid_tgid, comm, cgroup, parent,
// network namespace. R6..R9 are preserved; R7 is used as the task.
func commonFields(o offsets) asm.Instructions {
	ins := asm.Instructions{
		asm.FnKtimeGetNs.Call(),
		asm.StoreMem(asm.R10, stEvent+evTime, asm.R0, asm.DWord),
		asm.FnGetCurrentPidTgid.Call(),
		asm.StoreMem(asm.R10, stEvent+evPidTgid, asm.R0, asm.DWord),
		asm.Mov.Reg(asm.R1, asm.R10),
		asm.Add.Imm(asm.R1, stEvent+evComm),
		asm.Mov.Imm(asm.R2, 16),
		asm.FnGetCurrentComm.Call(),
		asm.FnGetCurrentCgroupId.Call(),
		asm.StoreMem(asm.R10, stEvent+evCgroup, asm.R0, asm.DWord),
		asm.FnGetCurrentTask.Call(),
		asm.Mov.Reg(asm.R7, asm.R0),
	}
	// parent tgid: task->real_parent->tgid
	ins = append(ins, kread(stTmp, asm.R7, o.taskParent, 8)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.taskTgid, 4)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.Word),
		asm.StoreMem(asm.R10, stEvent+evPPID, asm.R1, asm.Word))
	// netns: task->nsproxy->net_ns->ns.inum
	ins = append(ins, kread(stTmp, asm.R7, o.taskNsproxy, 8)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.nsproxyNet, 8)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.netInum, 4)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.Word),
		asm.StoreMem(asm.R10, stEvent+evNetNS, asm.R1, asm.DWord))
	return ins
}

// zeroEvent clears the event on the stack (the verifier wants it
// initialised before it is copied out).
func zeroEvent() asm.Instructions {
	var ins asm.Instructions
	for off := int16(stEvent); off < 0; off += 4 {
		ins = append(ins, asm.StoreImm(asm.R10, off, 0, asm.Word))
	}
	return ins
}

// output emits ringbuf_output(ring, event) and counts a full buffer in
// lost[0]. sized: only the reply's own bytes of the tail are sent (R3 =
// evExt + nlmsg_len - 36, at most evSize), so a burst fits the ring.
func output(ring, lost *ebpf.Map, sized bool) asm.Instructions {
	size := asm.Instructions{asm.Mov.Imm(asm.R3, evCapSize)}
	if sized {
		size = asm.Instructions{
			asm.LoadMem(asm.R3, asm.R10, stReply, asm.Word),
			asm.Add.Imm(asm.R3, evExt-36),
			asm.JLE.Imm(asm.R3, evSize, "sized"),
			asm.Mov.Imm(asm.R3, evSize),
		}
	}
	ins := append(size,
		asm.LoadMapPtr(asm.R1, ring.FD()).WithSymbol(map[bool]string{true: "sized", false: "unsized"}[sized]),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, stEvent),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnRingbufOutput.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.StoreImm(asm.R10, stKey, 0, asm.Word),
		asm.StoreImm(asm.R10, stKey+4, 0, asm.Word),
		asm.LoadMapPtr(asm.R1, lost.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, stKey),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.Mov.Imm(asm.R1, 1),
		asm.StoreXAdd(asm.R0, asm.R1, asm.DWord),
	)
	return ins
}

func exitBlock() asm.Instructions {
	return asm.Instructions{asm.Mov.Imm(asm.R0, 0).WithSymbol("exit"), asm.Return()}
}

// enterProg remembers the receive buffer and fd of a thread's recvmsg
// (msghdr=true: arg 1 is a user_msghdr, its first iovec the buffer) or
// recvfrom (arg 1 is the buffer). Syscall tracepoint context: args from
// offset 16, 8 bytes each.
func enterProg(msghdr bool, pending *ebpf.Map) asm.Instructions {
	flagsOff := int16(48) // recvfrom(fd, buf, len, flags, ...): arg 3
	if msghdr {
		flagsOff = 32 // recvmsg(fd, msg, flags): arg 2
	}
	ins := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.LoadMem(asm.R1, asm.R6, flagsOff, asm.DWord),
		asm.JSet.Imm(asm.R1, unix.MSG_PEEK, "exit"),
		asm.LoadMem(asm.R1, asm.R6, 16, asm.DWord), // fd
		asm.StoreMem(asm.R10, stVal+8, asm.R1, asm.DWord),
		asm.LoadMem(asm.R1, asm.R6, 24, asm.DWord), // msg or buf
		asm.StoreMem(asm.R10, stVal, asm.R1, asm.DWord),
	}
	if msghdr {
		// iov = msg->msg_iov (offset 16); buf = iov[0].iov_base.
		for _, off := range []int32{16, 0} {
			ins = append(ins,
				asm.LoadMem(asm.R3, asm.R10, stVal, asm.DWord),
				asm.Add.Imm(asm.R3, off),
				asm.Mov.Reg(asm.R1, asm.R10),
				asm.Add.Imm(asm.R1, stVal),
				asm.Mov.Imm(asm.R2, 8),
				asm.FnProbeReadUser.Call(),
				asm.JNE.Imm(asm.R0, 0, "exit"),
			)
		}
	}
	ins = append(ins,
		asm.FnGetCurrentPidTgid.Call(),
		asm.StoreMem(asm.R10, stKey, asm.R0, asm.DWord),
		asm.LoadMapPtr(asm.R1, pending.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, stKey),
		asm.Mov.Reg(asm.R3, asm.R10),
		asm.Add.Imm(asm.R3, stVal),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnMapUpdateElem.Call(),
	)
	return append(ins, exitBlock()...)
}

// exitProg reads the first message of the reply when the call returned at
// least an NLMSG_ERROR's 36 bytes and sends failed requests on netlink
// sockets.
func exitProg(o offsets, pending, ring, lost *ebpf.Map) asm.Instructions {
	ins := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.FnGetCurrentPidTgid.Call(),
		asm.StoreMem(asm.R10, stKey, asm.R0, asm.DWord),
		asm.LoadMapPtr(asm.R1, pending.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, stKey),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "exit"),
		asm.LoadMem(asm.R8, asm.R0, 0, asm.DWord), // buf
		asm.LoadMem(asm.R9, asm.R0, 8, asm.DWord), // fd
		asm.LoadMapPtr(asm.R1, pending.FD()),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, stKey),
		asm.FnMapDeleteElem.Call(),
		asm.LoadMem(asm.R1, asm.R6, 16, asm.DWord), // ret
		asm.JSLT.Imm(asm.R1, 36, "exit"),
		asm.StoreMem(asm.R10, stTmp, asm.R1, asm.DWord),
		// Read the first 36 bytes of the reply.
		asm.Mov.Reg(asm.R1, asm.R10),
		asm.Add.Imm(asm.R1, stReply),
		asm.Mov.Imm(asm.R2, 36),
		asm.Mov.Reg(asm.R3, asm.R8),
		asm.FnProbeReadUser.Call(),
		asm.JNE.Imm(asm.R0, 0, "exit"),
		// nlmsg_type == NLMSG_ERROR (2), 36 <= nlmsg_len <= ret.
		asm.LoadMem(asm.R1, asm.R10, stReply+4, asm.Half),
		asm.JNE.Imm(asm.R1, 2, "exit"),
		asm.LoadMem(asm.R1, asm.R10, stReply, asm.Word),
		asm.JLT.Imm(asm.R1, 36, "exit"),
		asm.LoadMem(asm.R2, asm.R10, stTmp, asm.DWord),
		asm.JGT.Reg(asm.R1, asm.R2, "exit"),
		// error in [-4095, -1]
		asm.LoadMem(asm.R1, asm.R10, stReply+16, asm.Word),
		asm.LSh.Imm(asm.R1, 32),
		asm.ArSh.Imm(asm.R1, 32),
		asm.JSGE.Imm(asm.R1, 0, "exit"),
		asm.JSLT.Imm(asm.R1, -4095, "exit"),
	}
	ins = append(ins, zeroEvent()...)
	ins = append(ins,
		asm.StoreMem(asm.R10, stEvent+evErr, asm.R1, asm.Word),
		asm.StoreImm(asm.R10, stEvent+evKind, 1, asm.Word),
		asm.LoadMem(asm.R1, asm.R10, stReply+20, asm.Word),
		asm.StoreMem(asm.R10, stEvent+evLen, asm.R1, asm.Word),
		asm.LoadMem(asm.R1, asm.R10, stReply+24, asm.Half),
		asm.StoreMem(asm.R10, stEvent+evType, asm.R1, asm.Half),
		asm.LoadMem(asm.R1, asm.R10, stReply+26, asm.Half),
		asm.StoreMem(asm.R10, stEvent+evFlags, asm.R1, asm.Half),
		asm.LoadMem(asm.R1, asm.R10, stReply+6, asm.Half),
		asm.StoreMem(asm.R10, stEvent+evRFlags, asm.R1, asm.Half),
		// The rest of the reply, for the extack text (a failed read leaves
		// zeros: the errno still counts).
		asm.Mov.Reg(asm.R3, asm.R8),
		asm.Add.Imm(asm.R3, 36),
		asm.Mov.Reg(asm.R1, asm.R10),
		asm.Add.Imm(asm.R1, stEvent+evExt),
		asm.Mov.Imm(asm.R2, extLen),
		asm.FnProbeReadUser.Call(),
	)
	ins = append(ins, commonFields(o)...)
	// The socket: task->files->fdt->fd[fd]->private_data->sk; only
	// AF_NETLINK sockets count.
	ins = append(ins, kread(stTmp, asm.R7, o.taskFiles, 8)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.filesFdt, 8)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.fdtFd, 8)...)
	ins = append(ins,
		asm.LoadMem(asm.R1, asm.R10, stTmp, asm.DWord),
		asm.And.Imm(asm.R9, 0xffff),
		asm.LSh.Imm(asm.R9, 3),
		asm.Add.Reg(asm.R1, asm.R9),
	)
	ins = append(ins, kread(stTmp, asm.R1, 0, 8)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.filePriv, 8)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.sockSk, 8)...)
	ins = append(ins, asm.LoadMem(asm.R8, asm.R10, stTmp, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R8, o.skFamily, 2)...)
	ins = append(ins,
		asm.LoadMem(asm.R1, asm.R10, stTmp, asm.Half),
		asm.JNE.Imm(asm.R1, unix.AF_NETLINK, "exit"),
	)
	ins = append(ins, kread(stTmp, asm.R8, o.skProtocol, 2)...)
	ins = append(ins,
		asm.LoadMem(asm.R1, asm.R10, stTmp, asm.Half),
		asm.StoreMem(asm.R10, stEvent+evProto, asm.R1, asm.Word),
	)
	ins = append(ins, output(ring, lost, true)...)
	return append(ins, exitBlock()...)
}

// capProg is a raw tracepoint on cap_capable(cred, target_ns, capable_ns,
// cap, ret): failed CAP_NET_ADMIN/CAP_NET_RAW checks, with the caller's
// (cred->user_ns) and the target's user namespace.
func capProg(o offsets, ring, lost *ebpf.Map) asm.Instructions {
	ins := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.LoadMem(asm.R1, asm.R6, 32, asm.Word), // ret
		asm.JEq.Imm(asm.R1, 0, "exit"),
		asm.LoadMem(asm.R8, asm.R6, 24, asm.Word), // cap
		asm.JEq.Imm(asm.R8, unix.CAP_NET_ADMIN, "keep"),
		asm.JEq.Imm(asm.R8, unix.CAP_NET_RAW, "keep"),
		asm.Ja.Label("exit"),
	}
	z := zeroEvent()
	z[0] = z[0].WithSymbol("keep")
	ins = append(ins, z...)
	ins = append(ins,
		asm.LoadMem(asm.R1, asm.R6, 32, asm.Word),
		asm.StoreMem(asm.R10, stEvent+evErr, asm.R1, asm.Word),
		asm.StoreImm(asm.R10, stEvent+evKind, 2, asm.Word),
		asm.StoreMem(asm.R10, stEvent+evProto, asm.R8, asm.Word),
	)
	// caller: cred->user_ns->ns.inum
	ins = append(ins, asm.LoadMem(asm.R1, asm.R6, 0, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.credUserNS, 8)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.userNSInum, 4)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.Word),
		asm.StoreMem(asm.R10, stEvent+evCaller, asm.R1, asm.DWord))
	// target: target_ns->ns.inum
	ins = append(ins, asm.LoadMem(asm.R1, asm.R6, 8, asm.DWord))
	ins = append(ins, kread(stTmp, asm.R1, o.userNSInum, 4)...)
	ins = append(ins, asm.LoadMem(asm.R1, asm.R10, stTmp, asm.Word),
		asm.StoreMem(asm.R10, stEvent+evTarget, asm.R1, asm.DWord))
	ins = append(ins, commonFields(o)...)
	ins = append(ins, output(ring, lost, false)...)
	return append(ins, exitBlock()...)
}

// objName is a BPF object name carrying our PID (names hold 15 bytes).
func objName(kind byte, pid int) string { return "rdw" + string(kind) + strconv.Itoa(pid) }

// OpenBPF loads and attaches the programs.
func OpenBPF(o Options) (*BPF, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("needs root (loading BPF tracing programs)")
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		return nil, fmt.Errorf("not built for %s", runtime.GOARCH)
	}
	offs, err := kernelOffsets()
	if err != nil {
		return nil, err
	}
	b := &BPF{self: o.Self}
	if b.self == 0 {
		b.self = os.Getpid()
	}
	pid := os.Getpid()
	fail := func(err error) (*BPF, error) {
		b.Close()
		return nil, err
	}
	kb := o.BufferKB
	if kb <= 0 {
		kb = 16384
	}
	size := uint32(1 << 12)
	for size < uint32(kb)*1024 {
		size <<= 1
	}
	if b.ring, err = ebpf.NewMap(&ebpf.MapSpec{Name: objName('R', pid), Type: ebpf.RingBuf, MaxEntries: size}); err != nil {
		return fail(fmt.Errorf("creating the ring buffer: %v (BPF not allowed here?)", err))
	}
	b.objs = append(b.objs, b.ring)
	if b.lost, err = ebpf.NewMap(&ebpf.MapSpec{Name: objName('L', pid), Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1}); err != nil {
		return fail(err)
	}
	b.objs = append(b.objs, b.lost)
	pending, err := ebpf.NewMap(&ebpf.MapSpec{Name: objName('P', pid), Type: ebpf.LRUHash, KeySize: 8, ValueSize: 16, MaxEntries: 16384})
	if err != nil {
		return fail(err)
	}
	b.objs = append(b.objs, pending)

	// The reply reader needs the syscall tracepoints' ids from tracefs.
	root, mounted, err := tracefsRoot()
	if err != nil {
		return fail(fmt.Errorf("the reply reader needs tracefs for tracepoint ids: %v", err))
	}
	b.mounted = mounted
	for _, sc := range []struct {
		name   string
		msghdr bool
	}{{"recvmsg", true}, {"recvfrom", false}} {
		enter, err := b.load(objName('E', pid), ebpf.TracePoint, enterProg(sc.msghdr, pending))
		if err != nil {
			return fail(fmt.Errorf("loading the %s reader: %v", sc.name, err))
		}
		exit, err := b.load(objName('X', pid), ebpf.TracePoint, exitProg(offs, pending, b.ring, b.lost))
		if err != nil {
			return fail(fmt.Errorf("loading the %s reader: %v", sc.name, err))
		}
		for _, a := range []struct {
			ev   string
			prog *ebpf.Program
		}{{"sys_enter_" + sc.name, enter}, {"sys_exit_" + sc.name, exit}} {
			if err := b.attachTracepoint(root, "syscalls", a.ev, a.prog); err != nil {
				return fail(fmt.Errorf("attaching to syscalls:%s: %v", a.ev, err))
			}
		}
		b.hooks = append(b.hooks, "syscalls:sys_enter/exit_"+sc.name)
	}
	if capP, err := b.load(objName('C', pid), ebpf.RawTracepoint, capProg(offs, b.ring, b.lost)); err != nil {
		b.missing = append(b.missing, fmt.Sprintf("capability checks: loading the cap_capable program: %v", err))
	} else if l, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: "cap_capable", Program: capP}); err != nil {
		b.missing = append(b.missing, fmt.Sprintf("capability checks: no cap_capable tracepoint (Linux 6.14+): %v", err))
	} else {
		b.links = append(b.links, l)
		b.hooks = append(b.hooks, "raw_tracepoint:cap_capable")
	}
	b.missing = append(b.missing, "fentry on netlink_ack (errno, type and extack in one event): "+tryFentry(pid))
	if b.rd, err = ringbuf.NewReader(b.ring); err != nil {
		return fail(err)
	}
	if b.mounted != "" {
		// The perf events hold the tracepoints: the mount is no longer needed.
		unmountOurs(b.mounted)
		b.mounted = ""
	}
	return b, nil
}

// tryFentry says whether fentry on netlink_ack would load here; this build
// reads the errors from the replies either way.
func tryFentry(pid int) string {
	spec := &ebpf.ProgramSpec{Name: objName('F', pid), Type: ebpf.Tracing, AttachType: ebpf.AttachTraceFEntry, AttachTo: "netlink_ack",
		License: "GPL", Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}}
	p, err := ebpf.NewProgram(spec)
	if err != nil {
		return "refused here (" + firstLine(err.Error()) + "); the reply reader is used"
	}
	defer p.Close()
	l, err := link.AttachTracing(link.TracingOptions{Program: p})
	if err != nil {
		return "refused here (" + firstLine(err.Error()) + "); the reply reader is used"
	}
	l.Close()
	return "allowed here, but this build reads the errors from the replies (the same errno and request type, no extack)"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s, _, _ = strings.Cut(s, " (MEMLOCK") // cilium's guess; the cause here is policy
	return clip(s, 160)
}

func (b *BPF) load(name string, typ ebpf.ProgramType, ins asm.Instructions) (*ebpf.Program, error) {
	p, err := ebpf.NewProgramWithOptions(&ebpf.ProgramSpec{Name: name, Type: typ, License: "GPL", Instructions: ins},
		ebpf.ProgramOptions{LogSizeStart: 1 << 16})
	if err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) && len(ve.Log) > 0 {
			return nil, fmt.Errorf("%v: %s", err, strings.Join(ve.Log[max(0, len(ve.Log)-3):], " | "))
		}
		return nil, err
	}
	b.objs = append(b.objs, p)
	return p, nil
}

// attachTracepoint opens a perf event for a tracepoint (its id read from
// our tracefs) and attaches the program; closing the fd detaches it.
func (b *BPF) attachTracepoint(root, group, name string, p *ebpf.Program) error {
	idb, err := os.ReadFile(filepath.Join(root, "events", group, name, "id"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseUint(strings.TrimSpace(string(idb)), 10, 64)
	if err != nil {
		return err
	}
	attr := unix.PerfEventAttr{Type: unix.PERF_TYPE_TRACEPOINT, Config: id, Size: uint32(unsafe.Sizeof(unix.PerfEventAttr{})),
		Sample_type: unix.PERF_SAMPLE_RAW, Sample: 1, Wakeup: 1}
	fd, err := unix.PerfEventOpen(&attr, -1, 0, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("perf_event_open: %v", err)
	}
	b.perfFDs = append(b.perfFDs, fd)
	if err := unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_SET_BPF, p.FD()); err != nil {
		return fmt.Errorf("attaching: %v", err)
	}
	if err := unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_ENABLE, 0); err != nil {
		return fmt.Errorf("enabling: %v", err)
	}
	return nil
}

// Name implements Source.
func (b *BPF) Name() string { return "bpf" }

// Sees implements Source.
func (b *BPF) Sees() string {
	s := "eBPF (" + strings.Join(b.hooks, ", ") + "): the errno and request type of every failed netlink request, read from the error reply " +
		"the process receives (\"File exists\" too; the extack text when the process asked for it, as iproute2 does), with pid, parent, comm, cgroup and network namespace taken in the kernel"
	for _, h := range b.hooks {
		if strings.Contains(h, "cap_capable") {
			s += "; failed CAP_NET_ADMIN/CAP_NET_RAW checks with the caller's and the target's user namespace"
		}
	}
	s += "; costs ~0.2 µs per recvmsg/recvfrom machine-wide (bench/watchcost)"
	for _, m := range b.missing {
		s += "; " + m
	}
	return s + "."
}

// Lost implements Source.
func (b *BPF) Lost() uint64 {
	if b.lost != nil {
		var v uint64
		if err := b.lost.Lookup(uint32(0), &v); err == nil && v > b.lostN {
			b.lostN = v
		}
	}
	return b.lostN
}

// Run implements Source.
func (b *BPF) Run(ctx context.Context, out chan<- Event) error {
	pr := newProcReader("")
	var rec ringbuf.Record
	for {
		if ctx.Err() != nil {
			return nil
		}
		b.rd.SetDeadline(time.Now().Add(200 * time.Millisecond))
		if err := b.rd.ReadInto(&rec); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				continue
			}
			if errors.Is(err, ringbuf.ErrClosed) {
				return nil
			}
			return fmt.Errorf("reading the ring buffer: %v", err)
		}
		ev, ok := decodeBPF(rec.RawSample, pr, b.self)
		if !ok {
			continue
		}
		select {
		case out <- ev:
		case <-ctx.Done():
			return nil
		}
	}
}

func decodeBPF(raw []byte, pr *procReader, self int) (Event, bool) {
	if len(raw) < evExt {
		return Event{}, false
	}
	if len(raw) < evSize { // a sized or capability event: the tail is zeros
		raw = append(raw[:len(raw):len(raw)], make([]byte, evSize-len(raw))...)
	}
	le := binary.LittleEndian
	pt := le.Uint64(raw[evPidTgid:])
	ev := Event{Time: monoNsToWall(le.Uint64(raw[evTime:]), time.Now()), TID: int(uint32(pt)), PID: int(pt >> 32), Cap: -1}
	if ev.PID == self {
		return Event{}, false
	}
	comm := raw[evComm : evComm+16]
	if i := strings.IndexByte(string(comm), 0); i >= 0 {
		comm = comm[:i]
	}
	ev.Comm = string(comm)
	errv := int32(le.Uint32(raw[evErr:]))
	switch le.Uint32(raw[evKind:]) {
	case 1:
		ev.Kind = KindNetlinkErr
		ev.Errno = int(-errv)
		ev.ReqLen = le.Uint32(raw[evLen:])
		ev.MsgType = le.Uint16(raw[evType:])
		ev.ReqFlags = le.Uint16(raw[evFlags:])
		ev.Proto = int(le.Uint32(raw[evProto:]))
		ev.Msg = extackText(raw[evExt:evExt+extLen], le.Uint16(raw[evRFlags:]), ev.ReqLen)
	case 2:
		ev.Kind = KindCap
		ev.Errno = int(-errv)
		ev.Cap = int(le.Uint32(raw[evProto:]))
		ev.CallerUserNS = le.Uint64(raw[evCaller:])
		ev.TargetUserNS = le.Uint64(raw[evTarget:])
	default:
		return Event{}, false
	}
	ev.Proc = pr.lookup(ev.PID, ev.Time)
	// What the kernel saw is the truth for a process that is gone.
	if ppid := int(le.Uint32(raw[evPPID:])); ppid > 0 {
		if ev.Proc.PPID == 0 {
			ev.Proc.PPID = ppid
		}
		if ev.Proc.Gone {
			pr.fork(ppid, "", ev.PID)
			if pp := pr.read(ppid); !pp.Gone {
				ev.Proc.ParentComm, ev.Proc.Cgroup = pp.Comm, pp.Cgroup
			}
		}
	}
	if ns := le.Uint64(raw[evNetNS:]); ns != 0 {
		ev.Proc.NetNS = ns
	}
	if ev.Proc.Comm == "" {
		ev.Proc.Comm = ev.Comm
	}
	ev.Proc.Ancestors = pr.ancestors(ev.Proc)
	return ev, true
}

// extackText finds NLMSGERR_ATTR_MSG in what follows an NLMSG_ERROR's
// first 36 bytes: the extack attributes come after the echoed request, or
// right away when the reply is capped (NLM_F_CAPPED).
func extackText(ext []byte, replyFlags uint16, reqLen uint32) string {
	const capped, ackTLVs = 0x100, 0x200
	if replyFlags&ackTLVs == 0 {
		return ""
	}
	off := 0
	if replyFlags&capped == 0 {
		if reqLen < 16 || reqLen-16 > uint32(len(ext)) {
			return ""
		}
		off = int(reqLen-16+3) &^ 3
	}
	le := binary.LittleEndian
	for off+4 <= len(ext) {
		l, typ := int(le.Uint16(ext[off:])), le.Uint16(ext[off+2:])&0x3fff
		if l < 4 || off+l > len(ext) {
			return ""
		}
		if typ == 1 { // NLMSGERR_ATTR_MSG
			v := ext[off+4 : off+l]
			if i := bytes.IndexByte(v, 0); i >= 0 {
				v = v[:i]
			}
			return clip(strings.TrimSpace(string(v)), 512)
		}
		off += (l + 3) &^ 3
	}
	return ""
}

// Close implements Source: links, perf events, programs and maps go.
func (b *BPF) Close() error {
	b.closeOnce.Do(func() {
		var errs []error
		if b.rd != nil {
			b.Lost()
			b.rd.Close()
		}
		for _, l := range b.links {
			if err := l.Close(); err != nil {
				errs = append(errs, err)
			}
		}
		for _, fd := range b.perfFDs {
			unix.IoctlSetInt(fd, unix.PERF_EVENT_IOC_DISABLE, 0)
			unix.Close(fd)
		}
		for i := len(b.objs) - 1; i >= 0; i-- {
			if err := b.objs[i].Close(); err != nil {
				errs = append(errs, err)
			}
		}
		if b.mounted != "" {
			if err := unmountOurs(b.mounted); err != nil {
				errs = append(errs, err)
			}
		}
		b.closeErr = errors.Join(errs...)
	})
	return b.closeErr
}

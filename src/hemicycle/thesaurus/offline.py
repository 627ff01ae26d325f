"""Take the network away from the current process (Linux seccomp), for good.

SPARQL queries run in worker processes with pyoxigraph, whose SERVICE support opens HTTP
connections by itself. The query check refuses SERVICE before a query is sent; this is
the second guard, which holds whatever the query says: once sealed, the process (and any
thread or child it starts) cannot create an IPv4/IPv6 or any other non-local socket, nor
set up io_uring (which could open one behind the filter's back). Local (AF_UNIX) sockets
and pipes still work. It cannot be undone; it needs no privileges (no_new_privs).
"""

from __future__ import annotations

import ctypes
import platform
import socket
import struct

# per architecture: audit arch, socket(2), io_uring_setup(2), seccomp(2)
_ARCH = {"x86_64": (0xC000003E, 41, 425, 317), "aarch64": (0xC00000B7, 198, 425, 277)}
_X32_BIT = 0x40000000  # x86-64's x32 ABI: other numbers for the same calls
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_LD_ABS_W, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO, _KILL = 0x7FFF0000, 0x00050000, 0x80000000
_EACCES = 13


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _filter(arch: int, nr_socket: int, nr_uring: int) -> list[bytes]:
    refuse = _RET_K, _ERRNO | _EACCES
    return [
        _op(_LD_ABS_W, 4),                    # 0 seccomp_data.arch
        _op(_JEQ_K, arch, 0, 8),              # 1 another ABI: kill (10)
        _op(_LD_ABS_W, 0),                    # 2 seccomp_data.nr
        _op(_JGE_K, _X32_BIT, 5, 0),          # 3 x32 call: refuse (9)
        _op(_JEQ_K, nr_uring, 4, 0),          # 4 io_uring_setup: refuse (9)
        _op(_JEQ_K, nr_socket, 0, 2),         # 5 not socket(): allow (8)
        _op(_LD_ABS_W, 16),                   # 6 socket's domain (args[0], low word)
        _op(_JEQ_K, socket.AF_UNIX, 0, 1),    # 7 AF_UNIX: allow (8), else refuse (9)
        _op(_RET_K, _ALLOW),                  # 8
        _op(*refuse),                         # 9
        _op(_RET_K, _KILL),                   # 10
    ]


def forbid_network() -> bool:
    """Seal this process off the network; False where the kernel or CPU does not allow it
    (the caller decides whether to go on)."""
    known = _ARCH.get(platform.machine())
    if known is None or platform.system() != "Linux":
        return False
    arch, nr_socket, nr_uring, nr_seccomp = known
    libc = ctypes.CDLL(None, use_errno=True)
    code = b"".join(_filter(arch, nr_socket, nr_uring))
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _Program(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.syscall(nr_seccomp, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC,
                        ctypes.byref(program)) == 0

"""This machine's IPv4 addresses, for the console's picker of where the companion listens.

The standard library has no portable list of interface addresses, so three ways are combined, each cheap and
none sending a packet: on Linux, each interface's address asked of the kernel (SIOCGIFADDR); the addresses the
host's own name resolves to (on Windows and usually on macOS this lists every interface); and the address the
system would route to another network from (a UDP socket's `connect` sends nothing). Loopback comes last: it
only serves phones on this very machine (and the tests), but it is always there.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import struct
import sys

LOOPBACK = "127.0.0.1"  # the default address: this computer only
DEFAULT_PORT = 8765  # the companion's port unless the trainer picks another
_SIOCGIFADDR = 0x8915  # Linux's ioctl for an interface's IPv4 address
_IFNAMSIZ = 16
_ANY_PRIVATE = "10.255.255.255"  # a destination only used to ask the routing table; nothing is sent to it


def local_addresses() -> list[str]:
    """This machine's IPv4 addresses: private networks first (a hotspot, the site's LAN), then any others,
    link-local ones (a network with no DHCP) after them, and 127.0.0.1 last."""
    found = {*_interface_addresses(), *_host_name_addresses(), *_routed_address()}
    usable = [ipaddress.IPv4Address(a) for a in found if _usable(a)]
    ordered = sorted(usable, key=lambda a: (a.is_link_local, not a.is_private, a))
    return [str(a) for a in ordered] + [LOOPBACK]


def _usable(address: str) -> bool:
    """An address phones could reach: not loopback (added once, last), not 0.0.0.0, not multicast."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast)


def _interface_addresses() -> set[str]:
    """Each interface's primary IPv4 address, asked of the Linux kernel; nothing elsewhere."""
    if not sys.platform.startswith("linux"):
        return set()
    import fcntl  # Unix only: imported here so that the module loads on Windows

    found: set[str] = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _index, name in _interface_names():
            request = struct.pack("256s", name.encode()[: _IFNAMSIZ - 1])
            try:
                answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
            except OSError:  # an interface without an IPv4 address, or gone since it was listed
                continue
            found.add(socket.inet_ntoa(answer[20:24]))
    return found


def _interface_names() -> list[tuple[int, str]]:
    try:
        return socket.if_nameindex()
    except OSError:
        return []


def _host_name_addresses() -> set[str]:
    with contextlib.suppress(OSError):
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)
        return {str(info[4][0]) for info in infos}
    return set()


def _routed_address() -> set[str]:
    """The address this machine would send from to another network, if it has a route there (offline, on a
    hotspot of its own, it may have none)."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect((_ANY_PRIVATE, 1))
        return {str(probe.getsockname()[0])}
    return set()

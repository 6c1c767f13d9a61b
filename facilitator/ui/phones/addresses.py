"""The laptop's own addresses, for the trainer to choose which network phones join on, and for the watch to notice
when the chosen one goes away (the hotspot was switched off, the Wi-Fi dropped)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QNetworkInterface

from facilitator.i18n import _


@dataclass(frozen=True)
class Address:
    """One IPv4 address of an interface that is up, with the interface's name as the system gives it."""

    host: str
    interface: str
    loopback: bool

    @property
    def label(self) -> str:
        if self.loopback:
            return _("{host} (this laptop only: for trying it out)").format(host=self.host)
        return f"{self.host} ({self.interface})"


def machine_addresses() -> list[Address]:
    """The IPv4 addresses phones could reach, the network ones first and the loopback last; never 0.0.0.0, which
    would listen on every network the laptop is on."""
    found: list[Address] = []
    for interface in QNetworkInterface.allInterfaces():
        flags = interface.flags()
        if not (flags & QNetworkInterface.InterfaceFlag.IsUp and flags & QNetworkInterface.InterfaceFlag.IsRunning):
            continue
        loopback = bool(flags & QNetworkInterface.InterfaceFlag.IsLoopBack)
        for entry in interface.addressEntries():
            ip = entry.ip()
            if ip.protocol() != QAbstractSocket.NetworkLayerProtocol.IPv4Protocol or ip.isNull() \
                    or ip == QHostAddress(QHostAddress.SpecialAddress.AnyIPv4):
                continue
            found.append(Address(ip.toString(), interface.humanReadableName(), loopback or ip.isLoopback()))
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda a: a.loopback)  # stable: the system's order, loopback last


def current_hosts() -> set[str]:
    """Every address the laptop has now (IPv6 too, without a scope), to tell whether the server's is still one."""
    return {a.toString().split("%")[0] for a in QNetworkInterface.allAddresses()}

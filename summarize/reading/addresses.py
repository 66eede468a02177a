"""Which IP addresses a fetch may connect to: globally reachable ones only.

``ipaddress``' own ``is_global`` changes between Python versions (3.11 calls 192.0.0.8 and the
multicast ff02::1 global), so it is combined with the other predicates and a short list of ranges
it misses. An IPv6 address that carries an IPv4 address (IPv4-mapped, IPv4-compatible, 6to4,
Teredo, NAT64) is also judged by the IPv4 address it carries: that is where the packets end up.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_network

__all__ = ["embedded_ipv4", "non_public"]

IPAddress = IPv4Address | IPv6Address

# Not globally reachable per the IANA special-purpose registries, but global to some Python versions.
_NOT_GLOBAL_V4 = (ip_network("192.0.0.0/24"),)  # IETF protocol assignments (RFC 6890)
_NOT_GLOBAL_V6 = (
    ip_network("3fff::/20"),  # documentation (RFC 9637)
    ip_network("5f00::/16"),  # SRv6 segment identifiers (RFC 9602)
    ip_network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215)
)
# The well-known NAT64 prefix is globally reachable; where it leads is the IPv4 address it wraps.
_NAT64 = ip_network("64:ff9b::/96")


def non_public(address: IPAddress) -> IPAddress | None:
    """The address that makes ``address`` off limits, or None when it is globally reachable.

    Args:
        address: a resolved address.

    Returns:
        ``address`` itself, the non-public IPv4 address it wraps, or None.
    """
    if isinstance(address, IPv6Address):
        for inner in embedded_ipv4(address):
            if not _plainly_global(inner):
                return inner
        if address in _NAT64:
            return None
    return None if _plainly_global(address) else address


def embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, by every convention that routes to them.

    Args:
        address: an IPv6 address.

    Returns:
        The carried IPv4 addresses (Teredo carries two: its server and its client); often none.
    """
    found = [inner for inner in (address.ipv4_mapped, address.sixtofour) if inner is not None]
    if address.teredo is not None:
        found.extend(address.teredo)
    value = int(address)
    # NAT64 and the deprecated IPv4-compatible ::a.b.c.d keep the IPv4 address in the low 32 bits
    if address in _NAT64 or (value >> 32 == 0 and value > 1):
        found.append(IPv4Address(value & 0xFFFFFFFF))
    return found


def _plainly_global(address: IPAddress) -> bool:
    """Whether ``address`` itself (ignoring what it may wrap) is globally reachable unicast."""
    if not address.is_global or address.is_private or address.is_reserved or address.is_multicast:
        return False
    if address.is_loopback or address.is_link_local or address.is_unspecified:
        return False
    if isinstance(address, IPv6Address):
        return not address.is_site_local and not any(address in net for net in _NOT_GLOBAL_V6)
    return not any(address in net for net in _NOT_GLOBAL_V4)

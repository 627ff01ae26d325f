"""Who the client is: its address, as limits count it.

Behind a reverse proxy every connection comes from the proxy; the client's address is
then in X-Forwarded-For, which anyone can write. It is believed only from the proxies
named in ``trusted_proxies`` (hemicycle.toml: addresses or networks), walking the header
from the right past trusted hops; ``hemicycle serve`` leaves the header alone itself
(uvicorn would otherwise trust 127.0.0.1), so that the app's rule is the only one
(``create_app`` puts uvicorn's ProxyHeadersMiddleware outermost with that list).
"""

from __future__ import annotations

import ipaddress

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(texts: tuple[str, ...]) -> tuple[Network, ...]:
    """Addresses and networks (``10.0.0.0/8``) as ip_network objects."""
    return tuple(ipaddress.ip_network(text, strict=False) for text in texts)


def client_key(host: str, exempt: tuple[Network, ...] = ()) -> str | None:
    """The address counted: IPv6 by /64 (one subscriber's usual share), IPv4 as it is;
    None for an address in ``exempt`` or a client that has no IP address."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if any(address in network for network in exempt):
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)

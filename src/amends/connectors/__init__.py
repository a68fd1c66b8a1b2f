"""Platform connectors: one folder per platform, all shaped alike, and one registry.

The registry below is the only list of platforms in Amends: account choices, the CLI's help and
the desk's forms are derived from it. Adding a platform adds a folder and one line here (see
docs/platforms.md).
"""

from amends.connectors.base import Connector, PlatformError, Remote
from amends.connectors.bluesky.connector import Bluesky
from amends.connectors.facebook.connector import Facebook
from amends.connectors.house.connector import House
from amends.connectors.instagram.connector import Instagram
from amends.connectors.mastodon.connector import Mastodon
from amends.connectors.nextdoor.connector import Nextdoor
from amends.connectors.wordpress.connector import WordPress
from amends.connectors.x.connector import X

REGISTERED: list[type[Connector]] = [
    Bluesky,
    Facebook,
    House,
    Instagram,
    Mastodon,
    Nextdoor,
    WordPress,
    X,
]
CONNECTORS: dict[str, type[Connector]] = {connector.name: connector for connector in REGISTERED}


def connector_for(account, *, seam=None) -> Connector:
    """A connector for ``account`` (an :class:`amends.desk.models.Account`), with its
    credentials decrypted."""
    from amends.connectors.credentials import unlock

    cls = CONNECTORS[account.platform]
    return cls(account.handle, dict(account.settings or {}), unlock(account.secrets), seam=seam)


def rules_for(account) -> Connector:
    """A connector for ``account`` without its credentials: counting, capabilities and plans,
    which need neither the credentials key nor the network. Never use it to send."""
    cls = CONNECTORS[account.platform]
    return cls(account.handle, dict(account.settings or {}), {})


__all__ = ["CONNECTORS", "Connector", "PlatformError", "Remote", "connector_for", "rules_for"]

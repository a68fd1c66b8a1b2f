"""The platforms Amends can post to, derived from the connector registry
(:data:`amends.connectors.CONNECTORS`), never listed twice."""


def choices() -> list[tuple[str, str]]:
    from amends.connectors import CONNECTORS

    return [(c.name, c.label) for c in CONNECTORS.values()]


def names() -> list[str]:
    from amends.connectors import CONNECTORS

    return list(CONNECTORS)

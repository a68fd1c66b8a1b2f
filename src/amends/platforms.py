"""The platforms Amends can post to, derived from the connector registry
(:data:`amends.connectors.CONNECTORS`), never listed twice."""


def choices() -> list[tuple[str, str]]:
    from amends.connectors import CONNECTORS

    return [(c.name, c.label) for c in CONNECTORS.values()]


def names() -> list[str]:
    from amends.connectors import CONNECTORS

    return list(CONNECTORS)


def fields() -> list[dict]:
    """Every setting some platform's accounts need, once each, with the platforms that need it:
    what the desk's account form asks for (secrets are passwords and tokens)."""
    from amends.connectors import REGISTERED

    found: dict[str, dict] = {}
    for connector in REGISTERED:
        for field in connector.fields:
            entry = found.setdefault(
                field.name,
                {"name": field.name, "label": field.shown, "secret": field.secret, "for": []},
            )
            entry["for"].append(connector.label)
    return list(found.values())

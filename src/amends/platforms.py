"""The platforms Amends can post to: one registry, from which account choices are derived.

Each platform's capabilities (can it edit in place? strike through? its length limit?) live with
its connector; this registry only names them. Adding a platform adds one line here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    name: str
    label: str
    edits_in_place: bool
    strikes_through: bool
    limit: int | None


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in [
        Platform("house", "The force's own site (served by Amends)", True, True, None),
    ]
}


def choices() -> list[tuple[str, str]]:
    return [(p.name, p.label) for p in PLATFORMS.values()]

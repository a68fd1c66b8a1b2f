"""The official conformance data the suites read in place (``../shared/conformance``)."""

import os
from pathlib import Path


def conformance_dir() -> Path:
    for place in (
        os.environ.get("AMENDS_CONFORMANCE_DIR"),
        Path(__file__).resolve().parents[3] / "shared" / "conformance",
        "/work/shared/conformance",
    ):
        if place and (Path(place) / "twitter-text" / "validate.yml").exists():
            return Path(place)
    raise AssertionError("twitter-text's conformance data is missing (../shared/conformance)")

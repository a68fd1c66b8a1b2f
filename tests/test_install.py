"""The lock files install Amends without ever asking the index to resolve anything.

`make install` installs each lock with `--no-deps`, so a lock that leaves out a dependency (or a
package an extra pulls in, such as `uvicorn[standard]`'s) would install an Amends that breaks
at run time. These tests prove the locks are complete: one reads every locked package's own
requirements; the other builds a fresh virtual environment from the runtime lock alone, with
the index switched off, and imports every module of `amends`.
"""

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def locked(lock: str) -> dict[str, str]:
    """The packages a lock pins, by canonical name."""
    text = (LOCKS / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def needed(root: Requirement, pins: dict[str, str]) -> dict[str, list[str]]:
    """Every requirement reachable from `root`, with the extras asked of each package.

    Read from the installed packages' own metadata (the test environment holds the dev lock),
    with environment markers evaluated for this machine.
    """
    wanted: dict[str, set[str]] = {}
    problems: dict[str, list[str]] = {}
    todo = [(root, "pyproject.toml")]
    while todo:
        requirement, by = todo.pop()
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.setdefault(name, []).append(f"required by {by}, not in the lock")
            continue
        if not requirement.specifier.contains(pins[name], prereleases=True):
            problems.setdefault(name, []).append(
                f"{by} asks for {requirement.specifier}, the lock has {pins[name]}"
            )
        extras = set(requirement.extras)
        if name in wanted and extras <= wanted[name]:
            continue
        wanted[name] = wanted.get(name, set()) | extras
        for line in importlib.metadata.requires(requirement.name) or []:
            child = Requirement(line)
            if child.marker is None or any(
                child.marker.evaluate({**default_environment(), "extra": extra})
                for extra in ({""} | wanted[name])
            ):
                todo.append((child, f"{requirement.name}{sorted(extras) or ''}"))
    return problems


@pytest.mark.parametrize(
    ("lock", "extras"), [("base.lock", ""), ("dev.lock", "[dev]")], ids=["runtime", "dev"]
)
def test_every_dependency_of_amends_is_in_its_lock_at_an_allowed_version(lock, extras):
    problems = needed(Requirement(f"amends{extras}"), locked(lock) | {"amends": "0.1.0"})
    assert problems == {}


def test_the_runtime_lock_is_a_subset_of_the_dev_lock_at_the_same_versions():
    base, dev = locked("base.lock"), locked("dev.lock")
    assert {name: dev.get(name) for name in base} == base


def test_the_finder_reads_extras_and_would_catch_a_missing_one():
    """The completeness check itself: uvicorn[standard] needs uvloop, which must be locked."""
    pins = locked("dev.lock")
    del pins["uvloop"]
    problems = needed(Requirement("uvicorn[standard]"), pins)
    assert "uvloop" in problems


@pytest.mark.slow
@pytest.mark.once  # touches no database
def test_a_fresh_venv_from_the_runtime_lock_alone_imports_every_module(tmp_path):
    wheels = tmp_path / "wheels"
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    quiet = {"capture_output": True, "text": True, "timeout": 600}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env["PIP_CONFIG_FILE"] = os.devnull  # this machine's pip settings add extra indexes
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    def run(*args, **kwargs):
        done = subprocess.run(args, **{"env": env, **quiet, **kwargs})
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    # Fetch the locked files (hash-checked); this is the only step that may use the index.
    run(sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes",
        "--only-binary", ":all:", "-d", str(wheels),
        "-r", str(LOCKS / "build.lock"), "-r", str(LOCKS / "base.lock"))  # fmt: skip
    run(sys.executable, "-m", "venv", str(venv))
    # With the index off, pip resolves the lock against the downloaded files alone: a package
    # some dependency needs that the lock left out cannot be found, and the install fails.
    offline = ("-m", "pip", "install", "--no-index", "--find-links", str(wheels))
    run(str(python), *offline, "--require-hashes",
        "-r", str(LOCKS / "build.lock"), "-r", str(LOCKS / "base.lock"))  # fmt: skip
    run(str(python), *offline, "--no-deps", "--no-build-isolation", str(ROOT))

    home = tmp_path / "home"
    home.mkdir()
    script = (
        "import importlib, pkgutil, django, amends\n"
        "django.setup()\n"
        "names = [m.name for m in pkgutil.walk_packages(amends.__path__, 'amends.')\n"
        "         if not m.name.endswith('__main__')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    done = run(
        str(python), "-I", "-c", script,
        cwd=str(tmp_path),
        env={**env, "AMENDS_HOME": str(home), "DJANGO_SETTINGS_MODULE": "amends.settings"},
    )  # fmt: skip
    assert int(done.stdout.strip()) > 100
    # And nothing from the test tools came along.
    listed = run(str(python), "-m", "pip", "list", "--format=freeze").stdout
    assert "pytest" not in listed
    assert "playwright" not in listed

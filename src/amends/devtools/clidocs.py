"""Generate docs/cli.md from the command line's own ``--help``, or check it is current.

python -m amends.devtools.clidocs --write
python -m amends.devtools.clidocs --check   # exit 1 if docs/cli.md is stale (CI)
"""

import sys
from pathlib import Path

import click

from amends.cli import main

DOC = Path(__file__).resolve().parents[3] / "docs" / "cli.md"


def all_commands(command: click.Command = main, path: str = "amends"):
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from all_commands(command.commands[name], f"{path} {name}")


def render() -> str:
    parts = [
        "# Command line reference\n",
        "Generated from `amends --help`; do not edit by hand "
        "(`make docs` writes it, `make test` checks it).\n",
        "Every command takes `--json` (one JSON object on stdout). Errors are one line on "
        "stderr starting with `error:` and exit status 1; usage errors exit 2.\n",
    ]
    for path, command in all_commands():
        context = click.Context(command, info_name=path, terminal_width=100, max_content_width=100)
        parts.append(f"## `{path}`\n\n```text\n{command.get_help(context).rstrip()}\n```\n")
    return "\n".join(parts)


def run(argv: list[str]) -> int:
    text = render()
    if argv == ["--write"]:
        DOC.write_text(text, encoding="utf-8")
        return 0
    if argv == ["--check"]:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print("error: docs/cli.md is out of date; run `make docs`", file=sys.stderr)
            return 1
        return 0
    print("usage: python -m amends.devtools.clidocs --write|--check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

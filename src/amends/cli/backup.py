"""Backing up the database and restoring it: the operator's commands."""

from pathlib import Path

import click

from amends.cli import command


@click.command()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The backup file to write (it must not exist yet).",
)
@command
def backup(output):
    """Make a consistent copy of the database while Amends runs (SQLite's backup API, or
    pg_dump on PostgreSQL), in one file. The keys are not in it: keep them apart, as it says.

    Example: amends backup -o amends-2026-12-04.zip
    """
    from amends.ops.backup import backup as make

    made = make(output)
    apart = "; ".join(f"{name} ({path})" for name, path in made.keys)
    size = made.manifest["record_size"]
    return {
        **made.manifest,
        "path": str(made.path),
        "not_included": [str(p) for _, p in made.keys],
    }, (
        f"backup written to {made.path} (the record: {size:,} entries)\n"
        f"not in it, keep them apart: {apart}"
    )


@click.command()
@click.argument("backup_file", metavar="BACKUP", type=click.Path(path_type=Path))
@command
def restore(backup_file):
    """Put a backup back into an empty home or database (AMENDS_HOME, AMENDS_DATABASE_URL).
    Restore the keys it names beside it. A backup older than a checkpoint already published
    is a rollback: Amends then refuses to serve, deliver or verify, and says so.

    Example: amends restore amends-2026-12-04.zip
    """
    from amends.ops.backup import restore as put_back
    from amends.record import api as record

    manifest = put_back(backup_file)
    behind = record.rollback()
    if behind:
        click.echo(f"warning: {behind}", err=True)
    return {**manifest, "rollback": behind}, (
        f"restored {backup_file} (the record: {manifest['record_size']:,} entries, backed up "
        f"{manifest['made_at']}); put the signing, sealing and credentials keys back too"
    )


COMMANDS = {"backup": backup, "restore": restore}

"""``amends import``: an account's history from its platform's own archive."""

import sys

import click

from amends.cli import command
from amends.cli.options import as_option, user_named

FORMATS = ("x", "mastodon", "bluesky", "wordpress", "facebook")


@click.command()
@click.argument("platform", type=click.Choice(FORMATS))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--account",
    required=True,
    help="The connected account the archive is of, as PLATFORM:HANDLE (amends account list).",
)
@as_option
@command
def import_archive(platform, file, account, as_user):
    """Import an account's history from its platform's own archive: X's archive zip, Mastodon's
    archive (or its outbox.json), a Bluesky repository CAR (signature and tree checked),
    WordPress's export (WXR), or Facebook's "Download your information" (JSON).

    Every post becomes one Amends knows; the archive's SHA-256 is recorded first. Importing the
    same archive again adds nothing; a post Amends published or adopted is never overwritten (a
    difference is recorded as a discrepancy). A bad archive writes nothing. Needs a supervisor
    or an admin.

    Example: amends import x twitter-2026-12-01.zip --account x:policeforce --as sam
    """
    from amends.actions.imports import ImportArchive

    shown = sys.stderr.isatty()

    def progress(count: int) -> None:
        click.echo(f"\r{count:,} entries read", err=True, nl=False)

    action = ImportArchive(
        user_named(as_user),
        platform=platform,
        path=file,
        account=account,
        progress=progress if shown else None,
    )
    done = action.run()
    if shown:
        click.echo("", err=True)
    if done.again:
        text = f"archive {done.archive[:12]} was imported before: nothing added"
    else:
        text = (
            f"archive {done.archive[:12]}: {done.posts:,} posts imported, {done.already:,} already "
            f"known, {done.refused:,} entries refused (not the account's own posts, or unreadable)"
        )
        if done.discrepancies:
            text += f"; {done.discrepancies:,} known posts show other words in the archive"
    return done.as_dict(), text


COMMANDS = {"import": import_archive}

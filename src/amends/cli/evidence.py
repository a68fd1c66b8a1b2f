"""Evidence packs: ``amends export`` and ``amends verify-pack``."""

import json
import sys

import click

from amends.cli import command
from amends.cli.options import as_option, user_named


@click.command()
@click.option("--post", "post_id", default=None, metavar="ID", help="A post, with its answers.")
@click.option(
    "--incident", "incident_id", default=None, metavar="ID", help="An incident and all its posts."
)
@click.option(
    "--account", "account_key", default=None, metavar="PLATFORM:HANDLE", help="A whole account."
)
@click.option("--purpose", required=True, help="Why the pack is made, in words (recorded).")
@click.option("--reference", required=True, help="The complaint, FOI or case reference.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="FILE.zip",
    help="The pack to write (never overwritten).",
)
@click.option(
    "--without-sealed",
    is_flag=True,
    help="Leave sealed wording out (listed as withheld; its commitment still proven).",
)
@as_option
@command
def export(post_id, incident_id, account_key, purpose, reference, output, without_sealed, as_user):
    """Export everything the record holds about a post, an incident or an account as an
    evidence pack (auditors only): a zipped BagIt bag with every entry, its proofs against a
    signed checkpoint, the exact wording with its salt, custody, a report and verify.py. The
    export is recorded before the pack is written.

    Example: amends export --incident 3 --purpose "Complaint review" --reference CO/2026/17 -o
    incident-3.zip --as fiona
    """
    from amends.actions import ExportPack

    done = ExportPack(
        user_named(as_user),
        post=post_id,
        incident=incident_id,
        account=account_key,
        purpose=purpose,
        reference=reference,
        output=output,
        include_sealed=not without_sealed,
    ).run()
    payload = {
        "file": str(done.path),
        "subject": done.subject,
        "export": done.export,
        "entries": done.entries,
        "checkpoint": done.checkpoint,
        "root": done.root,
        "bytes": done.bytes,
        "witnessed": done.witnessed,
        "timestamped": done.timestamped,
    }
    said = (
        f"{done.path}: {done.entries} entries about {done.subject}, anchored to the checkpoint "
        f"of {done.checkpoint} entries (export recorded as entry {done.export}); "
        f"check it with `amends verify-pack {done.path}`"
    )
    if not done.witnessed:
        said += (
            "\nNOT WITNESSED: no witness quorum cosigned its checkpoint (see amends witnesses "
            "list); verifiers refuse it unless given --unwitnessed"
        )
    from django.conf import settings

    if settings.TSA_URLS and not done.timestamped:
        said += (
            "\nNOT TIMESTAMPED: a time-stamping authority did not answer (see the log); "
            "verifiers refuse it unless given --unwitnessed"
        )
    return payload, said


@click.command("verify-pack")
@click.argument("pack", metavar="FILE.zip")
@click.option(
    "--key",
    default=None,
    metavar="VKEY",
    help="The log's public key as the force publishes it (amends record pubkey).",
)
@click.option(
    "--unwitnessed",
    is_flag=True,
    help="Accept a pack whose checkpoint no witness quorum cosigned; the summary says so first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def verify_pack(pack, key, unwitnessed, as_json):
    """Check an evidence pack offline, without a database: its manifests, every entry's leaf
    hash and inclusion proof, every content commitment, every checkpoint signature and
    consistency proof, that no entry about the subject is missing, and that the force's
    witnesses cosigned its checkpoint as its witness policy asks. This runs the same code
    as the verify.py inside the pack. Exits 0 with a summary, or 1 naming the first file and
    entry that fails.

    Example: amends verify-pack incident-3.zip --key "$(amends record pubkey)"
    """
    from amends.evidence import verify as verifier

    try:
        result = verifier.verify(pack, key, unwitnessed=unwitnessed)
    except verifier.PackError as error:
        if as_json:
            out = {"ok": False, "file": error.file, "entry": error.entry, "error": error.message}
            click.echo(json.dumps(out))
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result) if as_json else verifier.summary(result))


COMMANDS = {"export": export, "verify-pack": verify_pack}

"""Witnesses: this install witnessing other forces' logs (``amends witness``), and the
witnesses this force's record is sent to (``amends witnesses``)."""

import os
import sys

import click

from amends.cli import command, one_line_errors, setup_django


@click.group()
def witness():
    """Witness other forces' logs: cosign each checkpoint only if it extends every one seen
    before (C2SP tlog-witness)."""


@witness.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=7380,
    show_default=True,
    help="Port to listen on.",
)
def witness_serve(host: str, port: int):
    """Serve the witness protocol (POST /add-checkpoint) for the logs added with
    `amends witness add-log`. Give other forces this address and `amends witness key`.

    Example: amends witness serve --host 127.0.0.1 --port 7380
    """
    with one_line_errors():
        setup_django()
        from amends.witness import side

        key = side.cosigner().key
    click.echo(f"Witnessing as {key.name} on http://{host}:{port}/ (Ctrl-C to stop)")
    click.echo(f"Witness key: {key}")
    from amends.cli.server import granian

    # The same server as `amends serve`, with its limits on slow clients.
    argv = granian("amends.witness.wsgi:application", host, port, 1, 8)
    os.execv(sys.executable, argv)


@witness.command("add-log")
@click.argument("origin")
@click.argument("verifier_key")
@command
def witness_add_log(origin, verifier_key):
    """Witness the log ORIGIN, whose checkpoints VERIFIER_KEY signs (the key its site
    publishes at /.well-known/amends/key). Adding a second key to the same log (after a
    rotation) keeps what was seen of it.

    Example: amends witness add-log news.police.example/amends "$(curl -s https://news.police.example/.well-known/amends/key)"
    """
    from amends.witness import side

    log = side.add_log(origin, verifier_key)
    keys = log.keys.split("\n")
    return (
        {"origin": log.origin, "keys": keys, "size": log.size},
        f"witnessing {log.origin} ({len(keys)} key{'s' if len(keys) != 1 else ''}; "
        f"{log.size:,} entries cosigned so far)",
    )


@witness.command("key")
@command
def witness_key():
    """Print this install's witness verifier key (created on first use), for the forces
    whose logs it witnesses: they add it with `amends witnesses add`.

    Example: amends witness key
    """
    from amends.witness import side

    key = side.cosigner().key
    return {"name": key.name, "key": str(key)}, str(key)


@witness.command("list")
@command
def witness_list():
    """List the logs this install witnesses, with the size it cosigned last.

    Example: amends witness list --json
    """
    from amends.witness import side

    logs = [
        {
            "origin": log.origin,
            "keys": log.keys.split("\n"),
            "size": log.size,
            "updated_at": log.updated_at.isoformat() if log.updated_at else None,
            "refusals": log.refusals,
        }
        for log in side.witnessed()
    ]
    lines = [f"{log['origin']}\t{log['size']:,} entries\trefused {log['refusals']}" for log in logs]
    return {"logs": logs}, "\n".join(lines) or "no logs witnessed"


@click.group()
def witnesses():
    """The witnesses this force's checkpoints are sent to for cosigning."""


@witnesses.command("add")
@click.argument("name")
@click.argument("url")
@click.argument("verifier_key")
@command
def witnesses_add(name, url, verifier_key):
    """Send this force's checkpoints to the witness NAME at URL (its submission prefix), whose
    cosignatures VERIFIER_KEY checks (`amends witness key` on its side). How many witnesses
    must cosign is AMENDS_WITNESS_QUORUM (all, any or a number; default any).

    Example: amends witnesses add iopc.example/witness https://witness.iopc.example/ "$KEY"
    """
    from amends.actions import AddWitness

    added = AddWitness(None, name=name, url=url, key=verifier_key, as_operator=True).run()
    return _shown(added), f"witness {added.name} added; checkpoints go to {added.url}"


def _shown(w) -> dict:
    return {
        "name": w.name,
        "url": w.url,
        "key": w.key,
        "size": w.size,
        "state": w.state,
        "problem": w.problem,
        "asked_at": w.asked_at.isoformat() if w.asked_at else None,
        "cosigned_at": w.cosigned_at.isoformat() if w.cosigned_at else None,
    }


@witnesses.command("list")
@command
def witnesses_list():
    """List the witnesses, what each last said, and the policy evidence packs carry.

    Example: amends witnesses list --json
    """
    from django.conf import settings

    from amends.witness.asking import policy
    from amends.witness.models import Witness

    shown = [_shown(w) for w in Witness.objects.order_by("name")]
    current = policy()
    lines = [
        f"{w['name']}\t{w['url']}\t{w['state']}\tcosigned {w['size']:,} entries"
        + (f"\t{w['problem']}" if w["problem"] else "")
        for w in shown
    ]
    if shown and current is None:
        lines.append(
            f"AMENDS_WITNESS_QUORUM={settings.WITNESS_QUORUM} asks for more witnesses than "
            f"there are ({len(shown)}): no checkpoint can be witnessed"
        )
    payload = {
        "witnesses": shown,
        "quorum": settings.WITNESS_QUORUM,
        "policy": current.text() if current else None,
    }
    return payload, "\n".join(lines) or "no witnesses: checkpoints are not witnessed"


@witnesses.command("ask")
@command
def witnesses_ask():
    """Sign a checkpoint and send it to every witness now (the worker does so every
    AMENDS_WITNESS_INTERVAL seconds), and say what each answered.

    Example: amends witnesses ask --json
    """
    from amends.cli import Failed
    from amends.record import api as record
    from amends.witness.asking import ask, cosigned_note

    checkpoint = record.sign_checkpoint()
    asked = ask(checkpoint)
    payload = {
        "size": checkpoint.size,
        "cosigned": asked.cosigned,
        "problems": asked.problems,
        "note": cosigned_note(checkpoint),
    }
    if asked.forks:
        raise Failed(asked.problems[asked.forks[0]], payload)
    lines = [f"{name}\tcosigned {checkpoint.size:,} entries" for name in asked.cosigned]
    lines += [f"{name}\t{problem}" for name, problem in asked.problems.items()]
    return payload, "\n".join(lines) or "no witnesses: add one with amends witnesses add"


@click.command()
@command
def timestamp():
    """Have the latest cosigned checkpoint timestamped now by each time-stamping authority in
    AMENDS_TSA_URLS (RFC 3161), check each answer against AMENDS_TSA_ROOTS_FILE, and keep it.
    The worker does so daily, and every evidence pack has its own anchor stamped.

    Example: amends timestamp --json
    """
    from django.conf import settings

    from amends.cli import Failed
    from amends.witness.timestamps import stamp_latest

    if not settings.TSA_URLS:
        raise Failed("no time-stamping authority: set AMENDS_TSA_URLS and AMENDS_TSA_ROOTS_FILE")
    checkpoint, stamped = stamp_latest()
    payload = {
        "size": checkpoint.size,
        "timestamps": [
            {
                "tsa": t.authority,
                "time": t.stamped_at.isoformat().replace("+00:00", "Z"),
                "sha256": t.digest,
            }
            for t in stamped.kept
        ],
        "problems": stamped.problems,
    }
    if not stamped.kept:
        raise Failed(f"no authority stamped the checkpoint: {stamped.problems}", payload)
    lines = [
        f"{t.authority}\tstamped {checkpoint.size:,} entries at {t.stamped_at:%Y-%m-%d %H:%M} UTC"
        for t in stamped.kept
    ]
    lines += [f"{url}\t{problem}" for url, problem in stamped.problems.items()]
    return payload, "\n".join(lines)


COMMANDS = {"witness": witness, "witnesses": witnesses, "timestamp": timestamp}

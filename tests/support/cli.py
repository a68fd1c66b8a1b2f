"""Running the ``amends`` command line inside the test process (click's runner), with every
argument given as text."""

from click.testing import CliRunner, Result

from amends.cli import main


def run(*args, input: str | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=input)

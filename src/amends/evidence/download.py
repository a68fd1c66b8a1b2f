"""Handing an evidence pack over as a download, for the desk and the API alike.

The pack is written into a private temporary folder and unlinked as soon as it is open: it may
hold sealed wording and is never kept on the server (the open file stays readable until the
response has been sent)."""

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.http import FileResponse


def handed_over(export: Callable[[Path], object]) -> FileResponse:
    """Build the export with ``export(output)`` (an :class:`ExportPack` writing to ``output``),
    run it, and answer with the pack as a zip attachment that no cache keeps."""
    folder = tempfile.mkdtemp(prefix="amends-export-")
    try:
        action = export(Path(folder) / "pack.zip")
        done = action.run()
        handle = open(done.path, "rb")  # noqa: SIM115  (closed by FileResponse)
        os.unlink(done.path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    name = re.sub(r"[^\w.-]+", "-", f"amends-{done.subject}-{action.reference.strip()}")[:120]
    response = FileResponse(handle, as_attachment=True, filename=f"{name}.zip")
    response["Content-Type"] = "application/zip"
    response["Cache-Control"] = "no-store"
    return response

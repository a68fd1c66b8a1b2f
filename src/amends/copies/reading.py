"""The words in something found: a text file as it is, a screenshot read with Tesseract OCR
(English and Welsh, Debian's tesseract-ocr and tesseract-ocr-cym)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from amends.errors import BadInput

IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
LARGEST = 20 * 1024 * 1024


def is_image(data: bytes) -> bool:
    return data.startswith(IMAGES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def words_in(data: bytes, name: str = "file") -> str:
    if len(data) > LARGEST:
        raise BadInput(f"file: {name} is larger than 20 MB", field="file")
    if is_image(data):
        return ocr(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(
            f"file: {name} is neither UTF-8 text nor a PNG, JPEG, GIF or WebP image", field="file"
        ) from None


def ocr(image: bytes) -> str:
    """The text Tesseract reads in ``image``, in English and Welsh."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise BadInput(
            "file: reading a screenshot needs Tesseract OCR; on Debian: apt-get install "
            "tesseract-ocr tesseract-ocr-cym",
            field="file",
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "found"
        path.write_bytes(image)
        done = subprocess.run(
            [tesseract, str(path), "stdout", "-l", "eng+cym", "--psm", "3"],
            capture_output=True,
            timeout=60,
            check=False,
            # One thread: Tesseract's OpenMP threads wait busily for each other, and on a
            # small server that makes a screenshot six times slower (measured, make bench).
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BadInput(f"file: the image could not be read ({said[-1] if said else 'OCR failed'})")
    return done.stdout.decode("utf-8", "replace")

"""An uploaded Word or draft file, read for the pages and the API alike."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, UploadFile

from ..drafting.wordimport import MAX_FILE_BYTES, WordFileRefused

# Optional to FastAPI so that who may send it is checked first; a missing file is
# then refused by upload_bytes with the reason.
Upload = Annotated[UploadFile | None, File(description="a .docx (or, to import, a .md draft file)")]


def upload_bytes(file: UploadFile | None) -> bytes:
    """The file's bytes, refused past the stated limit without reading further."""
    if file is None:
        raise WordFileRefused("choose a file to upload", field="file")
    data = file.file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise WordFileRefused(
            f"the file is larger than {MAX_FILE_BYTES // 1048576} MB", field="file"
        )
    if not data:
        raise WordFileRefused("the file is empty", field="file")
    return data

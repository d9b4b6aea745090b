"""Receiving an import file without ever holding it in memory, and refusing big ones early.

Two guards against a 500 MB upload:

1. :func:`too_large_by_header`: the request's Content-Length is checked before
   the body is read at all; a browser or script announcing more than the limit
   is answered at once.
2. :class:`SizeLimitUploadHandler`: for a body whose length was not announced
   honestly, the upload is streamed to disk in chunks and stopped as soon as it
   passes the limit.

The limit is ``settings.IMPORT_MAX_BYTES`` (default 200 MB).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest

#: Leeway for the multipart envelope and the other form fields around the file.
ENVELOPE_BYTES = 64 * 1024


def import_max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def too_large_message(size: int | None = None) -> str:
    limit = import_max_bytes() // (1024 * 1024)
    got = f" This one is {size // (1024 * 1024)} MB." if size else ""
    return (
        f"The file is larger than the {limit} MB an import may have.{got} Split it (for"
        " example one file per year) and import the parts one after another."
    )


def too_large_by_header(request: HttpRequest) -> int | None:
    """The announced size when it is beyond the limit, else ``None``; reads no body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return length if length > import_max_bytes() + ENVELOPE_BYTES else None


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops the upload once the file passes the limit; marks the request so the view can say so."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > import_max_bytes():
            if self.request is not None:
                self.request.import_upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def install_upload_handlers(request: HttpRequest) -> None:
    """Stream every upload to a temporary file, behind the size guard. Call before reading POST."""
    request.upload_handlers = [
        SizeLimitUploadHandler(request),
        TemporaryFileUploadHandler(request),
    ]


def upload_was_too_large(request: Any) -> bool:
    request = getattr(request, "_request", request)
    return bool(getattr(request, "import_upload_too_large", False))


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()

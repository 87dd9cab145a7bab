"""Articles' main images uploaded in the admin: checked with Pillow (a JPEG, PNG, WebP or GIF
image within ``IMAGE_MAX_BYTES`` and ``IMAGE_MAX_PIXELS``), stored through Django's storage
API (``STORAGES["default"]``: files under ``MEDIA_ROOT`` unless set otherwise) under a name
of our making, with a WebP thumbnail beside it, when the article's transaction commits.
The article's ``image_url`` is the stored file's URL."""

from __future__ import annotations

import base64
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from articles.text import make_slug

# What Pillow found -> the extension the stored file gets (never the uploader's own name).
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
THUMBNAIL_SUFFIX = ".thumb.webp"


@dataclass(frozen=True)
class StoredImage:
    name: str
    url: str
    thumbnail_url: str


def checked_image(upload: UploadedFile) -> str:
    """The format of an uploaded image (a key of ``FORMATS``), or a ValidationError that
    says what is accepted."""
    most = settings.IMAGE_MAX_BYTES
    if upload.size is not None and upload.size > most:
        raise ValidationError(
            f"The file has {_megabytes(upload.size)}; an image may have {_megabytes(most)}.",
            code="too_big",
        )
    accepted = "Upload a JPEG, PNG, WebP or GIF image."
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind, (width, height) = image.format, image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    f"The image has {width} by {height} pixels; at most "
                    f"{settings.IMAGE_MAX_PIXELS:,} are taken.",
                    code="too_big",
                )
            image.verify()  # the whole file decodes: not a truncated or disguised one
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError(accepted, code="not_an_image") from None
    finally:
        upload.seek(0)
    if kind not in FORMATS:
        raise ValidationError(f"{accepted} This one is {kind}.", code="not_an_image")
    return kind


def store_image(upload: UploadedFile, *, absolute: Callable[[str], str]) -> StoredImage:
    """A checked image and its thumbnail, written to the storage when the transaction
    commits (a save that fails leaves no file); ``absolute`` makes a storage's relative URL
    (local media, ``/media/...``) absolute, as an article's ``image_url`` is."""
    kind = checked_image(upload)
    stem = make_slug(PurePosixPath(upload.name or "image").stem)[:60] or "image"
    folder = timezone.now().strftime("articles/%Y/%m")
    # A random part: no two uploads want one name, so the storage keeps the one given.
    name = f"{folder}/{stem}-{secrets.token_hex(6)}.{FORMATS[kind]}"
    thumbnail = _thumbnail(upload)
    content = upload.read()  # at most IMAGE_MAX_BYTES; the upload may be closed at commit

    def write() -> None:
        default_storage.save(name, ContentFile(content))
        default_storage.save(thumbnail_name(name), ContentFile(thumbnail))

    transaction.on_commit(write)
    return StoredImage(
        name=name,
        url=absolute(default_storage.url(name)),
        thumbnail_url=absolute(default_storage.url(thumbnail_name(name))),
    )


def inline_thumbnail(upload: UploadedFile) -> str:
    """A checked image's thumbnail as a ``data:`` URL: shown (a preview) without storing it."""
    return "data:image/webp;base64," + base64.b64encode(_thumbnail(upload)).decode("ascii")


def thumbnail_name(name: str) -> str:
    return f"{name}{THUMBNAIL_SUFFIX}"


def thumbnail_url(image_url: str | None) -> str | None:
    """The thumbnail's URL of an image stored here, or None (another site's image)."""
    if not image_url:
        return None
    base, parts = default_storage.url(""), urlsplit(image_url)
    local = not urlsplit(base).netloc  # a local storage's URLs are paths: /media/...
    path = parts.path if local else image_url
    if not path.startswith(base) or path.endswith(THUMBNAIL_SUFFIX):
        return None
    thumbnail = default_storage.url(thumbnail_name(unquote(path[len(base) :])))
    return f"{parts.scheme}://{parts.netloc}{thumbnail}" if local else thumbnail


def _thumbnail(upload: UploadedFile) -> bytes:
    size = settings.IMAGE_THUMBNAIL_PIXELS
    upload.seek(0)
    with Image.open(upload) as image:
        image.seek(0)  # an animated GIF: its first frame
        small = ImageOps.exif_transpose(image)
        small.thumbnail((size, size))
        if small.mode not in ("RGB", "RGBA"):
            small = small.convert("RGBA")
        out = io.BytesIO()
        small.save(out, format="WEBP", quality=80)
    upload.seek(0)
    return out.getvalue()


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"

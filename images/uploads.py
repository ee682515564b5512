"""Checking and cleaning uploaded pictures: real images only, within limits, with no EXIF (GPS) left in them.

Pillow does the reading (https://pillow.readthedocs.io/en/stable/reference/Image.html#PIL.Image.Image.verify);
nothing here trusts the file's name or the browser's content type.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

# Formats a browser shows and Pillow writes; the upload keeps its format when re-saved.
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "AVIF": ".avif"}
# Only what is needed to show the picture right survives re-saving; EXIF (GPS, camera, owner) and XMP do not.
KEPT_INFO = ("icc_profile", "transparency")
_NOT_AN_IMAGE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, PILImage.DecompressionBombError)


def _pixel_limit():
    return f"the limit is {settings.NEWSROOM_IMAGE_MAX_PIXELS / 1_000_000:g} megapixels"


def _megabytes(size):
    return f"{size / 1_000_000:.1f} MB"


def validate_upload(file):
    """Refuse ``file`` (a Django File) unless Pillow reads it as one of FORMATS within the size limits.

    Limits: settings.NEWSROOM_IMAGE_MAX_BYTES (bytes) and NEWSROOM_IMAGE_MAX_PIXELS (width x height), checked
    before the pixels are decoded. Raises ValidationError naming the problem.
    """
    name = Path(file.name or "").name
    if file.size is not None and file.size > settings.NEWSROOM_IMAGE_MAX_BYTES:
        raise ValidationError(
            f"“{name}” is {_megabytes(file.size)}; the limit is {_megabytes(settings.NEWSROOM_IMAGE_MAX_BYTES)}."
        )
    file.seek(0)
    try:
        with PILImage.open(file) as image:
            width, height = image.size
            if image.format not in FORMATS:
                raise ValidationError(f"“{name}” is a {image.format} image; upload JPEG, PNG, WebP, GIF or AVIF.")
            if width * height > settings.NEWSROOM_IMAGE_MAX_PIXELS:
                raise ValidationError(f"“{name}” is {width} × {height} pixels; {_pixel_limit()}.")
            image.verify()
    except PILImage.DecompressionBombError as error:
        # Pillow refuses to open more than twice its MAX_IMAGE_PIXELS (a few kB of PNG can claim billions).
        over = PILImage.MAX_IMAGE_PIXELS * 2 // 1_000_000
        raise ValidationError(f"“{name}” has more than {over} megapixels; {_pixel_limit()}.") from error
    except _NOT_AN_IMAGE as error:
        raise ValidationError(f"“{name}” is not an image (its content was checked, not its name).") from error
    finally:
        file.seek(0)


def without_metadata(file):
    """``file`` re-saved in its own format with the camera's rotation applied and no EXIF or XMP.

    Returns (ContentFile named like the upload, width, height) in pixels. Raises ValidationError if Pillow
    cannot read it (validate_upload() first gives the better message).
    """
    validate_upload(file)
    file.seek(0)
    try:
        with PILImage.open(file) as original:
            original.load()
            image_format = original.format
            image = ImageOps.exif_transpose(original)
    except _NOT_AN_IMAGE as error:
        raise ValidationError("The file is not an image.") from error
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    if image_format == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 90} if image_format in ("JPEG", "WEBP", "AVIF") else {}
    image.save(out, image_format, **options)
    name = Path(file.name).with_suffix(FORMATS[image_format]).name
    return ContentFile(out.getvalue(), name=name), image.width, image.height

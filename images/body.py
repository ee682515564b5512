"""Library pictures placed inside an article's body get the same renditions as every other picture."""

import html
import re
from urllib.parse import unquote

from django.conf import settings

from .models import Image
from .renditions import picture

# The body comes from articles.text.sanitize_html (nh3), which writes every <img> with double-quoted attributes.
_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def _library_name(src):
    """The storage name of a media URL (``/media/images/a.jpg`` -> ``images/a.jpg``), or None."""
    src = html.unescape(src)
    return unquote(src.removeprefix(settings.MEDIA_URL)) if src.startswith(settings.MEDIA_URL) else None


def responsive_body(body):
    """``body`` (sanitized HTML) with each <img> of a library picture replaced by its <picture> in the story layout.

    The editor's alt text in the body is kept; a blank one gives way to the library's. Other images (https
    addresses, files not in the library) stay as they are.
    One query for all the pictures, none when the body has no media image.
    """
    tags = [(match, dict(_ATTRIBUTE.findall(match.group(0)))) for match in _IMG.finditer(body)]
    names = {_library_name(attributes.get("src", "")) for _, attributes in tags} - {None}
    if not names:
        return body
    images = {image.file.name: image for image in Image.objects.filter(file__in=names)}

    def swap(match):
        attributes = dict(_ATTRIBUTE.findall(match.group(0)))
        image = images.get(_library_name(attributes.get("src", "")))
        # A blank alt in the body falls back to the library's, which is required: a story's photo is not decoration.
        alt = html.unescape(attributes.get("alt", "")).strip() or None
        return str(picture(image, "story", alt=alt) or match.group(0)) if image else match.group(0)

    return _IMG.sub(swap, body)

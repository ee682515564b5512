"""Renditions: each library image in the sizes and formats the layouts need, made by django-imagekit.

django-imagekit (https://django-imagekit.readthedocs.io/) generates the renditions when a picture is uploaded
(make_all), or else the first time a URL is asked for, and keeps them in the default storage under CACHE/images/;
pilkit's ResizeToFill crops around the image's focal point. Browsers pick the format from <source type> (AVIF,
then WebP, then JPEG for the rest) and the width from srcset/sizes (https://html.spec.whatwg.org/multipage/images.html#responsive-images).
"""

import logging
import math
from dataclasses import dataclass

from django.core.cache import caches
from django.utils.html import format_html, format_html_join
from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from pilkit.processors import Crop, ResizeToFill

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Format:
    pillow: str
    mime: str
    options: dict


# Best first: a browser takes the first <source> whose type it supports; JPEG is the <img> everyone reads.
FORMATS = (
    Format("AVIF", "image/avif", {"quality": 50, "speed": 8}),
    Format("WEBP", "image/webp", {"quality": 75, "method": 4}),
)
FALLBACK = Format("JPEG", "image/jpeg", {"quality": 80, "optimize": True, "progressive": True})


@dataclass(frozen=True)
class Layout:
    """Where an image appears: the widths to make (px), the aspect ratio to crop to (None keeps the
    image's own) and the CSS sizes attribute telling the browser how wide it is drawn."""

    widths: tuple
    sizes: str
    ratio: tuple | None = None


# The sizes match static/css/site.css: the page is 72rem wide at most; the grid changes at 40rem and 64rem.
LAYOUTS = {
    # The front page's lead: two thirds of the page on a wide screen, the whole width on a phone.
    "lead": Layout((480, 800, 1200), "(min-width: 64rem) 46rem, 100vw", (16, 9)),
    # Featured and section-block cards: a column of the grid.
    "card": Layout((320, 480, 640), "(min-width: 64rem) 22rem, (min-width: 40rem) 50vw, 100vw", (3, 2)),
    # The featured stories beside the lead: a small picture beside each headline.
    "featured": Layout((160, 320, 480), "9rem", (3, 2)),
    # The small picture beside a card in a list.
    "thumb": Layout((160, 320), "8rem", (3, 2)),
    # The article's own picture: the story column, uncropped.
    "story": Layout((480, 800, 1200, 1600), "(min-width: 46rem) 42rem, 100vw"),
    # Open Graph / Twitter cards and JSON-LD: 1.91:1 at 1200 px wide, as Facebook and X recommend.
    "social": Layout((1200,), "1200px", (1200, 630)),
}
CACHE_SECONDS = 3600


class EightBitGrey:
    """A pilkit processor: a 16- or 32-bit grey picture (Pillow modes I;16*, I) scaled to 8-bit L.

    Pillow's convert("RGB") clips those values at 255 instead of scaling them, which turns a 16-bit grey PNG
    white; other modes pass through untouched.
    """

    def process(self, img):
        if img.mode.startswith("I;16") or img.mode == "I":
            maximum = 65535 if img.mode.startswith("I;16") else max(1, img.getextrema()[1])
            return img.convert("I").point(lambda value: value * (255 / maximum)).convert("L")
        return img


class DecodeSmaller:
    """A pilkit processor: a picture far bigger than its rendition is made smaller cheaply before resampling.

    A JPEG not yet decoded is decoded at 1/2, 1/4 or 1/8 of its size (draft, as Pillow's thumbnail() does with
    reducing_gap 2.0; the decoder scales in its DCT); whatever is still over twice the rendition's ``width`` x
    ``height`` (px) is box-reduced by a whole factor (Image.reduce). Every rendition opens the original again, so
    a 50-megapixel photo was decoded and resampled in full ~46 times on upload.
    """

    def __init__(self, width, height):
        self.width, self.height = width, height

    def process(self, img):
        scale = self._scale(img)
        if scale < 1 and img.format == "JPEG" and getattr(img, "tile", None):
            img.draft(img.mode, (math.ceil(img.width * scale), math.ceil(img.height * scale)))
            scale = self._scale(img)
        # Whatever is still over twice the size is box-reduced by a whole factor (Image.reduce, as Pillow's
        # resize(reducing_gap=...)): a tenth of the cost of resampling the full picture.
        factor = math.floor(1 / scale)
        if factor >= 2 and img.mode not in ("P", "1") and not img.mode.startswith("I;16"):
            img = img.reduce(factor)
        return img

    def _scale(self, img):
        """The fraction of ``img``'s size a rendition needs, with a margin of two."""
        crop_width, crop_height = cropped_size(img.width, img.height, (self.width, self.height))
        return 2 * max(self.width / crop_width, self.height / crop_height)


class CropToRatio:
    """A pilkit processor: the largest part of the picture with the aspect ratio ``width``:``height``, taken
    around ``anchor`` ((x, y) fractions), without resizing. ResizeToFill alone would first scale the whole
    picture to cover the rendition, which for a 20,000 x 2 pixel strip means billions of pixels."""

    def __init__(self, width, height, anchor):
        self.width, self.height, self.anchor = width, height, anchor

    def process(self, img):
        crop_width, crop_height = cropped_size(img.width, img.height, (self.width, self.height))
        return Crop(crop_width, crop_height, anchor=self.anchor).process(img)


def cropped_size(width, height, ratio):
    """(width, height) in pixels of the largest ``ratio`` (w, h) crop of a ``width`` x ``height`` picture."""
    if width * ratio[1] > height * ratio[0]:
        return max(1, min(width, round(height * ratio[0] / ratio[1]))), height
    return width, max(1, min(height, round(width * ratio[1] / ratio[0])))


class Rendition(ImageSpec):
    """One size of one image in one format, cropped to ``width`` x ``height`` around ``anchor``."""

    def __init__(self, source, width, height, anchor, image_format):
        # Crop first, then resize: the picture is never scaled up before it is cut.
        self.processors = [
            EightBitGrey(),
            DecodeSmaller(width, height),
            CropToRatio(width, height, anchor),
            ResizeToFill(width, height, anchor=anchor),
        ]
        self.format = image_format.pillow
        self.options = image_format.options
        super().__init__(source=source)


# imagekit runs its cache-file strategy (make the file when its URL is first needed) for registered specs only.
register.generator("images:rendition", Rendition)


def _sizes(image, layout):
    """[(width, height)] in pixels for ``image`` in ``layout``, never wider than the original."""
    ratio = layout.ratio or (image.width, image.height)
    # Every layout width the crop can fill, and the crop's own width when it falls between two: a rendition is
    # never scaled up from its crop.
    available = cropped_size(image.width, image.height, ratio)[0]
    widths = sorted({w for w in layout.widths if w < available} | {min(available, max(layout.widths))})
    return [(w, max(1, round(w * ratio[1] / ratio[0]))) for w in widths]


def _url(image, size, image_format):
    return ImageCacheFile(Rendition(image.file, *size, image.anchor, image_format)).url


def _srcset(image, sizes, image_format):
    return ", ".join(f"{_url(image, size, image_format)} {size[0]}w" for size in sizes)


def _usable(image):
    return bool(image and image.file and image.width and image.height)


def _cache_key(image, name):
    # The file name changes on a new upload and the focal point changes the crop: both are in the key.
    return f"rendition:2:{image.pk}:{image.file.name}:{image.focal_x}:{image.focal_y}:{name}"


def picture(image, layout_name, *, eager=False, alt=None):
    """A <picture> for ``image`` (an images.models.Image) in the layout ``layout_name`` (a key of LAYOUTS).

    Lazy-loaded unless ``eager`` (the one image above the fold, which the browser should fetch first). ``alt``
    replaces the library's alt text (a picture in a body keeps what its editor wrote there). Returns
    "" when the image is missing or cannot be read, so a broken upload never breaks a page.
    """
    urls = _rendition_urls(image, layout_name)
    if not urls:
        return ""
    layout = LAYOUTS[layout_name]
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((mime, srcset, layout.sizes) for mime, srcset in urls["sources"]),
    )
    # Above the fold the browser should fetch it first; below, only as it scrolls into view.
    loading = ("fetchpriority", "high") if eager else ("loading", "lazy")
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" {}="{}" decoding="async">'
        "</picture>",
        sources,
        urls["src"],
        urls["srcset"],
        layout.sizes,
        urls["width"],
        urls["height"],
        image.alt_text if alt is None else alt,
        *loading,
    )


def _rendition_urls(image, layout_name):
    """The URLs of ``image``'s renditions for a layout, cached: one cache read per picture on a page."""
    if not _usable(image):
        return None
    key = _cache_key(image, layout_name)
    cache = caches["renditions"]
    urls = cache.get(key)
    if urls is None:
        sizes = _sizes(image, LAYOUTS[layout_name])
        try:
            urls = {
                "sources": [(f.mime, _srcset(image, sizes, f)) for f in FORMATS],
                "src": _url(image, sizes[-1], FALLBACK),
                "srcset": _srcset(image, sizes, FALLBACK),
                "width": sizes[-1][0],
                "height": sizes[-1][1],
            }
        except (OSError, ValueError, ImageSpec.MissingSource):
            logger.warning("No renditions for image %s (%s)", image.pk, image.file.name, exc_info=True)
            return None
        cache.set(key, urls, CACHE_SECONDS)
    return urls


def card_image(image):
    """The site-relative URL of ``image``'s social-card rendition (JPEG, 1200 x 630 or smaller), or "".

    For og:image, twitter:image and JSON-LD ``image``; make it absolute with articles.seo.absolute_url.
    """
    if not _usable(image):
        return ""
    key = _cache_key(image, "social")
    cache = caches["renditions"]
    url = cache.get(key)
    if url is None:
        try:
            url = _url(image, _sizes(image, LAYOUTS["social"])[0], FALLBACK)
        except (OSError, ValueError, ImageSpec.MissingSource):
            logger.warning("No social rendition for image %s", image.pk, exc_info=True)
            return ""
        cache.set(key, url, CACHE_SECONDS)
    return url


def make_all(image):
    """Make every rendition of ``image`` now (on upload, or by ``manage.py make_renditions``), so no reader waits.

    Returns the number of layouts done; 0 if the image cannot be read.
    """
    done = sum(1 for name in LAYOUTS if name != "social" and _rendition_urls(image, name))
    return done + bool(card_image(image))


def social_card(image):
    """``image``'s social card as {"url": site-relative URL, "width", "height" (px), "alt"}, or None.

    The shape of articles.seo.card_image, which makes the URL absolute and falls back to the site's image.
    """
    url = card_image(image)
    if not url:
        return None
    width, height = _sizes(image, LAYOUTS["social"])[0]
    return {"url": url, "width": width, "height": height, "alt": image.alt_text}

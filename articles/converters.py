from .text import is_valid_slug, nfc


class UnicodeSlugConverter:
    """A slug in any script: exactly what articles.text.validate_slug accepts, in any normal form.

    A slug in another normal form (e.g. NFD, as some systems send it) matches, so that
    articles.middleware can redirect it to the NFC address; anything else is a 404 before any query
    (a NUL, which PostgreSQL refuses, included).
    """

    regex = r"[^/\x00]+"

    def to_python(self, value):
        if not is_valid_slug(nfc(value)):
            raise ValueError(f"{value!r} is not a slug")
        return value

    def to_url(self, value):
        return value

class UnicodeSlugConverter:
    """A slug in any script (see articles.text.slugify); anything not found is a 404 in the view.

    NUL is left out: PostgreSQL refuses it in text, and an address with one must be a 404, not a 500.
    """

    regex = r"[^/\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value

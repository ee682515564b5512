class UnicodeSlugConverter:
    """A slug in any script (see articles.text.slugify); anything not found is a 404 in the view."""

    regex = r"[^/]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value

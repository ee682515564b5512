"""Signals of the newsroom's own, for changes that Django's model signals do not announce."""

from django.dispatch import Signal

# Sent by articles.services after a bulk change (merging tags or sources) to the rows of many articles at
# once, with ``article_ids``: what those articles show has changed (search re-indexes them).
articles_changed = Signal()

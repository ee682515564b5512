"""The newsroom's data model: articles, who wrote them, what they cite, where they belong."""

import datetime
import uuid

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from .fields import SlugField
from .links import slug_url
from .querysets import ArticleQuerySet, CorrectionQuerySet
from .text import name_key, nfc, sanitize_html, sanitized, slugify, unique_slug


def default_language():
    return settings.NEWSROOM_LANGUAGE


def validate_language(code):
    """A language the site knows (settings.LANGUAGES, Django's list of BCP 47 codes)."""
    if code not in dict(settings.LANGUAGES):
        raise ValidationError(f"“{code}” is not a known language code (e.g. en, uk, ar, zh-hans).")


class NameKeyModel(models.Model):
    """A record whose name is unique whatever its case, script or Unicode normal form.

    ``name_key`` (articles.text.name_key: NFC + case folding) is stored, indexed and unique, so
    "Україна" and "УКРАЇНА" are one name on SQLite as on PostgreSQL; every lookup by name goes
    through ``named()``. It is filled before every save, fixtures and bulk_create included
    (normalize_text).
    """

    name_key = models.CharField(
        max_length=600, unique=True, editable=False, help_text="The name in NFC and case-folded, for lookups."
    )
    name_clash_message = "Another {model} is already called “{name}”."

    class Meta:
        abstract = True

    @classmethod
    def named(cls, name):
        """The rows called ``name`` in any case or normal form (at most one)."""
        return cls._default_manager.filter(name_key=name_key(name))

    def clean(self):
        super().clean()
        clash = type(self).named(self.name).exclude(pk=self.pk)
        if self.name and clash.exists():
            message = self.name_clash_message.format(model=self._meta.verbose_name, name=self.name)
            raise ValidationError({"name": message})


class KeepsOldSlugs(models.Model):
    """A row whose old slugs keep working: a changed slug is recorded in SlugHistory when saved.

    The slug the row was loaded with is remembered, so the check costs no query; the record is
    written in the same transaction as the new slug.
    """

    history_kind = ""  # a SlugHistory.Kind value

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        old = getattr(self, "_loaded_slug", None)
        fields = kwargs.get("update_fields")
        if fields is not None and "slug" not in fields:
            old = None  # the slug is not being written, so the stored one stays
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if old and old != self.slug:
                SlugHistory.record(self.history_kind, old, self.pk)
        if old is not None or fields is None:
            self._loaded_slug = self.slug

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_slug = instance.__dict__.get("slug")
        return instance


class TextManager(models.Manager):
    """bulk_create() skips save() and pre_save: normalize here, so NFC and name_key hold for it too."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            normalize_text(obj)
        return super().bulk_create(objs, *args, **kwargs)


# The desk leaves slugs to the server: the admin's JavaScript slug maker (URLify) drops the combining
# marks of Hindi, Thai, Arabic..., so a slug made there would misspell the name.
SLUG_HELP = "The {}’s address. Left blank, it is made from the {}, in any script."


class SlugManager(TextManager):
    """Rows addressed by slug in fixtures, so a reload finds the row it made before."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugModel(KeepsOldSlugs):
    """A named record with a unique slug derived from its name when left blank."""

    objects = SlugManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)


class Section(NameKeyModel, SlugModel):
    history_kind = "section"

    name = models.CharField(max_length=100, unique=True, help_text="Shown in the navigation, e.g. “News”.")
    slug = SlugField(max_length=100, unique=True, blank=True, help_text=SLUG_HELP.format("section", "name"))
    order = models.PositiveSmallIntegerField(default=0, help_text="Sections are listed in this order, lowest first.")
    description = models.TextField(blank=True, help_text="One or two sentences shown on the section page.")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:section", self.slug)


class Author(SlugModel):
    history_kind = "author"
    name = models.CharField(max_length=150, help_text="The name as it appears in bylines.")
    slug = SlugField(max_length=150, unique=True, blank=True, help_text=SLUG_HELP.format("author", "name"))
    bio = models.TextField(blank=True, help_text="A short biography shown on the author’s page.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The staff account of this author, if they have one.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:author", self.slug)


class Source(NameKeyModel, SlugModel):
    """An outlet, agency or official body that articles cite."""

    history_kind = "source"

    class Kind(models.TextChoices):
        NEWS_AGENCY = "agency", "News agency"
        OUTLET = "outlet", "News outlet"
        OFFICIAL = "official", "Official body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True, help_text="The name readers know it by, e.g. “Reuters”.")
    slug = SlugField(max_length=200, unique=True, blank=True, help_text=SLUG_HELP.format("source", "name"))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OUTLET)
    homepage = models.URLField(blank=True, help_text="The source’s own website.")
    description = models.TextField(blank=True, help_text="Who they are, shown on the source’s page.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:source", self.slug)

    @property
    def names(self):
        """Every name this source is cited by: its own and its aliases."""
        return [self.name, *(alias.name for alias in self.aliases.all())]


class SourceAliasManager(TextManager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class SourceAlias(NameKeyModel):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="Another name the source is cited by, e.g. “Thomson Reuters”. One alias belongs to one source.",
    )

    objects = SourceAliasManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "source aliases"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    natural_key.dependencies = ["articles.source"]

    def clean(self):
        super().clean()
        if Source.named(self.name).exclude(pk=self.source_id).exists():
            raise ValidationError({"name": f"“{self.name}” is already the name of another source."})


class TagManager(TextManager, NaturalKeyManager):
    pass


class Tag(NameKeyModel, KeepsOldSlugs, TagBase):
    """A keyword; slugs come from our slugify so every script gets a readable one."""

    history_kind = "tag"
    slug = SlugField(
        verbose_name="slug", unique=True, max_length=100, blank=True, help_text=SLUG_HELP.format("tag", "name")
    )

    objects = TagManager()
    name_clash_message = "Another tag is already called “{name}”. Merge the two tags instead."

    class Meta:
        ordering = ["name"]
        verbose_name = "tag"
        verbose_name_plural = "tags"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # taggit makes a slug for a new tag only; one cleared on the desk is made again here.
        if not self._state.adding and not self.slug:
            self.slug = unique_slug(self, self.name, max_length=self._meta.get_field("slug").max_length)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:tag", self.slug)

    def slugify(self, tag, i=None):
        slug = slugify(tag, max_length=90) or "tag"
        return f"{slug}-{i}" if i is not None else slug


class TagsByNameKey(_TaggableManager):
    """article.tags, with tags named in any case, script or normal form found by their name_key.

    taggit's TAGGIT_CASE_INSENSITIVE matches with name__iexact, which on SQLite folds ASCII only.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        names = [tag for tag in tags if isinstance(tag, str)]
        others = [tag for tag in tags if not isinstance(tag, str)]
        found = super()._to_tag_model_instances(others, tag_kwargs)
        for name in names:
            name = " ".join(name.split())
            tag = Tag.named(name).filter(**tag_kwargs).first() or Tag.objects.create(name=name, **tag_kwargs)
            if tag not in found:
                found.append(tag)
        return found


# What the body editor offers: only markup that articles.text.ALLOWED_TAGS keeps, so nothing an
# editor makes is silently lost on save.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Code": True,
    # django-prose-editor turns the browser's spellcheck off by default; writers want it.
    "NoSpellCheck": False,
    # A picture with its caption and credit: <figure><img alt><figcaption>; text.py keeps exactly this.
    "Figure": True,
    "Caption": True,
    "Image": True,
}


# Ten times a long read, in characters of HTML; settings.DATA_UPLOAD_MAX_MEMORY_SIZE lets a body
# well over this arrive, so it gets this form error with the text kept, not a bare 400.
BODY_MAX_LENGTH = 1_000_000


class Article(KeepsOldSlugs):
    history_kind = "article"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    uid = models.UUIDField(
        "permanent identifier",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Never changes, whatever the slug: feed readers know the article by it (RSS guid, Atom id).",
    )
    headline = models.CharField(max_length=300, help_text="The title readers see. Plain text.")
    slug = SlugField(
        max_length=255,
        unique=True,
        blank=True,
        help_text="The article’s address. Left blank, it is made from the headline.",
    )
    dek = models.TextField(
        "dek", blank=True, help_text="The standfirst under the headline; also the search and social description."
    )
    body = ProseEditorField(
        extensions=BODY_EDITOR_EXTENSIONS,
        sanitize=sanitize_html,
        blank=True,
        validators=[
            MaxLengthValidator(
                BODY_MAX_LENGTH,
                "The body is too long: %(show_value)s characters, at most %(limit_value)s. Nothing was saved; "
                "your text is still in the form.",
            )
        ],
        help_text="The story. Only safe formatting is kept when saved.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="When the article goes public. A published article with a future time is scheduled.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles", blank=True)
    sources = models.ManyToManyField(Source, through="Citation", related_name="articles", blank=True)
    tags = TaggableManager(
        through="TaggedArticle",
        manager=TagsByNameKey,
        blank=True,
        help_text="Keywords readers can browse by.",
    )
    featured_image = models.ForeignKey(
        "images.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="featured_in",
        help_text="Picked from the image library (search by caption or credit); its alt text, caption and credit go "
        "with it.",
    )
    language = models.CharField(
        max_length=12,
        default=default_language,
        validators=[validate_language],
        help_text="The language the article is written in; screen readers, search engines and feeds use it.",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up on every save; a save based on an older version is refused."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="articles_created",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        # Public lists read articles newest first (status, then the full ordering), so the database walks an
        # index and stops after one page instead of sorting the archive; sections have their own.
        indexes = [
            models.Index(fields=["status", "-published_at", "-created_at"], name="article_public_idx"),
            models.Index(fields=["section", "status", "-published_at", "-created_at"], name="article_section_idx"),
            # A section page's lead, its newest pictured story: only pictured stories are listed, so a section
            # with few pictures (or none) is not read to its end to find one.
            models.Index(
                fields=["section", "status", "-published_at"],
                condition=Q(featured_image__isnull=False),
                name="article_section_pictured_idx",
            ),
            # The desk lists every status in the same order.
            models.Index(fields=["-published_at", "-created_at"], name="article_desk_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published article needs a publication time.",
            ),
        ]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.headline, max_length=self._meta.get_field("slug").max_length)
        self._publish_now_if_untimed()
        self.body = sanitize_html(self.body)
        if not self._state.adding:
            # Every save is a new version, so a form opened on the old one is refused as stale.
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:article", self.slug)

    def clean(self):
        self._publish_now_if_untimed()

    def _publish_now_if_untimed(self):
        # "Published" with no time means "now"; the check constraint holds the database to it.
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["articles.section"]

    @property
    def public_since(self):
        """From when ArticleQuerySet.published() includes this article: its publication time once an editor has
        published it (a future one while scheduled); None for drafts and articles in review."""
        return self.published_at if self.status == self.Status.PUBLISHED else None

    @property
    def is_public(self):
        """The rule of ArticleQuerySet.published(), for one article already in hand."""
        return self.public_since is not None and self.public_since <= timezone.now()

    @property
    def is_scheduled(self):
        return self.public_since is not None and not self.is_public

    @property
    def body_html(self):
        """The body, sanitized again on the way out (fixtures and raw SQL bypass save()); see text.sanitized."""
        return sanitized(self.body)

    @property
    def urn(self):
        """The permanent identifier as a URN (RFC 4122, section 3), for feed ids and guids."""
        return self.uid.urn


class ArticleChildManager(TextManager):
    """Child rows addressed in fixtures by their article's slug plus one identifying value."""

    def get_by_natural_key(self, article_slug, key):
        lookup = {"article__slug": article_slug, self.model.natural_key_lookup: key}
        if isinstance(key, datetime.datetime):
            # JSON dumps keep milliseconds only: match the stored time within that millisecond.
            start = key.replace(microsecond=key.microsecond // 1000 * 1000)
            del lookup[self.model.natural_key_lookup]
            lookup[f"{self.model.natural_key_lookup}__range"] = (start, start + datetime.timedelta(microseconds=999))
        return self.get(**lookup)


class ArticleChild(models.Model):
    natural_key_lookup = "order"

    objects = ArticleChildManager()

    class Meta:
        abstract = True

    def natural_key(self):
        value = self
        for name in self.natural_key_lookup.split("__"):
            value = getattr(value, name)
        return (self.article.slug, value)

    natural_key.dependencies = ["articles.article", "articles.author", "articles.source"]


class Byline(ArticleChild):
    class Role(models.TextChoices):
        WRITTEN = "written", _("By")
        REPORTING = "reporting", _("Reporting by")
        ADDITIONAL = "additional", _("Additional reporting by")
        TRANSLATED = "translated", _("Translated by")
        EDITED = "edited", _("Edited by")
        PHOTOS = "photos", _("Photos by")

    natural_key_lookup = "author__slug"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.WRITTEN)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author")]

    def __str__(self):
        return f"{self.get_role_display()} {self.author}"


class Citation(ArticleChild):
    """One article citing one source (at most once: its natural key is the article's and source's slugs)."""

    class Role(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"

    natural_key_lookup = "source__slug"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    url = models.URLField("report URL", max_length=500, blank=True, help_text="The cited report, if known.")
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.PRIMARY,
        help_text="Primary: the story rests on it. Secondary: cited for background.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "source"], name="citation_unique_source")]

    def __str__(self):
        return f"{self.article} cites {self.source}"


class BackgroundNote(ArticleChild):
    """Context under the story, one note per line of the source text."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(help_text="Plain text.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "order"], name="note_unique_order")]

    def __str__(self):
        return self.text[:80]


class Correction(ArticleChild):
    """A published fix to an article, shown to readers with its time."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")

    natural_key_lookup = "published_at"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text="Correction: a factual error was fixed. Clarification: the facts stood but were unclear.",
    )
    text = models.TextField(help_text="What was wrong and what is right now. Plain text.")
    published_at = models.DateTimeField(default=timezone.now, help_text="When the fix was made public.")
    retracted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an editor withdrew it. A correction is never deleted: readers see it and why it was withdrawn.",
    )
    retraction_reason = models.TextField(
        blank=True, editable=False, help_text="Why it was withdrawn, shown to readers under the correction."
    )

    objects = ArticleChildManager.from_queryset(CorrectionQuerySet)()

    class Meta:
        ordering = ["published_at", "pk"]
        get_latest_by = "published_at"
        indexes = [models.Index(fields=["-published_at"], name="correction_newest_idx")]  # /corrections/
        constraints = [
            models.UniqueConstraint(fields=["article", "published_at"], name="correction_unique_time"),
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True) | ~Q(retraction_reason=""),
                name="correction_retraction_has_reason",
                violation_error_message="A retraction needs a reason readers can read.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.article}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    @property
    def public_text(self):
        """The text readers get in feeds and structured data: once retracted, with when and why (plain text)."""
        if not self.retracted_at:
            return self.text
        when = timezone.localtime(self.retracted_at)
        return f"{self.text} (Retracted {when:%Y-%m-%d %H:%M %Z}: {self.retraction_reason})"


class SlugHistory(models.Model):
    """An address an article, section, tag, source or author had before: it answers 301 to the current one.

    Written in one place for renames (KeepsOldSlugs.save) and in articles.services for merges, where
    the merged row's addresses lead to the row it was merged into.
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        SECTION = "section", "Section"
        TAG = "tag", "Tag"
        SOURCE = "source", "Source"
        AUTHOR = "author", "Author"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    old_slug = models.CharField(max_length=255, help_text="The slug the address had.")
    object_id = models.PositiveBigIntegerField(help_text="The row the old address now leads to.")
    created_at = models.DateTimeField(auto_now=True, help_text="When the address was last given up.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "old address"
        verbose_name_plural = "old addresses"
        constraints = [models.UniqueConstraint(fields=["kind", "old_slug"], name="slug_history_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} “{self.old_slug}”"

    def get_absolute_url(self):
        target = self.target
        return target.get_absolute_url() if target else None

    @classmethod
    def model_for(cls, kind):
        return {"article": Article, "section": Section, "tag": Tag, "source": Source, "author": Author}[kind]

    @classmethod
    def record(cls, kind, old_slug, object_id):
        """``old_slug`` now leads to row ``object_id`` (the newest owner of an address wins)."""
        cls.objects.update_or_create(kind=kind, old_slug=old_slug, defaults={"object_id": object_id})

    @classmethod
    def current(cls, kind, old_slug):
        """The row that ``old_slug`` now leads to, or None."""
        entry = cls.objects.filter(kind=kind, old_slug=old_slug).first()
        return entry and cls.model_for(kind)._default_manager.filter(pk=entry.object_id).first()

    @property
    def target(self):
        return self.model_for(self.kind)._default_manager.filter(pk=self.object_id).first()


class DeskNote(models.Model):
    """An internal note on an article for the desk ("checked the figure with the ministry").

    Never public: no page, feed, sitemap, search or JSON-LD reads this model, and it is kept out of
    the article's history, so restoring an old version never deletes a note written since.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="desk_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="desk_notes",
        help_text="Who wrote the note.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the note was written.")
    text = models.TextField("note", help_text="For the desk only; readers never see it. Plain text.")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "desk note"
        indexes = [models.Index(fields=["article", "created_at"], name="desknote_article_idx")]

    def __str__(self):
        return f"Note by {self.author or 'someone'} on {self.article}"

    def get_absolute_url(self):
        """Notes live on their article's desk page (the admin), never on the public site."""
        return reverse("admin:articles_article_change", args=[self.article_id])


class TaggedArticleManager(models.Manager):
    def get_by_natural_key(self, article_slug, tag_name):
        return self.get(content_object__slug=article_slug, tag__name=tag_name)


class TaggedArticle(ItemBase):
    """The tag through model: a real foreign key to the article, not a generic relation."""

    content_object = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tagged_items")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    objects = TaggedArticleManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_unique")]
        # A tag's newest articles (related articles, tag pages) without visiting its older ones.
        indexes = [models.Index(fields=["tag", "-content_object"], name="tagged_article_tag_idx")]

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["articles.article", "articles.tag"]


@receiver(pre_save, sender=Article)
def _raw_save_is_a_new_version(sender, instance, raw, **kwargs):
    """A restored revision or reloaded fixture bypasses save() and brings back its old version number.

    It is still a new state of the article, so it gets the next number: a form opened before the
    restore must be refused, and numbers never go backwards.
    """
    if raw and instance.pk:
        current = sender._default_manager.filter(pk=instance.pk).values_list("version", "slug").first()
        version, slug = current or (0, None)
        instance.version = version + 1
        if slug and slug != instance.slug:  # a restore brings back an older slug: the newer one must keep working
            SlugHistory.record(SlugHistory.Kind.ARTICLE, slug, instance.pk)


@receiver(pre_save)
def _normalize_text(sender, instance, **kwargs):
    """Text is stored in NFC whatever its way in (desk, import, services, fixtures): one spelling, one match."""
    if sender._meta.app_label == "articles":
        normalize_text(instance)


def normalize_text(instance):
    """Put every text field of ``instance`` in NFC and fill its name_key, if it has one."""
    for field in type(instance)._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, nfc(value))
    if isinstance(instance, NameKeyModel):
        instance.name_key = name_key(instance.name)


@receiver(pre_save, sender=Correction)
def _correction_time_in_milliseconds(sender, instance, raw, **kwargs):
    """Fixtures (JSON) keep milliseconds; stored that way, a correction's natural key matches one row only.

    Two corrections of one article in the same millisecond (only a script can do that) are kept a
    millisecond apart, so the unique (article, published_at) constraint holds.
    """
    if instance.published_at is None:
        return
    when = instance.published_at.replace(microsecond=instance.published_at.microsecond // 1000 * 1000)
    if not raw and instance.article_id:
        others = sender._default_manager.filter(article_id=instance.article_id).exclude(pk=instance.pk)
        while others.filter(published_at=when).exists():
            when += datetime.timedelta(milliseconds=1)
    instance.published_at = when


# A revision of an article carries its child rows, so restoring one brings back the whole article, and
# the authors, sources and tags they point to, so an old version still names them after a merge or delete.
for _named in (Section, Author, Source, Tag):
    reversion.register(_named)
reversion.register(Byline, follow=["author"])
reversion.register(Citation, follow=["source"])
reversion.register(TaggedArticle, follow=["tag"])
for _child in (BackgroundNote, Correction):
    reversion.register(_child)
reversion.register(Article, follow=["section", "bylines", "citations", "notes", "corrections", "tagged_items"])

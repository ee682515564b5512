"""factory_boy factories: the shortest way to say 'an article like this' in a test."""

import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import (
    Article,
    Author,
    BackgroundNote,
    Byline,
    Citation,
    Correction,
    Section,
    Source,
    SourceAlias,
)
from images.models import Image


def image_bytes(size=(64, 48), color="navy", image_format="PNG", **save_options):
    """A real picture of ``size`` pixels, encoded as ``image_format``."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, image_format, **save_options)
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Section {n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = Source.Kind.NEWS_AGENCY
    homepage = factory.LazyAttribute(lambda s: f"https://{s.name.lower().replace(' ', '')}.example.org/")


class SourceAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceAlias

    source = factory.SubFactory(SourceFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class ImageFactory(factory.django.DjangoModelFactory):
    """A library picture (a small PNG unless ``file`` is given)."""

    class Meta:
        model = Image

    file = factory.LazyFunction(lambda: ContentFile(image_bytes(), name="photo.png"))
    alt_text = factory.Sequence(lambda n: f"Photo number {n}")
    caption = "A caption."
    credit = "Jane Doe / Agency"


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article, public since yesterday. Use the traits for other states."""

    class Meta:
        model = Article
        skip_postgeneration_save = True  # tags() saves its own rows

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        review = factory.Trait(status=Article.Status.REVIEW, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
        )
        pictured = factory.Trait(featured_image=factory.SubFactory(ImageFactory))

    headline = factory.Sequence(lambda n: f"Headline number {n}")
    dek = factory.Faker("sentence")
    body = factory.LazyFunction(lambda: "<p>First paragraph.</p>\n<p>Second paragraph.</p>")
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    section = factory.SubFactory(SectionFactory, name="News")

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class BylineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Byline

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)
    role = Byline.Role.WRITTEN


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    article = factory.SubFactory(ArticleFactory)
    source = factory.SubFactory(SourceFactory)
    url = factory.Sequence(lambda n: f"https://agency.example.org/report/{n}")
    role = Citation.Role.PRIMARY


class BackgroundNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BackgroundNote

    article = factory.SubFactory(ArticleFactory)
    text = factory.Faker("sentence")
    order = factory.Sequence(lambda n: n)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    kind = Correction.Kind.CORRECTION
    text = "An earlier version of this article misstated the date of the meeting."


class FullArticleFactory(ArticleFactory):
    """A published article with everything the article page shows: bylines, citations (every other one with a
    report URL), a background note, a correction and tags. Scale it with e.g. everything__tags=5."""

    class Meta:
        skip_postgeneration_save = True  # the hooks only add related rows

    @factory.post_generation
    def everything(self, create, extracted, tags=2, authors=2, sources=2, **kwargs):
        if not create:
            return
        self.tags.add(*(f"Topic {i}" for i in range(tags)))
        roles = [Byline.Role.WRITTEN, Byline.Role.TRANSLATED]
        for i in range(authors):
            BylineFactory(article=self, author=AuthorFactory(), role=roles[i % 2], order=i)
        for i in range(sources):
            url = "" if i % 2 else f"https://reports.example.org/{self.pk}/{i}"
            CitationFactory(article=self, source=SourceFactory(), order=i, url=url)
        BackgroundNoteFactory(article=self)
        CorrectionFactory(article=self)

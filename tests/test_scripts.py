"""Text in every script and form: slugs that pass our own rule, NFC, case-insensitive names, clean input."""

import datetime
import unicodedata
from urllib.parse import quote, unquote

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from articles import services
from articles.models import Article, Section, Source, SourceAlias, Tag
from articles.text import SLUG_MAX_ENCODED, encoded_length, slugify, validate_slug
from tests import desk
from tests.factories import ArticleFactory, SectionFactory, SourceAliasFactory, SourceFactory

pytestmark = pytest.mark.django_db

HEADLINES = {
    "hindi": "नाटो की बैठक में यूक्रेन पर चर्चा",
    "bengali": "ন্যাটো বৈঠকে ইউক্রেন নিয়ে আলোচনা",
    "tamil": "நேட்டோ கூட்டத்தில் உக்ரைன் குறித்து விவாதம்",
    "thai": "การประชุมนาโตเน้นความช่วยเหลือยูเครน",
    "arabic with vowel marks": "اجْتِمَاعُ النَّاتُو يُرَكِّزُ عَلَى المُسَاعَدَاتِ",
    "hebrew with points": "פְּגִישַׁת נַאטוֹ תִּתְמַקֵּד בְּסִיּוּעַ",
    "greek": "Η σύνοδος του ΝΑΤΟ εστιάζει στη βοήθεια",
    "cyrillic": "Рютте: зустріч НАТО зосередиться на допомозі",
    "cjk": "北约部长级会议将聚焦援助",
    "mixed": "NATO नाटो 北约 НАТО: aid first",
}


@pytest.fixture
def editor_client():
    client = Client()
    client.user = desk.editor()
    client.force_login(client.user)
    return client


@pytest.mark.parametrize("script", HEADLINES)
def test_an_article_in_any_script_is_saved_from_the_desk_with_its_own_slug(editor_client, client, script):
    article = ArticleFactory(headline=HEADLINES[script])
    validate_slug(article.slug)
    response = editor_client.post(desk.admin_url(article, "change"), desk.article_form_data(article, dek="Edited."))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.dek == "Edited."
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("script", HEADLINES)
def test_a_section_named_in_any_script_is_added_from_the_desk(editor_client, script):
    name = HEADLINES[script][:60]
    response = editor_client.post(
        desk.admin_url(Section, "add"), {"name": name, "slug": slugify(name), "order": 0, "description": ""}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Section.objects.get(name=name).get_absolute_url()


@pytest.mark.parametrize("script", ["hindi", "tamil", "thai", "cjk", "arabic with vowel marks"])
def test_long_slugs_are_capped_by_their_encoded_length_without_splitting_a_character(script):
    word = HEADLINES[script].replace(" ", "")
    article = ArticleFactory(headline=((HEADLINES[script] + " ") * 40)[:300])
    assert encoded_length(article.slug) <= SLUG_MAX_ENCODED
    assert len(reverse("articles:article", args=[article.slug])) < 2000
    validate_slug(article.slug)
    one_word = slugify(word * 30, max_length=255)
    validate_slug(one_word)
    assert encoded_length(one_word) <= SLUG_MAX_ENCODED
    # Cut between graphemes: the next character of the full word is not a mark of the last one.
    rest = slugify(word * 30, max_length=10_000, max_encoded=10**6)[len(one_word) :]
    assert rest and unicodedata.category(rest[0])[0] != "M"


def test_a_typed_slug_too_long_for_an_address_is_a_form_error(editor_client):
    article = ArticleFactory()
    response = editor_client.post(desk.admin_url(article, "change"), desk.article_form_data(article, slug="ड" * 100))
    assert "too long for an address" in response.content.decode()


@pytest.mark.parametrize("slug", ["a/b", "a b", "a?b", "\u093fhindi", "a\x00b", "a.b"])
def test_slugs_our_rule_refuses_are_a_404_not_a_500(client, slug):
    assert Client(raise_request_exception=False).get(f"/articles/{quote(slug)}/").status_code == 404


def test_an_nfd_address_redirects_to_the_nfc_one(client):
    article = ArticleFactory(headline="Café à Zürich")
    nfd = quote(unicodedata.normalize("NFD", "/articles/café-à-zürich/"))
    assert nfd != article.get_absolute_url()
    response = client.get(nfd, {"utm": "x"})
    assert response.status_code == 301
    assert response["Location"] == f"{article.get_absolute_url()}?utm=x"
    assert client.get(response["Location"]).status_code == 200


def test_text_is_stored_in_nfc_and_an_nfd_slug_is_the_same_slug(editor_client):
    article = ArticleFactory(headline=unicodedata.normalize("NFD", "Café"), dek=unicodedata.normalize("NFD", "é"))
    assert (article.headline, article.dek, article.slug) == ("Café", "é", "café")
    other = ArticleFactory(headline="Other")
    data = desk.article_form_data(other, slug=unicodedata.normalize("NFD", "café"))
    response = editor_client.post(desk.admin_url(other, "change"), data)
    assert "already exists" in response.content.decode()
    assert Article.objects.filter(slug="café").count() == 1


def test_search_finds_an_nfc_word_typed_in_nfd(client):
    ArticleFactory(headline="Rencontre à Genève")
    response = client.get("/search/", {"q": unicodedata.normalize("NFD", "Genève")})
    assert "/articles/rencontre-à-genève/" in unquote(response.content.decode())  # the headline's match is marked


# --- Names ignore case in every script, on every database ---


def test_a_tag_in_another_case_is_the_same_tag():
    first, second = ArticleFactory(tags=["Україна"]), ArticleFactory(tags=["УКРАЇНА"])
    assert Tag.objects.count() == 1
    assert first.tags.get() == second.tags.get()
    ArticleFactory(tags=[unicodedata.normalize("NFD", "Ελλάδα")]), ArticleFactory(tags=["ΕΛΛΆΔΑ"])
    assert Tag.objects.count() == 2


def test_remove_and_add_tag_find_the_tag_in_any_case(editor_client):
    article = ArticleFactory(tags=["Україна"])
    services.remove_tag([article], "україна", user=editor_client.user)
    assert not article.tags.exists()
    services.add_tag([article], "УКРАЇНА", user=editor_client.user)
    assert Tag.objects.get().name == "Україна"


def test_merge_and_rename_find_tags_in_any_case(editor_client):
    keep, other = Tag.objects.create(name="Україна"), Tag.objects.create(name="Ukraine")
    ArticleFactory(tags=[other])
    editor_client.post(
        desk.admin_url(Tag, "changelist"), {"action": "merge", "_selected_action": [other.pk], "into": "УКРАЇНА"}
    )
    assert list(Tag.objects.all()) == [keep]
    with pytest.raises(ValidationError, match="Merge"):
        services.rename_tag(Tag.objects.create(name="Kyiv"), "україна")


def test_source_names_and_aliases_clash_in_any_case(editor_client):
    source = SourceFactory(name="Європейська правда")
    duplicate = Source(name="ЄВРОПЕЙСЬКА ПРАВДА", kind="outlet")
    with pytest.raises(ValidationError, match="Another source"):
        duplicate.full_clean()
    alias = SourceAliasFactory(name="Євро правда", source=source)
    with pytest.raises(ValidationError):
        SourceAlias(name="ЄВРО ПРАВДА", source=SourceFactory()).full_clean()
    with pytest.raises(ValidationError, match="another source"):
        SourceAlias(name="європейська правда", source=SourceFactory()).full_clean()
    assert Source.named("єВРОПЕЙСЬКА правда").get() == source and SourceAlias.named("ЄВРО правда").get() == alias


def test_a_section_name_in_another_case_is_a_form_error(editor_client):
    SectionFactory(name="Новини")
    response = editor_client.post(
        desk.admin_url(Section, "add"), {"name": "НОВИНИ", "slug": "novyny", "order": 0, "description": ""}
    )
    assert response.status_code == 200
    assert "Another section is already called" in response.content.decode()


def test_the_importer_sees_case_and_normal_form_as_the_same_headline(tmp_path):
    first = tmp_path / "a.txt"
    first.write_text("Зустріч у Женеві\nDek.\nBody.\n- Новини\n", encoding="utf-8")
    services.import_articles([first])
    second = tmp_path / "b.txt"
    second.write_text(unicodedata.normalize("NFD", "ЗУСТРІЧ У ЖЕНЕВІ\nDek.\nBody.\n- НОВИНИ\n"), encoding="utf-8")
    result = services.import_articles([second])
    assert result.skipped and Article.objects.count() == 1 and Section.objects.count() == 1


# --- Control characters and daylight saving ---


@pytest.mark.parametrize("field,value", [("headline", "Bell\x07"), ("dek", "Tab\tok but \x0bnot")])
def test_control_characters_in_desk_text_are_a_form_error(editor_client, field, value):
    article = ArticleFactory()
    response = editor_client.post(desk.admin_url(article, "change"), desk.article_form_data(article, **{field: value}))
    assert response.status_code == 200
    assert "control characters" in str(response.context["adminform"].form.errors[field])


def test_control_characters_in_other_desk_forms_are_a_form_error(editor_client):
    response = editor_client.post(desk.admin_url(Tag, "add"), {"name": "NATO\x07", "slug": "nato"})
    assert "control characters" in response.content.decode()
    response = editor_client.post(
        desk.admin_url(Source, "add"),
        {
            "name": "Reu\x1bters",
            "slug": "reuters",
            "kind": "agency",
            "aliases-TOTAL_FORMS": 0,
            "aliases-INITIAL_FORMS": 0,
        },
    )
    assert "control characters" in response.content.decode()
    assert not Tag.objects.exists() and not Source.objects.exists()


@pytest.fixture
def kyiv(settings):
    settings.TIME_ZONE = "Europe/Kyiv"


@pytest.mark.parametrize(
    "when,says", [("2027-03-28 03:30:00", "does not exist"), ("2027-10-31 03:30:00", "happens twice")]
)
def test_a_publication_time_skipped_or_repeated_by_the_clocks_is_refused_by_name(editor_client, kyiv, when, says):
    article = ArticleFactory(draft=True)
    day, time = when.split()
    data = desk.article_form_data(article, status="published", published_at_0=day, published_at_1=time)
    response = editor_client.post(desk.admin_url(article, "change"), data)
    assert response.status_code == 200
    assert says in response.content.decode() and "Europe/Kyiv" in response.content.decode()
    response = editor_client.post(
        desk.admin_url(Article, "changelist"),
        {"action": "schedule", "_selected_action": [article.pk], "when": when.replace(" ", "T")[:16]},
        follow=True,
    )
    assert says in response.content.decode()
    assert "in the future" not in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_an_ordinary_local_time_is_scheduled(editor_client, kyiv):
    article = ArticleFactory(draft=True)
    editor_client.post(
        desk.admin_url(Article, "changelist"),
        {"action": "schedule", "_selected_action": [article.pk], "when": "2099-07-01T09:00"},
    )
    article.refresh_from_db()
    assert article.published_at == datetime.datetime(2099, 7, 1, 6, 0, tzinfo=datetime.UTC)


def test_the_desk_finds_tags_and_sources_typed_in_another_case_in_any_script(editor_client):
    Tag.objects.create(name="Україна")
    SourceFactory(name="Європейська правда")
    response = editor_client.get(desk.admin_url(Tag, "changelist"), {"q": "УКРАЇНА"})
    assert "Україна" in response.content.decode()
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "taggedarticle", "field_name": "tag", "term": "україн"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Україна"]
    response = editor_client.get(desk.admin_url(Source, "changelist"), {"q": "ЄВРОПЕЙСЬКА"})
    assert "Європейська правда" in response.content.decode()


@pytest.mark.parametrize("script", HEADLINES)
def test_a_slug_left_blank_on_the_desk_is_made_by_the_server_with_its_marks(editor_client, script):
    """The admin's JavaScript slug maker drops combining marks, so the desk leaves slugs to the server."""
    name = HEADLINES[script][:60]
    response = editor_client.get(desk.admin_url(Section, "add"))
    assert 'data-prepopulated-fields="[]"' in response.content.decode()
    editor_client.post(desk.admin_url(Section, "add"), {"name": name, "slug": "", "order": 0, "description": ""})
    assert Section.objects.get(name=name).slug == slugify(name)


def test_the_tag_actions_refuse_control_characters(editor_client):
    article = ArticleFactory()
    response = editor_client.post(
        desk.admin_url(Article, "changelist"),
        {"action": "add_tag", "_selected_action": [article.pk], "tag": "NATO\x07"},
        follow=True,
    )
    assert "control characters (U+0007)" in response.content.decode()
    assert not Tag.objects.exists()


def test_a_tag_added_or_cleared_on_the_desk_gets_its_slug_from_the_server(editor_client):
    editor_client.post(desk.admin_url(Tag, "add"), {"name": "हिंदी समाचार", "slug": ""})
    tag = Tag.objects.get()
    assert tag.slug == "हिंदी-समाचार"
    editor_client.post(desk.admin_url(tag, "change"), {"name": "हिंदी समाचार", "slug": ""})
    tag.refresh_from_db()
    assert tag.slug == "हिंदी-समाचार"


def test_a_thai_slug_keeps_sara_am_as_typed(client):
    """Regression: NFKC split ำ (U+0E33) into ํ + า, so the slug was not the word readers type or paste."""
    assert slugify("น้ำท่วม") == "น้ำท่วม"
    assert slugify("ນ້ຳ") == "ນ້ຳ"  # Lao AM too
    article = ArticleFactory(headline="เตรียมรับมือน้ำท่วมใหญ่")
    assert client.get("/articles/" + quote("เตรียมรับมือน้ำท่วมใหญ่") + "/").status_code == 200
    assert article.slug == "เตรียมรับมือน้ำท่วมใหญ่"

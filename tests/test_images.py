"""The picture library: uploads checked by content, EXIF removed, renditions in the sizes and formats pages need."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from images.models import Image
from images.renditions import LAYOUTS, card_image, picture
from tests import desk
from tests.factories import ArticleFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def editor_client(client):
    client.force_login(desk.editor())
    return client


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_with_gps(size=(80, 40), orientation=None):
    exif = PILImage.Exif()
    exif[0x010F] = "CameraMaker"
    exif[GPS_IFD] = {1: "N", 2: (50.0, 27.0, 1.5), 3: "E", 4: (30.0, 31.0, 2.5)}
    if orientation:
        exif[ORIENTATION] = orientation
    return image_bytes(size, "red", "JPEG", exif=exif.tobytes())


def stored(image):
    return PILImage.open(default_storage.open(image.file.name))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<?php system($_GET['c']); ?>", "photo.jpg"),
        (b"%PDF-1.4 not a picture", "scan.png"),
        (image_bytes()[:40], "truncated.png"),
        (b"", "empty.jpg"),
    ],
)
def test_only_real_images_are_accepted_whatever_their_name(editor_client, data, name):
    response = editor_client.post(
        desk.admin_url(Image, "add"), {"file": upload(data, name), "alt_text": "A photo", "focal_x": 50, "focal_y": 50}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert response.context["adminform"].form["alt_text"].value() == "A photo"  # the input is kept
    assert not Image.objects.exists()


def test_a_disguised_file_is_refused_by_the_model_too():
    image = Image(file=upload(b"GIF89a but not really", "fake.gif"), alt_text="x")
    with pytest.raises(ValidationError) as error:
        image.full_clean()
    assert "is not an image (its content was checked, not its name)" in str(error.value)


def test_too_many_bytes_or_pixels_are_refused_with_the_limit(settings):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 1_000
    big = Image(file=upload(image_bytes((400, 400), "white", "BMP"), "big.bmp"), alt_text="x")
    with pytest.raises(ValidationError, match=r"“big.bmp” is 0.5 MB; the limit is 0.0 MB"):
        big.full_clean()
    settings.NEWSROOM_IMAGE_MAX_BYTES = 10_000_000
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 1_000
    wide = Image(file=upload(image_bytes((100, 20)), "wide.png"), alt_text="x")
    with pytest.raises(ValidationError, match=r"100 × 20 pixels; the limit is 0.001 megapixels"):
        wide.full_clean()


def test_a_decompression_bomb_is_refused_as_too_many_pixels_not_as_a_broken_file():
    """A 15,000 x 15,000 one-bit PNG is about 30 kB; Pillow refuses to open anything over twice its own
    MAX_IMAGE_PIXELS (about 179 megapixels) before our limit is read, which used to say "not an image"."""
    buffer = io.BytesIO()
    PILImage.new("1", (15_000, 15_000)).save(buffer, "PNG", optimize=True)
    bomb = Image(file=upload(buffer.getvalue(), "bomb.png"), alt_text="x")
    with pytest.raises(ValidationError, match=r"“bomb.png” has more than 178 megapixels; the limit is 50 megapixels"):
        bomb.full_clean()


def test_a_format_browsers_cannot_show_is_refused():
    tiff = Image(file=upload(image_bytes(image_format="TIFF"), "scan.tif"), alt_text="x")
    with pytest.raises(ValidationError, match="is a TIFF image; upload JPEG, PNG, WebP, GIF or AVIF"):
        tiff.full_clean()


def test_location_and_camera_data_are_stripped_and_the_rotation_applied(editor_client):
    data = jpeg_with_gps((80, 40), orientation=6)  # 6: the camera was turned; show it rotated 90°
    with PILImage.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(GPS_IFD)
    response = editor_client.post(
        desk.admin_url(Image, "add"),
        {
            "file": upload(data),
            "alt_text": "Crowd",
            "caption": "Kyiv",
            "credit": "Jane Doe",
            "focal_x": 30,
            "focal_y": 60,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    with stored(image) as saved:
        assert saved.format == "JPEG"
        assert not saved.getexif().get_ifd(GPS_IFD)
        assert len(saved.getexif()) == 0
        assert "exif" not in saved.info
        assert saved.size == (40, 80)
    assert (image.width, image.height) == (40, 80)
    assert image.uploaded_by.username == "editor"


def test_focal_point_is_in_percent(editor_client):
    response = editor_client.post(
        desk.admin_url(Image, "add"),
        {"file": upload(image_bytes(), "a.png"), "alt_text": "A", "focal_x": 101, "focal_y": 50},
    )
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    assert not Image.objects.exists()


def test_the_library_is_searched_by_caption_or_credit(editor_client):
    ImageFactory(caption="Pylons at dusk", credit="Jane Doe / Reuters")
    ImageFactory(caption="A harbour", credit="Ivan Petrenko / Ukrinform")
    url = desk.admin_url(Image, "changelist")
    assert editor_client.get(url, {"q": "pylons"}).context["cl"].result_count == 1
    assert editor_client.get(url, {"q": "ukrinform"}).context["cl"].result_count == 1
    assert editor_client.get(url, {"q": "nothing"}).context["cl"].result_count == 0


def test_a_picture_offers_avif_webp_and_jpeg_in_every_width_that_fits():
    image = ImageFactory(file=ContentFile(image_bytes((1000, 800)), name="wide.png"), alt_text='Pylons "at" dusk')
    html = picture(image, "card")
    assert html.startswith("<picture>") and html.endswith("</picture>")
    types = re.findall(r'<source type="([^"]+)"', html)
    assert types == ["image/avif", "image/webp"]
    assert f'sizes="{LAYOUTS["card"].sizes}"' in html
    # 320, 480 and 640 wide at 3:2; the <img> is the widest JPEG with its real size, loaded lazily.
    for width in (320, 480, 640):
        assert html.count(f" {width}w") == 3
    assert 'width="640" height="427" alt="Pylons &quot;at&quot; dusk" loading="lazy"' in html
    urls = set(re.findall(r"(/media/[^\s\",]+)", html))
    assert len(urls) == 9  # 3 widths x 3 formats, all made and stored
    formats = set()
    for url in urls:
        with default_storage.open(url.removeprefix("/media/")) as handle, PILImage.open(handle) as made:
            formats.add(made.format)
            assert made.width in (320, 480, 640)
            assert abs(made.width / made.height - 1.5) < 0.01
    assert formats == {"AVIF", "WEBP", "JPEG"}


def test_renditions_are_never_wider_than_the_original_and_the_first_image_loads_at_once():
    image = ImageFactory(file=ContentFile(image_bytes((400, 300)), name="small.png"))
    html = picture(image, "story", eager=True)
    assert " 480w" not in html and " 400w" in html
    assert 'width="400" height="300"' in html
    assert 'fetchpriority="high"' in html and "loading=" not in html


@pytest.mark.parametrize(("focal_x", "colour"), [(0, (255, 0, 0)), (100, (0, 0, 255))])
def test_crops_keep_the_focal_point(focal_x, colour):
    source = PILImage.new("RGB", (1600, 400), "red")
    source.paste((0, 0, 255), (800, 0, 1600, 400))
    buffer = io.BytesIO()
    source.save(buffer, "PNG")
    image = ImageFactory(file=ContentFile(buffer.getvalue(), name="halves.png"), focal_x=focal_x)
    url = re.search(r'<img src="/media/([^"]+)"', picture(image, "card")).group(1)
    with default_storage.open(url) as handle, PILImage.open(handle) as crop:
        # 3:2 of a 400 px high picture is 600 x 400: cut from the original, not scaled up to 640 x 427.
        assert crop.size == (600, 400)
        middle = crop.convert("RGB").getpixel((300, 200))
    assert all(abs(a - b) < 40 for a, b in zip(middle, colour, strict=True))


def test_a_missing_file_shows_no_picture_and_never_breaks_the_page(client):
    image = ImageFactory()
    default_storage.delete(image.file.name)
    article = ArticleFactory(featured_image=image)
    assert picture(image, "card") == ""
    assert card_image(image) == ""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "<picture>" not in response.content.decode()
    assert client.get("/").status_code == 200


def test_the_social_card_is_a_jpeg_of_1200_by_630():
    image = ImageFactory(file=ContentFile(image_bytes((2400, 1600)), name="big.png"))
    url = card_image(image)
    with default_storage.open(url.removeprefix("/media/")) as handle, PILImage.open(handle) as card:
        assert (card.format, card.size) == ("JPEG", (1200, 630))


def test_an_image_used_by_an_article_cannot_be_deleted_from_under_it():
    from django.db.models import ProtectedError

    article = ArticleFactory(pictured=True)
    with pytest.raises(ProtectedError):
        article.featured_image.delete()


def test_pictures_are_served_with_debug_off_and_renditions_cached_for_good(client, settings):
    settings.DEBUG = False
    image = ImageFactory(file=ContentFile(image_bytes((700, 500)), name="served.png"))
    original = client.get(image.file.url)
    assert original.status_code == 200 and original["Content-Type"] == "image/png"
    assert original["Cache-Control"] == "public, max-age=86400"
    rendition = client.get(re.search(r'<img src="([^"]+)"', picture(image, "card")).group(1))
    assert rendition.status_code == 200 and rendition["Content-Type"] == "image/jpeg"
    assert rendition["Cache-Control"] == "public, max-age=31536000, immutable"
    for bad in ("/media/../newsroom/settings.py", "/media/%2e%2e/manage.py", "/media/nothing.png"):
        assert client.get(bad).status_code in (400, 404), bad
    assert client.post(image.file.url).status_code == 405


def rendition_files():
    root = default_storage.path("CACHE")
    import os

    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)


def test_an_upload_makes_every_rendition_so_no_reader_waits(django_capture_on_commit_callbacks, settings):
    settings.NEWSROOM_RENDITIONS_ON_UPLOAD = True
    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(file=ContentFile(image_bytes((700, 500)), name="fresh.png"))
    made = rendition_files()
    # lead 480; card 320, 480, 640; thumb 160, 320; story 480, 700: 8 sizes x 3 formats, and the social card.
    assert len(made) == 8 * 3 + 1
    assert picture(image, "card").count("/media/CACHE/") == 9 + 1  # three srcsets of three, and the src


def test_make_renditions_fills_in_images_that_have_none(capsys):
    from django.core.management import call_command

    image = ImageFactory(file=ContentFile(image_bytes((200, 100)), name="old.png"))
    broken = ImageFactory()
    default_storage.delete(broken.file.name)
    assert rendition_files() == []
    call_command("make_renditions")
    out, err = capsys.readouterr()
    assert f"{image.file.name}: ok" in out and f"{broken.file.name}: cannot be read" in out
    assert f"1 image(s) could not be read: {broken.pk}" in err
    assert len(rendition_files()) > 5


def test_a_library_picture_in_the_body_is_served_responsively_with_the_editors_alt(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # the page itself is rendered each time: its queries are counted
    image = ImageFactory(file=ContentFile(image_bytes((1000, 600)), name="inline.png"), alt_text="Library alt")
    body = (
        f'<p>Before.</p><figure><img src="{image.file.url}" alt="The river &amp; the bridge">'
        "<figcaption>The bridge. Jane Doe</figcaption></figure>"
        '<figure><img src="https://cdn.example.org/chart.png" alt="A chart"></figure>'
    )
    article = ArticleFactory(body=body)
    plain = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html.split("<figure>")[1]
    assert figure.startswith('<picture><source type="image/avif"')
    assert 'width="1000" height="600" alt="The river &amp; the bridge" loading="lazy"' in figure
    assert "<figcaption>The bridge. Jane Doe</figcaption>" in figure
    assert 'src="https://cdn.example.org/chart.png"' in html  # not ours: left as it is
    # One query finds every library picture of the body; a body without any makes none.
    with CaptureQueriesContext(connection) as with_pictures:
        client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as without:
        client.get(plain.get_absolute_url())
    assert len(with_pictures) == len(without) + 1


@pytest.mark.parametrize("img_alt", [' alt=""', ' alt="   "'])
def test_a_library_picture_in_the_body_without_alt_text_takes_the_librarys(client, img_alt):
    """The library requires alt text; an editor who pastes the picture's address with an empty alt (or blanks)
    should not make it silent for screen-reader users. (An <img> with no alt at all is dropped by the sanitizer.)"""
    image = ImageFactory(file=ContentFile(image_bytes((1000, 600)), name="inline.png"), alt_text="Library alt")
    article = ArticleFactory(body=f'<p>Before.</p><figure><img src="{image.file.url}"{img_alt}></figure>')
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html.split("<figure>")[1]
    assert figure.startswith("<picture>")
    assert 'alt="Library alt"' in figure


def test_a_reporter_changes_only_their_own_pictures_that_no_published_story_shows(client):
    reporter, editor = desk.reporter(), desk.editor()
    editors = ImageFactory(uploaded_by=editor, alt_text="Editor's alt")
    featured = ImageFactory(uploaded_by=reporter, alt_text="Featured alt")
    ArticleFactory(featured_image=featured)  # published
    in_body = ImageFactory(uploaded_by=reporter, alt_text="Body alt")
    ArticleFactory(body=f'<figure><img src="{in_body.file.url}" alt="x"></figure>')
    own = ImageFactory(uploaded_by=reporter, alt_text="Own alt")
    ArticleFactory(draft=True, created_by=reporter, featured_image=own)
    client.force_login(reporter)
    for image in (editors, featured, in_body, own):
        data = {"alt_text": "Swapped by a reporter", "caption": "", "credit": "", "focal_x": 50, "focal_y": 50}
        client.post(desk.admin_url(image, "change"), data)
    assert Image.objects.get(pk=editors.pk).alt_text == "Editor's alt"
    assert Image.objects.get(pk=featured.pk).alt_text == "Featured alt"
    assert Image.objects.get(pk=in_body.pk).alt_text == "Body alt"
    assert Image.objects.get(pk=own.pk).alt_text == "Swapped by a reporter"
    client.force_login(editor)
    client.post(
        desk.admin_url(featured, "change"),
        {"alt_text": "Fixed by the editor", "caption": "", "credit": "", "focal_x": 50, "focal_y": 50},
    )
    assert Image.objects.get(pk=featured.pk).alt_text == "Fixed by the editor"


def test_a_long_thin_strip_is_cropped_before_it_is_resized_so_no_rendition_blows_up_in_memory(monkeypatch):
    """A 3000 x 4 pixel strip (a few hundred bytes) filled to 16:9 at 1200 px used to be scaled to 506,250 x 675
    pixels first (ResizeToFill covers, then crops): a 20,000 x 2 upload would ask for gigabytes. Every resize now
    works on the crop, so no intermediate picture is bigger than the rendition it makes."""
    image = ImageFactory(file=ContentFile(image_bytes((3000, 4)), name="strip.png"))
    largest = []
    original_resize = PILImage.Image.resize

    def resize(self, size, *args, **kwargs):
        largest.append(size[0] * size[1])
        return original_resize(self, size, *args, **kwargs)

    monkeypatch.setattr(PILImage.Image, "resize", resize)
    html = picture(image, "lead")
    assert html
    # The crop is 7 x 4 pixels at 16:9: renditions are never wider than what the crop holds.
    assert re.search(r'width="(\d+)" height="(\d+)"', html).groups() == ("7", "4")
    assert largest and max(largest) <= 7 * 4


def test_a_16_bit_greyscale_png_keeps_its_tones_in_the_renditions():
    """Pillow reads a 16-bit grey PNG as mode I;16 (0-65535); converting that straight to RGB clips every tone
    above 255 to white, so a mid-grey picture was served as a white box."""
    buffer = io.BytesIO()
    PILImage.new("I;16", (1400, 1000), 40000).save(buffer, "PNG")
    image = ImageFactory(file=ContentFile(buffer.getvalue(), name="scan.png"))
    url = re.search(r'<img src="/media/([^"]+)"', picture(image, "card")).group(1)
    with default_storage.open(url) as handle, PILImage.open(handle) as made:
        grey = made.convert("L").getpixel((made.width // 2, made.height // 2))
    assert abs(grey - 156) < 8, grey


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_a_big_picture_is_reduced_cheaply_before_each_small_rendition(monkeypatch, image_format):
    """Every rendition opens the original again: a 50-megapixel photo decoded in full ~46 times made an upload
    take about a minute (over gunicorn's 30 s timeout). JPEG can decode at 1/2, 1/4 or 1/8 of its size, as
    Pillow's thumbnail() does; other formats are box-reduced by a whole factor (Image.reduce) after decoding.
    Each rendition is then resampled from at most about twice (< 4 times) its width."""
    image = ImageFactory(file=ContentFile(image_bytes((4000, 3000), "navy", image_format), name="big.img"))
    resized = []
    original_resize = PILImage.Image.resize

    def resize(self, size, *args, **kwargs):
        resized.append((self.width, size[0]))
        return original_resize(self, size, *args, **kwargs)

    monkeypatch.setattr(PILImage.Image, "resize", resize)
    assert picture(image, "card") and picture(image, "thumb")
    assert {target for _, target in resized} >= {160, 320, 480, 640}
    assert all(source < 4 * target for source, target in resized), resized


@pytest.mark.django_db
@pytest.mark.parametrize("alt", ["   ", "\u00a0\t\n", ""])
def test_blank_alt_text_is_refused_from_any_door(alt):
    """The desk's form strips alt text; the shell, an import or a fixture must not store spaces either."""
    from django.db import IntegrityError, transaction

    from tests.factories import ImageFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        ImageFactory(alt_text=alt)


@pytest.mark.django_db
def test_picture_texts_are_stored_trimmed_and_in_nfc():
    from tests.factories import ImageFactory

    image = ImageFactory(alt_text="  Cafe\u0301 terrace ", caption=" A caption. ", credit=" Jane ")
    image.refresh_from_db()
    assert (image.alt_text, image.caption, image.credit) == ("Café terrace", "A caption.", "Jane")

"""The main image uploaded in the admin: checked, stored through the storage API with a
thumbnail, and its URL made the article's ``image_url``; anything else is a form error."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import images, services
from articles.models import Article
from tests.test_admin_editing import ADD, article_form

pytestmark = pytest.mark.django_db


def picture(kind: str = "PNG", size: tuple[int, int] = (1200, 800), name: str = "Glacier.png"):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format=kind)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    settings.ALLOWED_HOSTS = ["news.example.org"]
    return tmp_path / "media"


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """The add form posted; what the transaction would do on commit, done."""

    def posting(client, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(ADD, data, HTTP_HOST="news.example.org")

    return posting


def test_an_uploaded_image_becomes_the_articles_image_with_a_thumbnail(
    admin_client_logged_in, post
):
    data = article_form(
        image_file=picture(), image_caption="Le glacier d'Aletsch", image_credit="AFP",
        image_alt="A glacier between two mountains",
    )  # fmt: skip
    response = post(admin_client_logged_in, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.image_url.startswith("http://news.example.org/media/articles/")
    assert article.image_url.endswith(".png") and "/glacier-" in article.image_url
    name = article.image_url.removeprefix("http://news.example.org/media/")
    assert default_storage.exists(name)
    with default_storage.open(images.thumbnail_name(name)) as stored, Image.open(stored) as thumb:
        assert thumb.format == "WEBP" and max(thumb.size) == 480
    assert (article.image_caption, article.image_credit) == ("Le glacier d'Aletsch", "AFP")
    assert article.image_alt == "A glacier between two mountains"
    # The change page shows the thumbnail.
    change = reverse("admin:articles_article_change", args=[article.pk])
    page = admin_client_logged_in.get(change, HTTP_HOST="news.example.org").content.decode()
    assert images.thumbnail_url(article.image_url) in page
    assert images.thumbnail_url(article.image_url).endswith(".png.thumb.webp")


def test_images_go_to_the_storage_the_settings_name(admin_client_logged_in, settings, post):
    settings.MEDIA_URL = "https://cdn.example.org/media/"
    assert post(admin_client_logged_in, article_form(image_file=picture())).status_code == 302
    url = Article.objects.get().image_url
    assert url.startswith("https://cdn.example.org/media/articles/")
    assert images.thumbnail_url(url) == url + images.THUMBNAIL_SUFFIX
    assert images.thumbnail_url("https://elsewhere.example.com/a.jpg") is None


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>"), "Upload a JPEG, PNG"),
        (picture("BMP", name="x.bmp"), "This one is BMP"),
        (picture(size=(3000, 3000)), "at most 4,000,000 are taken"),
    ],
)
def test_anything_but_a_small_enough_image_is_a_form_error(
    admin_client_logged_in, settings, media, upload, message, post
):
    settings.IMAGE_MAX_PIXELS = 4_000_000
    response = post(admin_client_logged_in, article_form(image_file=upload))
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["image_file"][0]
    assert not Article.objects.exists() and not media.exists()


def test_a_save_that_fails_after_the_image_was_taken_leaves_no_file(
    admin_client_logged_in, media, post, monkeypatch
):
    def refused(*args, **kwargs):
        raise RuntimeError("the relations could not be written")

    monkeypatch.setattr(services, "article_admin_write", refused)
    with pytest.raises(RuntimeError):
        post(admin_client_logged_in, article_form(image_file=picture()))
    assert not Article.objects.exists() and not media.exists()


def test_a_file_over_the_size_limit_is_a_form_error(admin_client_logged_in, settings, post):
    settings.IMAGE_MAX_BYTES = 1000
    response = post(admin_client_logged_in, article_form(image_file=picture()))
    assert "an image may have 1 KB" in response.context["adminform"].form.errors["image_file"][0]
    assert not Article.objects.exists()


def test_the_preview_shows_an_image_just_chosen_without_storing_it(admin_client_logged_in, media):
    preview = reverse("admin:articles_article_preview")
    data = article_form(image_file=picture(), image_alt="A glacier")
    page = admin_client_logged_in.post(preview, data, HTTP_HOST="news.example.org").content.decode()
    assert '<img src="data:image/webp;base64,' in page and 'alt="A glacier"' in page
    assert not media.exists() and not Article.objects.exists()

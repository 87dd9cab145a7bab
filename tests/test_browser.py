"""A real browser (Debian's Chromium, driven by Playwright) against a real server.

The Swagger UI and ReDoc must work offline: every request the pages make goes to our server.
Editors log in to the admin and see the articles.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.db import connections

from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

if not CHROMIUM:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium for the browser tests: `make test` installs it.")
    pytest.skip("no Chromium here (make test installs it as root)", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


@pytest.fixture
def browser_page(live_server):
    """A page whose every request is recorded; requests off this server are aborted."""
    requests: list[str] = []
    with sync_playwright() as playwright:
        # Playwright's sync API switches greenlets in this thread, and the test's code then
        # runs in the context of the first browser test: Django finds the connection that
        # test opened, which a later test's end_other_sessions may have ended. Start from a
        # fresh connection, and leave none open (the test database is dropped at the end).
        connections.close_all()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()

        def route(route):
            requests.append(route.request.url)
            if route.request.url.startswith(live_server.url):
                route.continue_()
            else:
                route.abort()

        page.route("**/*", route)
        page.requests = requests
        yield page
        browser.close()
        connections.close_all()


@pytest.fixture
def content(transactional_db):
    ArticleFactory(title="Les glaciers fondent", tags=["Climat"], language="fr")
    return UserFactory(username="editor-in-chief", is_staff=True, is_superuser=True)


def test_swagger_ui_renders_every_resource_offline(live_server, content, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("List and search articles").first.wait_for(timeout=15000)
    for tag in ("articles", "authors", "tags", "sources", "quotes", "search", "auth"):
        assert page.locator(f"#operations-tag-{tag}").count() == 1, tag
    assert all(url.startswith(live_server.url) for url in page.requests), page.requests


def test_swagger_ui_try_it_out_calls_the_api(live_server, content, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/api/docs/")
    operation = page.locator("#operations-articles-articles_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table .response-col_description .highlight-code")
    live.first.wait_for(timeout=15000)
    assert "Les glaciers fondent" in live.first.inner_text()


# ReDoc's "API docs by Redocly" footer asks for its logo and hides it when that fails: the one
# request off our server, cosmetic, and not configurable in ReDoc.
def test_redoc_renders_offline(live_server, content, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/api/redoc/")
    page.locator("h1", has_text="newsapi").first.wait_for(timeout=15000)
    page.get_by_text("Create (or re-import) an article").first.wait_for(state="attached")
    elsewhere = [u for u in page.requests if not u.startswith(live_server.url)]
    assert elsewhere == [], elsewhere  # Redocly's logo too is served from here


def test_an_editor_logs_in_to_the_admin_and_finds_the_articles(live_server, editor_logged_in):
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/article/")
    assert page.get_by_text("Les glaciers fondent").count() == 1
    assert "Climat" in page.content()


@pytest.fixture(autouse=True)
def _database_calls_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test's thread; the test's own
    database calls (creating articles) are still synchronous."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def editor_logged_in(live_server, content, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor-in-chief")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def changelist_titles(page) -> list[str]:
    return [
        title.strip()
        for title in page.locator("#result_list th.field-short_title").all_inner_texts()
    ]


def test_the_admin_search_finds_an_article_by_its_author_without_accents(
    live_server, editor_logged_in
):
    ArticleFactory(title="Vendanges précoces", authors=["Élodie Mârtin"], language="fr")
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.fill("#searchbar", "elodie martin")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**/?q=*")
    assert changelist_titles(page) == ["Vendanges précoces"]


def test_the_admin_filters_narrow_the_list(live_server, editor_logged_in):
    ArticleFactory(title="Budget voté", tags=["Politique"], authors=["Ann Lee"], language="fr")
    ArticleFactory(title="Match nul", tags=["Sport"], authors=["Bob Ray"], language="fr")
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/article/")
    assert len(changelist_titles(page)) == 3
    page.locator("details[data-filter-title='tag'] a", has_text="Sport").click()
    page.wait_for_url("**tag=sport*")
    assert changelist_titles(page) == ["Match nul"]
    page.goto(f"{live_server.url}/admin/articles/article/?language=fr")
    box = page.locator("details[data-filter-title='author'] input[type=search]")
    box.fill("ann lee")
    box.press("Enter")
    page.wait_for_url("**author=*")
    assert changelist_titles(page) == ["Budget voté"]


def test_the_admin_preview_renders_the_sanitised_body(live_server, editor_logged_in):
    article = ArticleFactory(
        title="Aperçu", body="<p>Texte <em>important</em>.</p><script>alert(1)</script>",
        quotes=[{"source": "Paul Martin", "text": "Voilà."}],
    )  # fmt: skip
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/preview/")
    body = page.locator("article.article-preview .body")
    assert body.locator("em").inner_text() == "important"
    assert body.locator("script").count() == 0 and "alert" not in body.inner_html()
    assert "Paul Martin" in page.content()


def test_a_hostile_body_never_runs_in_the_admin_preview(live_server, editor_logged_in):
    from articles.models import Article

    hostile = "Hello <img src=x onerror=\"document.title='XSS'\" and more words"
    stored = ArticleFactory(title="Hostile", body=hostile)
    legacy = ArticleFactory(title="Legacy")
    Article.objects.filter(pk=legacy.pk).update(body=hostile)  # stored before the rule
    page = editor_logged_in
    for article in (stored, legacy):
        page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/preview/")
        page.wait_for_load_state("load")
        assert page.title() != "XSS" and page.locator(".body img").count() == 0


def test_the_admin_body_editor_works_offline(live_server, editor_logged_in):
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator(".prose-editor").first.wait_for(timeout=15000)
    assert all(url.startswith(live_server.url) for url in page.requests), page.requests


def test_saving_an_invalid_name_in_the_admin_shows_a_form_error(live_server, editor_logged_in):
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/tag/add/")
    page.fill("#id_name", "!!!")
    page.click("input[name=_save]")
    page.locator(".errornote").wait_for()
    assert "is not a usable name" in page.content()


# --- the article form's editing aids (articles/admin/widgets.py, static/articles/admin/) ----


def type_body(page, text: str) -> None:
    page.locator(".prose-editor .ProseMirror[contenteditable]").click()
    page.keyboard.type(text)


def start_an_article(page, live_server, title: str, body: str) -> None:
    """The add page with a title, a body and the language French."""
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_title", title)
    type_body(page, body)
    page.select_option("#id_language", "fr")


def test_a_tag_and_an_author_are_created_by_typing_them(live_server, editor_logged_in):
    from articles.models import Article, Tag

    page = editor_logged_in  # (the content fixture stored the tag Climat)
    start_an_article(page, live_server, "Les glaciers reculent", "Les glaciers reculent vite.")
    # A stored name is offered as it is; a new one, to be created.
    for box, name, offer in (
        (".field-tags", "Corée du Nord", "Create “Corée du Nord”"),
        (".field-tags", "Climat", "Climat"),
        ("#bylines-0", "Élodie Martin", "Create “Élodie Martin”"),
    ):
        page.locator(f"{box} .select2-selection").click()
        page.locator(".select2-container--open .select2-search__field").fill(name)
        options = page.locator(".select2-results__option")
        options.filter(has_text=offer).first.wait_for()
        options.filter(has_text=offer).first.click()
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")
    article = Article.objects.get(title="Les glaciers reculent")
    assert sorted(article.tags.values_list("name", flat=True)) == ["Climat", "Corée du Nord"]
    assert Tag.objects.count() == 2
    assert [byline.author.name for byline in article.bylines.all()] == ["Élodie Martin"]


def test_bylines_and_quotes_are_reordered_by_dragging(live_server, editor_logged_in):
    article = ArticleFactory(
        title="Ordre", authors=["Ann Lee", "Bob Ray"],
        quotes=[{"source": "Paul", "text": "Premier."}, {"source": "Zoé", "text": "Second."}],
    )  # fmt: skip
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator("#bylines-1 .drag-handle").drag_to(
        page.locator("#bylines-0"), target_position={"x": 5, "y": 2}
    )
    page.locator("#quotes-1 .drag-handle").drag_to(
        page.locator("#quotes-0 h3"), target_position={"x": 5, "y": 2}
    )
    assert (
        page.locator("#bylines-group tr.form-row:not(.empty-form)").first.get_attribute("id")
        == "bylines-1"
    )
    # The keyboard moves rows too: the handle, then the arrows.
    first_byline = page.locator("#bylines-group tr.form-row:not(.empty-form)").first
    page.locator("#bylines-1 .drag-handle").focus()
    page.keyboard.press("ArrowDown")
    assert first_byline.get_attribute("id") == "bylines-0"
    page.keyboard.press("ArrowUp")
    assert first_byline.get_attribute("id") == "bylines-1"
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    assert [b.author.name for b in article.bylines.all()] == ["Bob Ray", "Ann Lee"]
    assert [q.text for q in article.quotes.all()] == ["Second.", "Premier."]


def test_the_body_counts_its_words_as_they_are_typed(live_server, editor_logged_in):
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    count = page.locator(".field-body .word-count")
    assert count.inner_text() == "0 words"
    type_body(page, "L'armée a reculé de 4 % — vite.")
    page.wait_for_function(
        "document.querySelector('.field-body .word-count').textContent.startsWith('6 words')"
    )
    assert count.inner_text() == "6 words, 1 min read"


def test_the_unsaved_form_is_previewed_in_its_language_and_the_form_kept(
    live_server, editor_logged_in
):
    from articles.models import Article

    page = editor_logged_in
    start_an_article(page, live_server, "Les glaciers reculent", "Le glacier a perdu dix mètres.")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview this version").click()
    preview = opened.value
    preview.wait_for_load_state("load")
    assert preview.locator("article.article-preview h1").inner_text() == "Les glaciers reculent"
    assert "dix mètres" in preview.locator("article.article-preview .body").inner_text()
    assert "Brouillon" in preview.locator(".preview-meta").inner_text()
    back = preview.get_by_role("link", name="Retour au formulaire")
    with preview.expect_event("close"):
        back.click()
    assert page.input_value("#id_title") == "Les glaciers reculent"  # the form as it was
    assert not Article.objects.filter(title="Les glaciers reculent").exists()
    page.press("#id_title", "Enter")  # still saves the article, here
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")
    assert Article.objects.filter(title="Les glaciers reculent").exists()
    assert all(url.startswith(live_server.url) for url in page.requests), page.requests


def test_the_main_image_is_uploaded_with_its_caption_credit_and_alt(
    live_server, editor_logged_in, settings, tmp_path
):
    import io

    from PIL import Image

    from articles.models import Article

    settings.MEDIA_ROOT = tmp_path / "media"
    picture = io.BytesIO()
    Image.new("RGB", (900, 600), (200, 40, 40)).save(picture, format="JPEG")
    page = editor_logged_in
    start_an_article(page, live_server, "Incendie", "Le feu a pris.")
    files = {"name": "feu.jpg", "mimeType": "image/jpeg", "buffer": picture.getvalue()}
    page.set_input_files("#id_image_file", files)
    page.fill("#id_image_caption", "La forêt brûle")
    page.fill("#id_image_credit", "REUTERS")
    page.fill("#id_image_alt", "Flames over pine trees")
    page.click("input[name=_continue]")
    page.locator(".field-current_image img").wait_for()
    article = Article.objects.get(title="Incendie")
    assert article.image_url.startswith(f"{live_server.url}/media/articles/")
    assert article.image_url.endswith(".jpg")
    stored = settings.MEDIA_ROOT / article.image_url.split("/media/", 1)[1]
    assert stored.read_bytes() == picture.getvalue()
    assert (article.image_caption, article.image_credit) == ("La forêt brûle", "REUTERS")
    assert page.locator(".field-current_image img").get_attribute("alt") == "Flames over pine trees"
    # Not an image: a form error, nothing stored.
    page.set_input_files("#id_image_file", {"name": "x.jpg", "mimeType": "image/jpeg",
                                            "buffer": b"<svg onload=alert(1)>"})  # fmt: skip
    page.click("input[name=_continue]")
    page.locator(".errornote").wait_for()
    assert (
        "Upload a JPEG, PNG, WebP or GIF image." in page.locator(".field-image_file").inner_text()
    )


def test_the_editors_menu_draws_its_arrow_without_a_font(live_server, editor_logged_in):
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    selected = page.locator(".prose-menubar__selected").first
    selected.wait_for()
    arrow = selected.evaluate(
        "e => { const s = getComputedStyle(e, '::after');"
        " return [s.content, s.borderTopStyle, s.borderTopWidth]; }"
    )
    assert arrow == ['""', "solid", "5px"]  # a CSS triangle, not the glyph "⏷"

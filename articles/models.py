"""Articles, their authors and tags, and the people and bodies they quote.

Tags, authors and quoted sources are identified by a slug made from their name
(``articles.text.make_slug``), so "Corée du Nord" and "coree du nord" are one tag, and so are
"Russie-Ukraine" with a hyphen and with an en dash; "C++" and "C" are not. The slug is unique.
(Until migration 0005 the folded name was unique too, but PostgreSQL's unaccent spells out
letters and symbols its own way, "©" as "(c)", so two names of different identities clashed.)
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.text import Truncator

from articles.text import is_slug

FOLD_FUNCTION = "newsapi_fold"
EXPIRES_BEFORE_PUBLISHED = "The article must expire after it is published (published_at)."


class Folded(Func):
    """``newsapi_fold(expr)``: the IMMUTABLE, indexable ``lower(unaccent(expr))`` of 0001."""

    function = FOLD_FUNCTION
    output_field = models.TextField()


def validate_slug(value: str) -> None:
    """Slugs keep the letters, marks and digits of every script (Thai vowel signs and tone
    marks, Devanagari vowel signs), which Django's unicode slug pattern refuses."""
    if not is_slug(value):
        raise ValidationError(
            "Use letters, digits and hyphens only, e.g. coree-du-nord.", code="invalid"
        )


WIKIDATA_ID = RegexValidator(
    r"^Q[1-9][0-9]{0,15}$", "A Wikidata id is Q and digits, e.g. Q3874799.", code="invalid"
)


class NamedEntity(models.Model):
    name = models.CharField(max_length=200)
    slug = models.CharField(
        max_length=200,
        unique=True,
        validators=[validate_slug],
        help_text="Made from the name: lower case, accents dropped, e.g. coree-du-nord.",
    )
    wikidata_id = models.CharField(  # null is "none": NULLs do not clash
        "Wikidata id",
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        validators=[WIKIDATA_ID],
        help_text="Its Wikidata item, e.g. Q3874799 (not looked up).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="%(class)s_slug_not_empty"),
        ]
        # Name lookups by any word's prefix (``/tags/?q=`` and the like).
        indexes = [
            GinIndex(OpClass(Folded(F("name")), name="gin_trgm_ops"), name="%(class)s_name_trgm"),
        ]

    def __str__(self) -> str:
        return self.name


class Aliased(models.Model):
    """Other spellings of a name ("Zelenskyy" for "Volodymyr Zelensky"): a write that names
    one gets this entity. Their slugs are unique across the names and aliases of the model
    (``articles.names`` checks it; ``TakenSlug`` holds it under concurrency), so a slug names one
    entity, as a name or an alias."""

    aliases = ArrayField(
        models.CharField(max_length=200),
        default=list,
        db_default=Value([], output_field=ArrayField(models.CharField(max_length=200))),
        blank=True,
        help_text="Other spellings of the name; writes that use one get this entity.",
    )
    # Derived from ``aliases`` at every save (``articles.names``), for look-ups by slug.
    alias_slugs = ArrayField(
        models.CharField(max_length=200),
        default=list,
        db_default=Value([], output_field=ArrayField(models.CharField(max_length=200))),
        blank=True,
        editable=False,
    )

    class Meta:
        abstract = True


class TakenSlug(models.Model):
    """Every slug an author or a source answers to, as its name or one of its aliases: one row
    each, and the primary key lets one slug name one entity of a kind. ``articles.names``
    refuses a taken slug with a message first; this is what holds when two transactions give
    one slug at once (an alias added while a quote creates that name), which that check,
    made before either commits, cannot see. Kept by triggers on the two tables (migration
    0012), in the transaction of whatever writes them; a writer that loses waits for the
    other to commit, then gets an IntegrityError (``services`` answers it)."""

    pk = models.CompositePrimaryKey("kind", "slug")
    kind = models.CharField(max_length=10)  # "author" or "source"
    slug = models.CharField(max_length=200)
    entity_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index("kind", "entity_id", name="takenslug_entity")]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug}"


class Author(Aliased, NamedEntity):
    bio = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta(NamedEntity.Meta):
        indexes = [
            *NamedEntity.Meta.indexes,
            GinIndex(fields=["alias_slugs"], name="author_alias_slugs"),
        ]


class Tag(NamedEntity):
    class Meta(NamedEntity.Meta):
        pass


class QuotedSource(Aliased, NamedEntity):
    """A person or body quoted. An anonymous one ("un haut responsable") belongs to the one
    article that quotes it (``article``), with a slug of its own (``names.anonymous_slug``):
    two articles quoting "a senior official" do not quote one person."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        ANONYMOUS = "anonymous", "Anonymous"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    description = models.CharField(
        max_length=500, blank=True, help_text="Role or affiliation, e.g. 'commander-in-chief'."
    )
    article = models.ForeignKey(
        "Article",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="anonymous_sources",
        help_text="For an anonymous source: the article it belongs to.",
    )

    class Meta(NamedEntity.Meta):
        verbose_name = "quoted source"
        indexes = [
            *NamedEntity.Meta.indexes,
            GinIndex(fields=["alias_slugs"], name="quotedsource_alias_slugs"),
        ]
        constraints = [
            *NamedEntity.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind="anonymous", article__isnull=False)
                | (~Q(kind="anonymous") & Q(article__isnull=True)),
                name="quotedsource_anonymous_in_article",
            ),
        ]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "Waiting for review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=500)
    slug = models.CharField(max_length=255, unique=True, validators=[validate_slug])
    standfirst = models.TextField(blank=True, help_text="The summary shown under the title.")
    body = models.TextField(help_text="Plain text, or HTML that is sanitised on save.")
    language = models.CharField(
        max_length=2,
        validators=[RegexValidator(r"^[a-z]{2}$", "Use a two-letter ISO 639-1 code, e.g. 'fr'.")],
        help_text="ISO 639-1 code; it chooses how the search index stems the article.",
    )
    section = models.CharField(max_length=100, blank=True)
    edition = models.CharField(max_length=100, blank=True, help_text="Edition or country.")
    url = models.URLField(
        max_length=1000, null=True, blank=True, unique=True, help_text="Canonical URL."
    )
    # NULL, not "", is "no image": the API says null, and "" is not a URI.
    image_url = models.URLField(max_length=1000, null=True, blank=True)  # noqa: DJ001
    image_caption = models.CharField(max_length=1000, blank=True)
    image_credit = models.CharField(max_length=300, blank=True)
    # Defaults in the database too: writers that insert rows themselves (bulk) need not know.
    image_alt = models.CharField(
        max_length=1000,
        blank=True,
        default="",
        db_default="",
        help_text="The image described for readers who cannot see it.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When readers first see it: a published article dated in the future is "
        "scheduled.",
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="From this instant on, readers no longer see it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who wrote it first (articles.lifecycle: contributors change their own drafts only).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    # Derived from the body at every save (articles.text.word_count), so that lists need not
    # read bodies to show it.
    word_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles")
    # In the order given: the link rows' ids keep it (``selectors.TAG_ORDER``).
    tags = models.ManyToManyField(Tag, related_name="articles", blank=True)

    class Meta:
        ordering = [F("published_at").desc(nulls_last=True), "-id"]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        indexes = [
            models.Index(
                F("published_at").desc(nulls_last=True), F("id").desc(), name="article_published"
            ),
            models.Index(
                "status",
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                name="article_status_published",
            ),
            models.Index("updated_at", name="article_updated"),
            models.Index("language", name="article_language"),
            models.Index("section", name="article_section"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(expires_at__gt=F("published_at")),
                name="article_expires_after_published",
                violation_error_message=EXPIRES_BEFORE_PUBLISHED,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.expires_at and self.published_at and self.expires_at <= self.published_at:
            raise ValidationError({"expires_at": [EXPIRES_BEFORE_PUBLISHED]})


class Byline(models.Model):
    """An author of an article, in the order the article names them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["article_id", "position", "id"]
        constraints = [
            models.UniqueConstraint("article", "author", name="byline_unique_author"),
        ]

    def __str__(self) -> str:
        return f"{self.author}, author of “{Truncator(self.article.title).chars(50)}”"


class Quotation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    # RESTRICT, not PROTECT: a quoted source is not deleted, unless with the article whose
    # anonymous source it is (both go, with its quotes).
    source = models.ForeignKey(QuotedSource, on_delete=models.RESTRICT, related_name="quotes")
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["article_id", "position", "id"]
        indexes = [
            models.Index("source", "article", name="quotation_source_article"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="quotation_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: “{Truncator(self.text).chars(60)}”"


class SynonymSet(models.Model):
    """Words or phrases a search treats as one (SPEC: Synonyms): a query term in the set
    matches every term of it, in articles of ``language`` or, when it is null, of any."""

    terms = ArrayField(models.CharField(max_length=100), help_text="Two or more words or phrases.")
    language = models.CharField(  # noqa: DJ001 - null is "every language", not ""
        max_length=2,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^[a-z]{2}$", "Use a two-letter ISO 639-1 code, e.g. 'fr'.")],
        help_text="ISO 639-1 code of the articles it applies to; null: every language.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return " = ".join(self.terms)


from articles.duplicates.models import Fingerprint  # noqa: E402, F401  (near-duplicates)
from articles.events.models import (  # noqa: E402, F401  (the events app-within-the-app)
    Event,
    FeedState,
    KnownObject,
    WebhookDelivery,
    WebhookEndpoint,
)
from articles.lifecycle.models import Revision  # noqa: E402, F401  (revisions)
from articles.monitoring.models import (  # noqa: E402, F401  (saved searches)
    PercolationState,
    SavedSearch,
    SavedSearchMatch,
)

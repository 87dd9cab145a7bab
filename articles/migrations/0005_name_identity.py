"""Names get their new identity (articles.text.make_slug): dashes unified, "C++", "C#",
"AT&T" and "1/2" told apart from "C", "ATT" and "12", the marks of Thai or Devanagari kept,
compatibility forms unified. Every slug is made again from its name; names that now share a
slug are merged into the oldest (their articles keep one of them). Control characters and
bidi overrides leave stored names and article text. What changed is logged for the index."""

import articles.models
from django.db import migrations, models

from articles.text import make_slug, normalise_name, strip_controls

# For each kind of name: its change-log kind, the model linking it to articles and that
# model's field, and whether an article may hold it once only (so merging drops duplicates).
NAMES = {
    "Tag": ("t", "Article_tags", "tag", True),
    "Author": ("p", "Byline", "author", True),
    "QuotedSource": ("s", "Quotation", "source", False),
}
LINE_FIELDS = {"Article": ["title", "section", "edition", "image_caption", "image_credit"]}
TEXT_FIELDS = {"Article": ["standfirst", "body"], "Author": ["bio"]}
UNSAFE = "[\x01-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


# Name lookups (``?q=`` on tags, authors, sources) fold compatibility forms as slugs do, so a
# full-width "ABC" finds "ABC": the fold function gains NFKC, and its indexes are rebuilt.
FOLD_NFKC_SQL = """
CREATE OR REPLACE FUNCTION public.newsapi_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(public.unaccent('public.unaccent'::regdictionary, normalize(value, NFKC)))
"""
FOLD_SQL = """
CREATE OR REPLACE FUNCTION public.newsapi_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(public.unaccent('public.unaccent'::regdictionary, value))
"""
REINDEX_SQL = (
    "REINDEX INDEX tag_name_trgm; REINDEX INDEX author_name_trgm; "
    "REINDEX INDEX quotedsource_name_trgm"
)


def record(schema_editor, kind, ids):
    if ids:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO newsapi_search_change (kind, object_id) "
                "SELECT %s, unnest(%s::bigint[])",
                [kind, sorted(ids)],
            )


def reidentify(apps, schema_editor):
    articles = set()
    for model_name, (kind, link_name, field, once) in NAMES.items():
        model = apps.get_model("articles", model_name)
        if link_name == "Article_tags":
            link = apps.get_model("articles", "Article").tags.through
        else:
            link = apps.get_model("articles", link_name)
        keeper, changed, merged = {}, [], {}
        for entity in model.objects.order_by("pk"):
            name, slug = normalise_name(entity.name), make_slug(entity.name)
            if slug in keeper:
                merged[entity.pk] = keeper[slug]
            elif (name, slug) != (entity.name, entity.slug):
                entity.name, entity.slug = name, slug
                changed.append(entity)
                keeper[slug] = entity.pk
            else:
                keeper[slug] = entity.pk
        for old, new in merged.items():
            using = link.objects.filter(**{f"{field}_id": old})
            articles.update(using.values_list("article_id", flat=True))
            if once:
                has_new = link.objects.filter(**{f"{field}_id": new}).values("article_id")
                using.filter(article_id__in=has_new).delete()
            using.update(**{f"{field}_id": new})
        model.objects.filter(pk__in=merged).delete()
        # Through a temporary slug, so that no two rows hold one slug on the way.
        final = {entity.pk: entity.slug for entity in changed}
        for entity in changed:
            entity.slug = f"~{entity.pk}"
        model.objects.bulk_update(changed, ["slug"], batch_size=1000)
        for entity in changed:
            entity.slug = final[entity.pk]
        model.objects.bulk_update(changed, ["name", "slug"], batch_size=1000)
        ids = [entity.pk for entity in changed]
        articles.update(
            link.objects.filter(**{f"{field}_id__in": ids}).values_list("article_id", flat=True)
        )
        record(schema_editor, kind, [*ids, *merged])
    articles.update(strip_unsafe_text(apps))
    record(schema_editor, "a", articles)


def strip_unsafe_text(apps):
    """Ids of the articles whose text lost control characters."""
    cleaned = set()
    for model_name in ("Article", "Author", "QuotedSource"):
        model = apps.get_model("articles", model_name)
        lines = LINE_FIELDS.get(model_name, [])
        texts = TEXT_FIELDS.get(model_name, [])
        if model_name == "QuotedSource":
            lines = ["description"]
        query = models.Q()
        for field in lines + texts:
            query |= models.Q(**{f"{field}__regex": UNSAFE})
        for row in model.objects.filter(query).iterator():
            for field in lines:
                setattr(row, field, strip_controls(getattr(row, field)))
            for field in texts:
                setattr(row, field, strip_controls(getattr(row, field), multiline=True))
            row.save(update_fields=lines + texts)
            if model_name == "Article":
                cleaned.add(row.pk)
    return cleaned


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_throttle_counts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=models.CharField(
                max_length=255, unique=True, validators=[articles.models.validate_slug]
            ),
        ),
        migrations.AlterField(
            model_name="author",
            name="slug",
            field=models.CharField(
                help_text="Made from the name: lower case, accents dropped, e.g. coree-du-nord.",
                max_length=200,
                unique=True,
                validators=[articles.models.validate_slug],
            ),
        ),
        migrations.AlterField(
            model_name="quotedsource",
            name="slug",
            field=models.CharField(
                help_text="Made from the name: lower case, accents dropped, e.g. coree-du-nord.",
                max_length=200,
                unique=True,
                validators=[articles.models.validate_slug],
            ),
        ),
        migrations.AlterField(
            model_name="tag",
            name="slug",
            field=models.CharField(
                help_text="Made from the name: lower case, accents dropped, e.g. coree-du-nord.",
                max_length=200,
                unique=True,
                validators=[articles.models.validate_slug],
            ),
        ),
        *(
            migrations.RemoveConstraint(model_name=model, name=f"{model}_name_folded_unique")
            for model in ("author", "quotedsource", "tag")
        ),
        migrations.RunSQL([FOLD_NFKC_SQL, REINDEX_SQL], [FOLD_SQL, REINDEX_SQL]),
        migrations.RunPython(reidentify, migrations.RunPython.noop),
    ]

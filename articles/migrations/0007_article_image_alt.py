"""Articles get the image's alt text (``image_alt``, written by clients and editors) and their
``word_count``, derived from the body at every save and counted here for the stored ones."""

from django.db import migrations, models

from articles.text import word_count

BATCH = 1_000


def count_words(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    batch = []
    for article in Article.objects.only("id", "body").iterator(chunk_size=BATCH):
        article.word_count = word_count(article.body)
        batch.append(article)
        if len(batch) == BATCH:
            Article.objects.bulk_update(batch, ["word_count"])
            batch = []
    Article.objects.bulk_update(batch, ["word_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_name_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="image_alt",
            field=models.CharField(
                blank=True,
                default="",
                db_default="",
                help_text="The image described for readers who cannot see it.",
                max_length=1000,
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="word_count",
            field=models.PositiveIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.RunPython(count_words, migrations.RunPython.noop, elidable=True),
    ]

"""A new article's first revision keeps no ``changes`` (NULL): they are every field of its
``content``, which the API and the admin show as such (``Revision.field_changes``). Existing
first revisions keep theirs."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_event_data_json'),
    ]

    operations = [
        migrations.AlterField(
            model_name='revision',
            name='changes',
            field=models.JSONField(null=True),
        ),
    ]

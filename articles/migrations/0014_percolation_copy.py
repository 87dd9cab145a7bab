"""Matches written with COPY: no foreign key constraints (percolation locks the rows they
would check), one index per way the table is read."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0013_synonyms_version'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='savedsearchmatch',
            name='savedsearchmatch_once_per_version',
        ),
        migrations.AlterField(
            model_name='savedsearchmatch',
            name='article',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='saved_search_matches', to='articles.article'),
        ),
        migrations.AlterField(
            model_name='savedsearchmatch',
            name='saved_search',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='matches', to='articles.savedsearch'),
        ),
        migrations.AddConstraint(
            model_name='savedsearchmatch',
            constraint=models.UniqueConstraint(models.F('article'), models.F('version'), models.F('saved_search'), name='savedsearchmatch_once_per_version'),
        ),
    ]

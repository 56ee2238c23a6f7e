"""The forum's full-text index on SQLite: an FTS5 table of pre-stemmed words (FTS5 has
no German stemmer). PostgreSQL searches with its 'german' configuration instead and
needs no table."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS exchange_post_fts USING fts5(title, body)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS exchange_post_fts")


class Migration(migrations.Migration):
    dependencies = [("exchange", "0005_forum_participation")]
    operations = [migrations.RunPython(create, drop)]

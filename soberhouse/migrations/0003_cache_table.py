"""The cache (allauth's rate limits among others) lives in PostgreSQL like all other state."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("soberhouse", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.RunSQL(migrations.RunSQL.noop, "DROP TABLE IF EXISTS soberhouse_cache"),
    ]

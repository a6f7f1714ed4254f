"""Phone numbers typed before they were checked, rewritten in E.164 (+14155550123). A number
that does not read as one is left as it was: the next edit of the record asks for it again."""

from django.db import migrations

from soberhouse.phones import normalize_or_keep


def _normalize(model, fields):
    changed = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=2000):
        before = [getattr(row, field) for field in fields]
        for field in fields:
            value = getattr(row, field)
            if value:
                setattr(row, field, normalize_or_keep(value))
        if [getattr(row, field) for field in fields] != before:
            changed.append(row)
    model.objects.bulk_update(changed, fields, batch_size=1000)


def forwards(apps, schema_editor):
    _normalize(apps.get_model("residents", "Resident"), ["phone", "sponsor_phone"])
    _normalize(apps.get_model("residents", "EmergencyContact"), ["phone"])


class Migration(migrations.Migration):
    dependencies = [("residents", "0002_names_one_line")]

    # Going back keeps the numbers in E.164, which the earlier code also accepted.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

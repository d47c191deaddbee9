"""Preload the report types of the seed plans' reporting duties (pcmd.reports.catalogue)."""

from django.db import migrations


def load(apps, schema_editor):
    from pcmd.reports.catalogue import load_types

    load_types(apps.get_model("reports", "ReportType"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

from django.db import migrations

from pcmd.tips.catalogue import DEFAULT_RULES


def seed_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("tips", "DeadlineRule")
    for kind, is_complex, days, working, max_ext, ext_days, warn, basis in DEFAULT_RULES:
        DeadlineRule.objects.get_or_create(
            kind=kind, is_complex=is_complex,
            defaults={"days": days, "working_days": working, "max_extensions": max_ext, "extension_days": ext_days,
                      "warn_days": warn, "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [("tips", "0001_initial")]

    operations = [migrations.RunPython(seed_rules, migrations.RunPython.noop)]

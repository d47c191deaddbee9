from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("aggregates", "0001_cells")]

    operations = [
        migrations.CreateModel(
            name="AsOfDay",
            fields=[
                ("name", models.CharField(max_length=24, primary_key=True, serialize=False)),
                ("day", models.DateField(null=True)),
            ],
            options={"verbose_name": "ngày tính số liệu tổng hợp",
                     "verbose_name_plural": "ngày tính số liệu tổng hợp"},
        ),
    ]

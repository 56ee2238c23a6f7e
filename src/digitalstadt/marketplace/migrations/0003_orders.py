import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0002_import"),
    ]

    operations = [
        migrations.AddField(
            model_name="shoporder",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, default=django.utils.timezone.now,
                                       verbose_name="zuletzt geändert"),
            preserve_default=False,
        ),
    ]

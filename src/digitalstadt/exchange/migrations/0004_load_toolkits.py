"""The four toolkits' first versions (data/toolkits/): content every instance needs, not
demo data, so it comes with `migrate`."""

from django.db import migrations


def load(apps, schema_editor):
    from digitalstadt.exchange.toolkit_data import load_initial_toolkits

    load_initial_toolkits(toolkit_model=apps.get_model("exchange", "Toolkit"),
                          version_model=apps.get_model("exchange", "ToolkitVersion"))


class Migration(migrations.Migration):

    dependencies = [("exchange", "0003_knowledge_toolkits")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

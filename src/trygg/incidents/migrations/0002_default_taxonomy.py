from django.db import migrations


def forwards(apps, schema_editor):
    from trygg.incidents.taxonomy import install_default_taxonomy

    install_default_taxonomy(apps.get_model("incidents", "Category"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnership",
            name="publishes_overview",
            field=models.BooleanField(
                default=False,
                help_text="Översikten (bara sammanställda antal, små antal dolda) märks då TLP:CLEAR i stället för TLP:GREEN.",
                verbose_name="översikten av lägesbilden får publiceras",
            ),
        ),
    ]

"""Publish version 1 of the immediate-needs and pre-release question sets (passport/question_sets.py)."""

from typing import Any

from django.db import migrations


def publish(apps: Any, schema_editor: Any) -> None:
    from throughgate.probation.passport.question_sets import PUBLISHED

    QuestionSet = apps.get_model("probation", "QuestionSet")
    for (kind, version), questions in PUBLISHED.items():
        if version == 1:
            QuestionSet.objects.get_or_create(kind=kind, version=version, defaults={"questions": questions})


class Migration(migrations.Migration):
    dependencies = [("probation", "0001_probation")]
    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]

"""Form rendering that uses the shared components (form-field, field-help, field-errors).

With ``FORM_RENDERER = "kam.ui.forms.FormRenderer"`` in settings, every
``{{ form }}`` and ``{{ form.name.as_field_group }}`` renders with the markup of
``templates/components/field.html``; a template can also include that file for
one field.
"""

from __future__ import annotations

from pathlib import Path

import django.forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.template.backends.django import DjangoTemplates as DjangoTemplatesBackend
from django.utils.functional import cached_property


class FormRenderer(DjangoTemplates):
    form_template_name = "components/form.html"
    field_template_name = "components/field.html"

    @cached_property
    def engine(self) -> DjangoTemplatesBackend:
        # Django's own widget templates plus the project's templates/ (where the
        # components live); django.forms need not be an installed app.
        return DjangoTemplatesBackend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(django.forms.__file__).parent / "templates",
                    *settings.TEMPLATES[0]["DIRS"],
                ],
                "NAME": "kam_forms",
                "OPTIONS": {},
            }
        )

"""The article form's parts: names created by typing them, inline rows ordered by dragging,
the language choice, the newsroom's time zone beside every time, the body's live word count.

A name typed in a tag, author or source box comes back as ``new:<name>``; the field checks it
with the services' name rules and answers the existing entity of that slug, or an unsaved one
that the article's save creates through the same write path as the API (so nothing is
created when the article is not saved).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.conf.global_settings import LANGUAGES
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django_prose_editor.widgets import AdminProseEditorWidget

from articles import images, services
from articles.models import NamedEntity

NEW = "new:"
ADMIN_JS = "articles/admin/editing.js"
ADMIN_CSS = "articles/admin/editing.css"

# ISO 639-1 languages, by name (Django knows their names); the search index stems 18 of them.
LANGUAGE_CHOICES = sorted(
    ((code, f"{name} ({code})") for code, name in LANGUAGES if len(code) == 2),
    key=lambda choice: choice[1],
)


def language_field() -> forms.ChoiceField:
    """Starts at ``NEWSAPI_DEFAULT_LANGUAGE``; unset, at an empty choice the editor must make
    (a default such as the alphabet's first, Afrikaans, would stem a French article wrongly)."""
    return forms.ChoiceField(
        choices=[("", "Choose the article's language"), *LANGUAGE_CHOICES],
        help_text="It chooses how the search index stems the article.",
    )


def zone_name() -> str:
    """The newsroom's zone as editors read it: ``Europe/Paris (UTC+01:00)``."""
    zone = timezone.get_current_timezone()
    offset = timezone.localtime().strftime("%z")
    if str(zone) == "UTC" or not offset:
        return str(zone)
    return f"{zone} (UTC{offset[:3]}:{offset[3:]})"


def _in_zone(label: str) -> str:
    return f"{label} ({timezone.get_current_timezone()})"


# A column's label with the zone its times are shown in, "published (Europe/Paris)"; lazy:
# the zone is the one active when the page is drawn.
in_zone = lazy(_in_zone, str)


def local_time(moment: datetime.datetime | None) -> str | None:
    """As the admin shows a date-time: in the newsroom's zone, in the site's format."""
    return None if moment is None else formats.localize(timezone.localtime(moment))


def show_time_zone(form: forms.BaseForm) -> None:
    """Every date-time field of the form says which zone its times are in."""
    for field in form.fields.values():
        if isinstance(field, forms.SplitDateTimeField | forms.DateTimeField):
            note = f"Times in {zone_name()}."
            field.help_text = f"{field.help_text} {note}".strip()


class _CreatableWidget:
    """Django's autocomplete (select2) that also offers "Create “…”" for a typed name."""

    class Media:
        js = [ADMIN_JS]
        css = {"all": [ADMIN_CSS]}

    def build_attrs(self, base_attrs: dict, extra_attrs: dict | None = None) -> dict:
        attrs = super().build_attrs(base_attrs, extra_attrs)  # type: ignore[misc]
        attrs.update({"data-create": NEW, "data-create-label": "Create"})
        return attrs

    def optgroups(self, name: str, value: list[str], attr: dict | None = None) -> list:
        typed = [v for v in value if str(v).startswith(NEW)]
        groups = super().optgroups(name, [v for v in value if v not in typed], attr)  # type: ignore[misc]
        options = groups[0][1]
        for item in typed:
            options.append(self.create_option(name, item, item[len(NEW) :], True, len(options)))  # type: ignore[attr-defined]
        return groups


class CreatableSelect(_CreatableWidget, AutocompleteSelect):
    pass


class CreatableSelectMultiple(_CreatableWidget, AutocompleteSelectMultiple):
    pass


class _Creatable:
    queryset: Any

    def typed_entity(self, value: str) -> NamedEntity:
        """The entity a typed name stands for: the stored one of its slug, or a new one."""
        try:
            name, slug = services.checked_name(value[len(NEW) :], field="name")
        except ValidationError as error:
            raise ValidationError(error.message_dict["name"], code="invalid") from None
        model = self.queryset.model
        return model.objects.filter(slug=slug).first() or model(name=name, slug=slug)


class CreatableChoiceField(_Creatable, forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(NEW):
            return self.typed_entity(value)
        return super().to_python(value)


class CreatableMultipleChoiceField(_Creatable, forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> list[NamedEntity]:
        values = list(value or [])
        if self.required and not values:
            raise ValidationError(self.error_messages["required"], code="required")
        typed = [v for v in values if isinstance(v, str) and v.startswith(NEW)]
        chosen = [v for v in values if v not in typed]
        entities = list(self._check_values(chosen)) if chosen else []
        entities += [self.typed_entity(v) for v in typed]
        self.run_validators(entities)
        return entities


def creatable(model_field: Any, *, multiple: bool = False, **kwargs: Any) -> forms.Field:
    """A form field for a foreign key or many-to-many to a tag, author or source."""
    model = model_field.remote_field.model
    if multiple:
        widget = CreatableSelectMultiple(model_field, admin.site)
        return CreatableMultipleChoiceField(model.objects.all(), widget=widget, **kwargs)
    return CreatableChoiceField(
        model.objects.all(), widget=CreatableSelect(model_field, admin.site), **kwargs
    )


class OrderedRowForm(forms.ModelForm):
    """An inline row whose position the page sets by the row's place (rows are dragged):
    an empty extra row with only its position set is still empty."""

    class Media:
        js = [ADMIN_JS]
        css = {"all": [ADMIN_CSS]}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].widget = forms.HiddenInput(attrs={"data-position": ""})
        self.fields["position"].required = False

    def has_changed(self) -> bool:
        return any(name != "position" for name in self.changed_data)

    def _get_validation_exclusions(self) -> set[str]:
        # A name typed in is new (unsaved): its field checked it, the article's save makes it.
        typed = {
            name
            for name, value in self.cleaned_data.items()
            if isinstance(value, NamedEntity) and value.pk is None
        }
        return super()._get_validation_exclusions() | typed


def image_upload_field() -> forms.FileField:
    """The main image, uploaded: checked (articles.images), stored when the article is."""
    return forms.FileField(
        required=False,
        label="Upload an image",
        validators=[images.checked_image],
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=lazy(_upload_help, str)(),
    )


def _upload_help() -> str:
    return (
        f"JPEG, PNG, WebP or GIF, up to {settings.IMAGE_MAX_BYTES / 1_048_576:.0f} MB: it is "
        "stored here and its address becomes the image URL."
    )


def current_image(article: Any) -> str:
    """The article's image as a thumbnail (its own, when the image was uploaded here)."""
    if not article.image_url:
        return "No image."
    source = images.thumbnail_url(article.image_url) or article.image_url
    return format_html(
        '<a href="{}" target="_blank"><img src="{}" alt="{}" class="article-image"></a>',
        article.image_url, source, article.image_alt,
    )  # fmt: skip


class BodyWidget(AdminProseEditorWidget):
    """The rich text editor with the body's word count under it, counted as it is typed (by
    editing.js, which the tags' box brings after the admin's jQuery and autocomplete)."""

    def build_attrs(self, base_attrs: dict, extra_attrs: dict | None = None) -> dict:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-word-count"] = str(settings.READING_WORDS_PER_MINUTE)
        return attrs

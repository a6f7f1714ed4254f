"""``{% error_summary %}``: every error of every form on the page, in one box at its top.

The layout (base.html) renders it above each page's content, so no form page can forget it: the
tag finds the bound forms and formsets in the template's context by itself. A view that refuses
something without a Django form gives its words as ``error_problems`` (a list of
:class:`soberhouse.forms.Problem`). Each error links to
its field (``#id_<field>``), a form's own errors (not tied to one field) come first, and
static/js/forms.js moves the focus to the box when the page opens, so a person who sent a form
with mistakes lands on the list of them instead of the top of a long page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.template.loader import render_to_string

from soberhouse.forms import Problem

register = template.Library()


def _forms_in(context: template.Context) -> Iterator[forms.BaseForm | BaseFormSet]:
    """The forms and formsets of the context, in its order: given by name, or in a list of
    them or of rows (tuples) that hold one."""
    seen: set[int] = set()

    def found(value, depth: int = 0):
        if isinstance(value, forms.BaseForm | BaseFormSet):
            if id(value) not in seen:
                seen.add(id(value))
                yield value
        elif depth < 2 and isinstance(value, list | tuple):
            for item in value:
                yield from found(item, depth + 1)

    for value in context.flatten().values():
        yield from found(value)


def _target(field: forms.BoundField) -> str:
    # A group of radios or checkboxes is reached through its first box.
    if field.use_fieldset:
        return f"#{field.auto_id}_0" if field.auto_id else ""
    target = field.id_for_label or field.auto_id
    return f"#{target}" if target else ""


def _field_problems(form: forms.BaseForm, prefix: str = "") -> Iterator[Problem]:
    # A form may name a field more briefly for the summary than its label does.
    short = getattr(form, "summary_labels", {})
    for field in form:
        for message in field.errors:
            label = (
                short.get(field.name) or field.label or field.name.replace("_", " ").capitalize()
            )
            href = "" if field.is_hidden else _target(field)
            yield Problem(f"{prefix}{label}: {message}", href)


def _first_field(form: forms.BaseForm) -> str:
    visible = form.visible_fields()
    return _target(visible[0]) if visible else ""


def problems(bound: Iterable[forms.BaseForm | BaseFormSet]) -> list[Problem]:
    """The errors of the given forms: each form's own errors first, then the fields' in the
    order of the page."""
    general: list[Problem] = []
    fields: list[Problem] = []
    for item in bound:
        if not item.is_bound:
            continue
        if isinstance(item, BaseFormSet):
            first = _first_field(item.forms[0]) if item.forms else ""
            general += [Problem(message, first) for message in item.non_form_errors()]
            row = getattr(item, "row_name", "Row")
            for number, form in enumerate(item.forms, start=1):
                general += [Problem(f"{row} {number}: {m}") for m in form.non_field_errors()]
                fields += _field_problems(form, prefix=f"{row} {number}, ")
        else:
            general += [Problem(message) for message in item.non_field_errors()]
            fields += _field_problems(item)
    return general + fields


@register.simple_tag(takes_context=True)
def error_summary(context: template.Context) -> str:
    """The forms' errors, after any a view found without a form (``error_problems``); nothing
    at all (no template rendered) on a page without one."""
    found = [*context.get("error_problems", []), *problems(_forms_in(context))]
    if not found:
        return ""
    return render_to_string("includes/error_summary.html", {"problems": found})

"""The monthly report: the page, and the exports made from it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reports import exports, figures, services
from reports.forms import ExportForm, ReportForm
from residents import access
from soberhouse import audit


def _houses(request, data) -> list:
    """The houses the person may report on; a house asked for outside them is a 404."""
    houses = sorted(access.roles(request).managed_houses, key=lambda house: house.name.casefold())
    allowed = {house.slug for house in houses}
    if any(slug not in allowed for slug in data.getlist("house")):
        raise Http404
    return houses


@access.manager_required
def report_page(request):
    houses = _houses(request, request.GET)
    form = ReportForm(request.GET, houses=houses)
    month, chosen, with_residents = form.chosen()
    report = figures.build(chosen, month, with_residents=with_residents)
    if with_residents:
        audit.record(
            action="report.residents_view",
            request=request,
            changes={
                "month": month.key,
                "houses": [house.slug for house in chosen],
                "residents": sorted({row.resident_id for row in report.residents}),
            },
        )
    context = {
        **exports.page_context(report),
        "form": form,
        "formats": ExportForm.FORMATS,
        "papers": ExportForm.PAPER,
        # The export carries the report shown: its month, its houses (none when all), its rows.
        "export_houses": [house.slug for house in chosen] if len(chosen) < len(houses) else [],
        "with_residents": with_residents,
    }
    return render(request, "reports/report.html", context)


@require_POST
@access.manager_required
def export_create(request):
    form = ExportForm(request.POST, houses=_houses(request, request.POST))
    if not form.is_valid() or not form.cleaned_data.get("format"):
        messages.error(request, "Choose a month and a file type to export.")
        return redirect("reports")
    month, chosen, with_residents = form.chosen()
    job = services.export_request(
        by=request.user,
        month=month,
        houses=chosen,
        with_residents=with_residents,
        format=form.cleaned_data["format"],
        paper=form.cleaned_data.get("paper") or "letter",
        request=request,
    )
    return redirect("report_export", job.pk)


@access.manager_required
def export_list(request):
    jobs = services.exports_visible_to(request.user).defer("content")[:50]
    return render(request, "reports/exports.html", {"jobs": jobs})


def _job(request, pk):
    return get_object_or_404(services.exports_visible_to(request.user).defer("content"), pk=pk)


@access.manager_required
def export_page(request, pk):
    return render(request, "reports/export.html", {"job": _job(request, pk)})


@access.manager_required
def export_progress(request, pk):
    """The progress bar alone, which the export page asks for again every second until the
    file is ready."""
    return render(request, "reports/_export_progress.html", {"job": _job(request, pk)})


@access.manager_required
def export_download(request, pk):
    job = get_object_or_404(services.exports_visible_to(request.user), pk=pk, status="done")
    services.export_downloaded(job=job, by=request.user, request=request)
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

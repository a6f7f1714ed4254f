"""The report page and its exports: who may see what, the files' contents, jobs and progress."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from chores.models import Assignment, Chore
from reports import exports, figures, services
from reports.figures import Month
from reports.models import ExportJob
from residents.models import Membership, Stay
from soberhouse.models import AuditEvent, Notification
from tests.conftest import turn_on_totp
from tests.factories import HouseFactory, make_assignment, make_manager, make_resident

OCTOBER = Month.of(2026, 10)
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lived_in(harbor, cedar):
    """Harbor: two residents all October (8 beds: 62 of 248 bed-nights, 25%), one with chores
    (3 done on time of 4 settled); cedar: one resident from 16 October."""
    ana = make_resident(harbor, move_in=dt.date(2026, 9, 1), full_name="Ana Reyes")
    make_resident(harbor, move_in=dt.date(2026, 9, 1), full_name="Bo Lind")
    make_resident(cedar, move_in=dt.date(2026, 10, 16), full_name="Cy Cedar")
    chore = Chore.objects.create(house=harbor, name="Kitchen")
    for day in (5, 6, 7):
        make_assignment(chore, dt.date(2026, 10, day), ana, status=Assignment.Status.DONE)
    make_assignment(chore, dt.date(2026, 10, 8), ana, status=Assignment.Status.MISSED)
    return ana


def _page(client, user, query=""):
    client.force_login(user)
    return client.get(f"/reports/{query}")


# The page


def test_staff_see_every_house_and_the_figures(client, staff, lived_in):
    response = _page(client, staff, "?month=2026-10")
    assert response.status_code == 200
    page = response.content.decode()
    assert "October 2026" in page and "2 houses" in page
    census = {table.key: table for table in response.context["tables"]}["census"]
    assert [row[0] for row in census.rows] == ["Cedar House", "Harbor House"]
    assert census.rows[1][1:4] == [8, 62, 25.0]
    assert census.total[0] == "All houses"
    assert "<svg" in page and 'role="img"' in page  # the trend, drawn on the server
    assert "<script" not in page.split("<main", 1)[1]  # the report needs no script


def test_a_manager_sees_only_their_houses(client, manager_harbor, lived_in):
    response = _page(client, manager_harbor, "?month=2026-10")
    assert [house.slug for house in response.context["report"].houses] == ["harbor"]
    assert "Cedar House" not in response.content.decode()
    assert _page(client, manager_harbor, "?house=cedar").status_code == 404
    assert _page(client, manager_harbor, "?house=harbor&house=cedar").status_code == 404


def test_residents_get_404(client, resident_harbor):
    assert _page(client, resident_harbor.user).status_code == 404


def test_a_bad_month_is_explained_and_the_latest_shown(client, staff, lived_in):
    response = _page(client, staff, "?month=2026-11")  # not over yet
    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert response.context["report"].month == OCTOBER
    assert "The latest month is shown." in response.content.decode()
    assert _page(client, staff, "?month=junk%00").status_code == 200


def test_the_latest_month_is_one_ended_in_every_house(staff, harbor):
    kiwi = HouseFactory(slug="kiwi", time_zone="Pacific/Auckland")
    from reports.forms import latest_month

    # 1 December 10:00 in Auckland is still 30 November in Los Angeles.
    with time_machine.travel(dt.datetime(2026, 11, 30, 21, 0, tzinfo=dt.UTC), tick=False):
        assert latest_month([kiwi]) == Month.of(2026, 11)
        assert latest_month([kiwi, harbor]) == OCTOBER


def test_the_page_runs_the_same_queries_for_2_houses_and_for_20(client, staff, harbor, cedar):
    for house in (harbor, cedar):
        make_resident(house, move_in=dt.date(2026, 9, 1))

    client.force_login(staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/reports/?month=2026-10").status_code == 200
        return len(queries)

    two = count()
    for n in range(18):
        make_resident(HouseFactory(slug=f"more-{n}"), move_in=dt.date(2026, 9, 1))
    assert count() == two
    # The session, the person and their second factor (3), the houses (1), the twelve
    # sections (12), the person's current stay and unread count for the navigation (2).
    assert two == 18


def test_per_resident_rows_are_shown_only_when_asked_and_recorded(client, staff, lived_in):
    plain = _page(client, staff, "?month=2026-10").content.decode()
    assert "Ana Reyes" not in plain
    assert not AuditEvent.objects.filter(action="report.residents_view").exists()
    response = _page(client, staff, "?month=2026-10&residents=on")
    page = response.content.decode()
    assert "Ana Reyes" in page and "42 CFR Part 2" in page
    event = AuditEvent.objects.get(action="report.residents_view")
    assert event.actor == staff
    assert set(event.changes["residents"]) == set(
        Stay.objects.values_list("resident_id", flat=True)
    )


# Exports


def _export(client, user, capture, **data):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(
            "/reports/exports/new/", {"month": "2026-10", "format": "xlsx", **data}
        )
    assert response.status_code == 302, response.content[:500]
    return ExportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def _download(client, job) -> bytes:
    response = client.get(f"/reports/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    return response.content


def test_the_xlsx_has_a_sheet_per_section_with_numbers_as_numbers(
    client, staff, lived_in, django_capture_on_commit_callbacks
):
    job = _export(client, staff, django_capture_on_commit_callbacks, format="xlsx")
    assert (job.status, job.progress, job.filename) == (
        "done",
        100,
        "soberhouse-report-2026-10-cedar_harbor.xlsx",
    )
    book = load_workbook(io.BytesIO(_download(client, job)))
    assert book.sheetnames == [
        "Census",
        "Discharges by exit reason",
        "Recovery",
        "Chores",
        "House meetings",
        "Outside meetings",
        "Peer mentoring",
        "The last twelve months",
        "About",
    ]
    assert book["About"]["A4"].value.startswith("Made 20 Nov 2026, 6:00 p.m. UTC by ")
    assert book.properties.creator == f"{staff.full_name} ({staff.email})"
    census = book["Census"]
    assert census["A1"].value == "Census · October 2026"
    assert [cell.value for cell in census[2]][:4] == ["House", "Beds", "Bed-nights", "Occupancy %"]
    assert census.freeze_panes == "A3"
    harbor_row = [cell.value for cell in census[4]]
    assert harbor_row[:4] == ["Harbor House", 8, 62, 25.0]
    assert census["D4"].data_type == "n" and census["D4"].number_format == '0.0"%"'
    assert [cell.value for cell in census[5]][:3] == ["All houses", 16, 62 + 16]
    assert census.column_dimensions["A"].width >= 20
    chores = book["Chores"]
    assert [cell.value for cell in chores[4]][:8] == ["Harbor House", 4, 3, 0, 1, 0, 0, 75.0]
    # Months are dates, shown as months.
    trend = book["The last twelve months"]
    assert trend["A14"].value.date() == dt.date(2026, 10, 1)  # a date, not "October 2026"
    assert trend["A14"].is_date and trend["A14"].number_format == "mmmm yyyy"
    # Set up to print: the page's width, the title and header on every page.
    for sheet in book.worksheets:
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert census.print_title_rows == "$1:$2"
    assert census.page_setup.orientation == "portrait"


def test_the_csv_zip_holds_one_file_per_section(
    client, manager_harbor, lived_in, django_capture_on_commit_callbacks
):
    job = _export(client, manager_harbor, django_capture_on_commit_callbacks, format="csv")
    archive = zipfile.ZipFile(io.BytesIO(_download(client, job)))
    names = archive.namelist()
    assert names[0] == "README.txt" and "02-discharges.csv" in names
    census = archive.read("01-census.csv").decode("utf-8")
    assert census.startswith("\ufeffHouse,")  # the mark Excel reads as UTF-8, then the header
    rows = list(csv.reader(io.StringIO(census.removeprefix("\ufeff"))))
    assert rows[0][:4] == ["House", "Beds", "Bed-nights", "Occupancy %"]
    assert rows[1][:4] == ["Harbor House", "8", "62", "25.0"]
    assert len(rows) == 2  # one house: no total row
    assert "Cedar" not in archive.read("README.txt").decode()


def test_the_pdf_holds_the_headings_and_the_key_numbers(
    client, staff, lived_in, django_capture_on_commit_callbacks
):
    job = _export(client, staff, django_capture_on_commit_callbacks, format="pdf", paper="a4")
    reader = PdfReader(io.BytesIO(_download(client, job)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for heading in ("Monthly report · October 2026", "Census", "Chores", "Peer mentoring"):
        assert heading in text
    assert "25.0%" in text and "75.0%" in text  # harbor's occupancy and chore completion
    assert f"Made 20 Nov 2026, 6:00 p.m. UTC by {staff.full_name} ({staff.email})" in text
    assert reader.metadata.author == f"{staff.full_name} ({staff.email})"
    width, height = (float(value) for value in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    letter = exports.to_pdf(figures.build([lived_in.stays.get().house], OCTOBER))
    letter_box = PdfReader(io.BytesIO(letter)).pages[0].mediabox
    assert (round(float(letter_box[2])), round(float(letter_box[3]))) == (612, 792)


def test_a_per_resident_export_carries_the_notice_and_is_a_recorded_disclosure(
    client, staff, lived_in, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    xlsx = _export(client, staff, capture, format="xlsx", residents="on")
    book = load_workbook(io.BytesIO(_download(client, xlsx)))
    assert book.sheetnames[0] == "Confidential"
    assert "42 CFR Part 2" in book["Confidential"]["A2"].value
    names = [row[1] for row in book["Residents"].iter_rows(min_row=4, values_only=True)]
    assert names == ["Cy Cedar", "Ana Reyes", "Bo Lind"]  # by house, then name
    assert "42 CFR Part 2" in book["Residents"]["A2"].value
    disclosed = AuditEvent.objects.get(action="report.disclose")
    assert disclosed.actor == staff and disclosed.object_id == str(xlsx.pk)
    assert sorted(disclosed.changes["residents"]) == sorted(
        Stay.objects.values_list("resident_id", flat=True)
    )
    csv_job = _export(client, staff, capture, format="csv", residents="on")
    archive = zipfile.ZipFile(io.BytesIO(_download(client, csv_job)))
    assert "CONFIDENTIAL" in archive.read("README.txt").decode()
    assert csv_job.filename == "soberhouse-report-2026-10-cedar_harbor-confidential.zip"
    text = archive.read("09-residents-confidential.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["House", "Resident"] and rows[0][-1] == "Notice"
    assert {row[-1] for row in rows[1:]} == {exports.ROW_NOTICE}
    assert len({len(row) for row in rows}) == 1  # the same columns on every line
    pdf_job = _export(client, staff, capture, format="pdf", residents="on")
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(_download(client, pdf_job))).pages
    )
    assert "42 CFR Part 2" in text and "Ana Reyes" in text
    assert AuditEvent.objects.filter(action="report.disclose").count() == 3
    # Without residents, a download is recorded but is not a disclosure.
    plain = _export(client, staff, capture, format="csv")
    _download(client, plain)
    assert AuditEvent.objects.filter(action="report.download", object_id=str(plain.pk)).exists()


def test_nobody_else_downloads_an_export(
    client, manager_harbor, staff, lived_in, django_capture_on_commit_callbacks
):
    job = _export(client, manager_harbor, django_capture_on_commit_callbacks, format="csv")
    other_manager = make_manager(HouseFactory(slug="elsewhere"))
    also_harbor = make_manager(lived_in.stays.get().house)  # manages the same house
    for person in (other_manager, also_harbor):
        turn_on_totp(person)
    for person in (staff, other_manager, also_harbor):
        client.force_login(person)
        for suffix in ("", "progress/", "download/"):
            assert client.get(f"/reports/exports/{job.pk}/{suffix}").status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="report.d").exists()


def test_a_download_checks_access_again(
    client, manager_harbor, harbor, cedar, lived_in, django_capture_on_commit_callbacks
):
    Membership.objects.create(house=cedar, user=manager_harbor, role=Membership.Role.MANAGER)
    capture = django_capture_on_commit_callbacks
    both = _export(client, manager_harbor, capture, format="csv", residents="on")
    only_harbor = _export(client, manager_harbor, capture, format="csv", house="harbor")
    assert sorted(both.house_ids) == sorted([harbor.pk, cedar.pk])
    _download(client, both)
    # The manager no longer manages Cedar House: the file naming its residents is gone for
    # them, everywhere; the one of Harbor House alone is still theirs.
    Membership.objects.filter(house=cedar, user=manager_harbor).delete()
    disclosures = AuditEvent.objects.filter(action="report.disclose").count()
    for suffix in ("", "progress/", "download/"):
        assert client.get(f"/reports/exports/{both.pk}/{suffix}").status_code == 404
    assert f"/reports/exports/{both.pk}/" not in client.get("/reports/exports/").content.decode()
    assert AuditEvent.objects.filter(action="report.disclose").count() == disclosures
    _download(client, only_harbor)


def test_a_manager_cannot_export_another_house(
    client, manager_harbor, lived_in, django_capture_on_commit_callbacks
):
    client.force_login(manager_harbor)
    response = client.post(
        "/reports/exports/new/", {"month": "2026-10", "format": "csv", "house": "cedar"}
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_the_progress_moves_from_0_to_100_and_the_file_matches_a_direct_export(
    client, staff, lived_in, harbor, cedar
):
    client.force_login(staff)
    response = client.post("/reports/exports/new/", {"month": "2026-10", "format": "csv"})
    job = ExportJob.objects.get()  # on_commit never ran: the job waits, as with a lost message
    assert response["Location"] == f"/reports/exports/{job.pk}/"

    def shown() -> int:
        page = client.get(f"/reports/exports/{job.pk}/progress/").content.decode()
        if "Download" in page:
            return 100
        return int(page.split('value="', 1)[1].split('"', 1)[0])

    seen = [shown()]
    services.export_run(job.pk, on_progress=lambda percent: seen.append(shown()))
    assert seen[0] == 0 and seen[-1] == 100
    assert seen == sorted(seen) and len(set(seen)) >= 10
    job.refresh_from_db()
    made = exports.Made.for_user(staff, at=job.started_at)
    direct = exports.to_csv(figures.build([cedar, harbor], OCTOBER), made=made)
    assert bytes(job.content) == direct
    page = client.get(f"/reports/exports/{job.pk}/").content.decode()
    assert f"/reports/exports/{job.pk}/download/" in page
    assert "hx-trigger" not in page  # finished: no more asking


def test_a_job_is_made_once_however_often_it_is_run(staff, lived_in, harbor):
    job = services.export_request(
        by=staff, month=OCTOBER, houses=[harbor], with_residents=False, format="csv"
    )
    assert services.export_run(job.pk) is True
    assert services.export_run(job.pk) is False
    assert ExportJob.objects.get().status == "done"


def test_the_sweep_runs_waiting_jobs_and_forgets_expired_ones(staff, lived_in, harbor):
    job = services.export_request(
        by=staff, month=OCTOBER, houses=[harbor], with_residents=False, format="csv"
    )
    assert services.exports_sweep() == 0  # a minute's grace for its own message
    later = NOW + dt.timedelta(minutes=2)
    assert services.exports_sweep(now=later) == 1
    assert ExportJob.objects.get().status == "done"
    services.exports_sweep(now=job.expires_at + dt.timedelta(seconds=1))
    assert not ExportJob.objects.exists()


def test_a_failed_export_says_why(client, staff, lived_in, harbor, monkeypatch):
    def broken(report, **options):
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(exports.WRITERS, "csv", broken)
    job = services.export_request(
        by=staff, month=OCTOBER, houses=[harbor], with_residents=False, format="csv"
    )
    services.export_run(job.pk)
    client.force_login(staff)
    page = client.get(f"/reports/exports/{job.pk}/").content.decode()
    assert "could not be made: RuntimeError: the disk is full" in page
    assert client.get(f"/reports/exports/{job.pk}/download/").status_code == 404


def test_the_monthly_report_is_made_once_and_staff_are_told(staff, lived_in, harbor, cedar):
    job = services.monthly_build()
    assert (job.requested_by, job.month, job.format, job.status) == (
        None,
        OCTOBER.first,
        "pdf",
        "done",
    )
    assert sorted(job.house_ids) == sorted([harbor.pk, cedar.pk])
    assert services.monthly_build() == job
    assert ExportJob.objects.count() == 1
    told = Notification.objects.filter(kind="reports.ready", recipient=staff)
    assert told.count() == 2  # email and in-app
    assert told.first().subject == "The monthly report for October 2026 is ready"
    from soberhouse import outbox

    outbox.dispatch()
    assert [message.subject for message in mail.outbox] == [
        "The monthly report for October 2026 is ready"
    ]

"""The URL map. This frame is the one place in the soberhouse package that reaches up into the
apps (DESIGN.md §3)."""

from django.contrib import admin
from django.urls import include, path

from chores import manager_views as chores_manager
from chores import resident_views as chores_resident
from meetings import calendar_views
from meetings import house_views as meetings_house
from meetings import outside_views as meetings_outside
from meetings import views as meetings_views
from peerlog import manager_views as peerlog_manager
from peerlog import views as peerlog_views
from reports import views as reports_views
from residents import access, me_views, notification_operations, record_views, rules_views
from residents import views as residents_views
from soberhouse import notification_views, views

admin.site.site_header = "Soberhouse administration"

urlpatterns = [
    path("", residents_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("today/", residents_views.today, name="today"),
    path("houses/", residents_views.house_list, name="house_list"),
    path("houses/<slug:slug>/", residents_views.house_dashboard, name="house_dashboard"),
    path("houses/<slug:slug>/invite/", residents_views.invitation_new, name="invitation_new"),
    path(
        "houses/<slug:slug>/invitations/<int:pk>/revoke/",
        residents_views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("invite/<str:token>/", residents_views.invitation_accept_view, name="invitation_accept"),
    path("houses/<slug:slug>/admit/", record_views.resident_admit, name="resident_admit"),
    path("houses/<slug:slug>/rules/", rules_views.rules_manage, name="rules_manage"),
    path("rules/", rules_views.rules_sign, name="rules_sign"),
    path("directory/", me_views.house_directory, name="house_directory"),
    path("residents/", record_views.resident_search, name="resident_search"),
    path("residents/<int:pk>/", record_views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/edit/", record_views.resident_edit, name="resident_edit"),
    path(
        "residents/<int:pk>/discharge/", record_views.resident_discharge, name="resident_discharge"
    ),
    path("residents/<int:pk>/stay/", record_views.resident_stay_edit, name="resident_stay_edit"),
    path("residents/<int:pk>/transfer/", record_views.resident_transfer, name="resident_transfer"),
    path("residents/<int:pk>/readmit/", record_views.resident_readmit, name="resident_readmit"),
    path(
        "residents/<int:pk>/sobriety-date/",
        record_views.resident_sobriety_date,
        name="resident_sobriety_date",
    ),
    path("chores/", chores_resident.my_chores, name="my_chores"),
    path("chores/checks/", chores_resident.checks, name="chore_checks"),
    path("chores/<int:pk>/done/", chores_resident.assignment_done, name="assignment_done"),
    path("chores/<int:pk>/undo/", chores_resident.assignment_undo, name="assignment_undo"),
    path("chores/<int:pk>/check/", chores_resident.assignment_check, name="assignment_check"),
    path("chores/<int:pk>/swap/", chores_resident.swap_ask, name="swap_ask"),
    path("chores/swaps/<int:pk>/", chores_resident.swap_answer, name="swap_answer"),
    path("chores/swaps/<int:pk>/withdraw/", chores_resident.swap_withdraw, name="swap_withdraw"),
    path("houses/<slug:slug>/chores/", chores_manager.chore_list, name="chore_list"),
    path("houses/<slug:slug>/chores/new/", chores_manager.chore_edit, name="chore_new"),
    path("houses/<slug:slug>/chores/<int:pk>/", chores_manager.chore_edit, name="chore_edit"),
    path(
        "houses/<slug:slug>/chores/rotation/",
        chores_manager.rotation_preview,
        name="rotation_preview",
    ),
    path(
        "houses/<slug:slug>/chores/assignments/<int:pk>/",
        chores_manager.assignment_pin,
        name="assignment_pin",
    ),
    path("houses/<slug:slug>/chores/chart/", chores_manager.chore_chart, name="chore_chart"),
    path("houses/<slug:slug>/chores/history/", chores_manager.chore_history, name="chore_history"),
    # A house's meeting records (meetings/house_views.py)
    path("houses/<slug:slug>/decisions/", meetings_house.decisions, name="decisions"),
    path("houses/<slug:slug>/officers/", meetings_house.officers, name="officers"),
    path(
        "houses/<slug:slug>/officers/<int:pk>/end/", meetings_house.officer_end, name="officer_end"
    ),
    path(
        "houses/<slug:slug>/meetings/settings/",
        meetings_house.meeting_settings,
        name="meeting_settings",
    ),
    # House meetings (meetings/views.py)
    path("meetings/", meetings_views.my_meetings, name="my_meetings"),
    path("houses/<slug:slug>/meetings/", meetings_views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", meetings_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", meetings_views.agenda_add, name="meeting_agenda_add"),
    path("meetings/agenda/<int:pk>/", meetings_views.agenda_item, name="meeting_agenda_item"),
    path("meetings/<int:pk>/attendance/", meetings_views.attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/minutes/", meetings_views.minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/motions/", meetings_views.motion_new, name="meeting_motion_new"),
    path("meetings/<int:pk>/edit/", meetings_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", meetings_views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/close/", meetings_views.meeting_close, name="meeting_close"),
    path("meetings/motions/<int:pk>/open/", meetings_views.motion_open, name="motion_open"),
    path("meetings/motions/<int:pk>/record/", meetings_views.motion_record, name="motion_record"),
    path("meetings/motions/<int:pk>/close/", meetings_views.motion_close, name="motion_close"),
    path(
        "meetings/motions/<int:pk>/withdraw/",
        meetings_views.motion_withdraw,
        name="motion_withdraw",
    ),
    path("meetings/motions/<int:pk>/vote/", meetings_views.motion_vote, name="motion_vote"),
    # Outside meetings (meetings/outside_views.py)
    path("meetings/outside/", meetings_outside.my_outside_meetings, name="my_outside_meetings"),
    path(
        "meetings/outside/<int:pk>/delete/",
        meetings_outside.outside_meeting_delete,
        name="outside_meeting_delete",
    ),
    path(
        "meetings/outside/<int:pk>/verify/",
        meetings_outside.outside_meeting_verify,
        name="outside_meeting_verify",
    ),
    path(
        "houses/<slug:slug>/outside-meetings/",
        meetings_outside.house_outside_meetings,
        name="house_outside_meetings",
    ),
    # Peer mentoring, the pair's pages (peerlog/views.py)
    path("peerlog/", peerlog_views.peerlog_index, name="peerlog"),
    path("peerlog/ask/", peerlog_views.mentor_ask, name="peerlog_mentor_ask"),
    path(
        "peerlog/ask/withdraw/",
        peerlog_views.mentor_ask_withdraw,
        name="peerlog_mentor_withdraw",
    ),
    path("peerlog/pairs/<int:pk>/", peerlog_views.pair_log, name="peerlog_pair"),
    path("peerlog/pairs/<int:pk>/ask/", peerlog_views.check_in_ask, name="peerlog_check_in_ask"),
    path("peerlog/pairs/<int:pk>/log/", peerlog_views.entry_new, name="peerlog_entry_new"),
    path("peerlog/entries/<int:pk>/ack/", peerlog_views.entry_ack, name="peerlog_entry_ack"),
    path("peerlog/entries/<int:pk>/reply/", peerlog_views.entry_reply, name="peerlog_entry_reply"),
    # Peer mentoring, the manager's pages (peerlog/manager_views.py)
    path("houses/<slug:slug>/mentoring/", peerlog_manager.mentoring, name="mentoring_manage"),
    path(
        "houses/<slug:slug>/mentoring/requests/<int:pk>/decline/",
        peerlog_manager.request_decline,
        name="mentoring_request_decline",
    ),
    path(
        "houses/<slug:slug>/mentoring/pairs/<int:pk>/end/",
        peerlog_manager.pairing_end,
        name="mentoring_pairing_end",
    ),
    path(
        "houses/<slug:slug>/mentoring/settings/",
        peerlog_manager.mentoring_settings,
        name="mentoring_settings",
    ),
    path(
        "houses/<slug:slug>/mentoring/alumni/",
        peerlog_manager.alumni_invite,
        name="mentoring_alumni_invite",
    ),
    # Calendar feeds (meetings/calendar_views.py)
    path("calendar/<slug:token>.ics", calendar_views.feed, name="calendar_feed"),
    path("me/calendar/", calendar_views.feed_manage, name="calendar_feed_manage"),
    # Notifications: the in-app list and preferences (soberhouse/notification_views.py)
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/read/", notification_views.notifications_read, name="notifications_read"),
    path(
        "notifications/<int:pk>/open/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notification_views.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
    # Notifications: the staff's operations page (residents/notification_operations.py)
    path(
        "notifications/operations/",
        notification_operations.operations,
        name="notification_operations",
    ),
    path(
        "notifications/operations/<int:pk>/retry/",
        notification_operations.retry,
        name="notification_retry",
    ),
    # The monthly report
    path("reports/", reports_views.report_page, name="reports"),
    path("reports/exports/", reports_views.export_list, name="report_exports"),
    path("reports/exports/new/", reports_views.export_create, name="report_export_create"),
    path("reports/exports/<int:pk>/", reports_views.export_page, name="report_export"),
    path(
        "reports/exports/<int:pk>/progress/",
        reports_views.export_progress,
        name="report_export_progress",
    ),
    path(
        "reports/exports/<int:pk>/download/",
        reports_views.export_download,
        name="report_export_download",
    ),
    path("me/", me_views.me, name="me"),
    path("me/data/", residents_views.my_data, name="my_data"),
    path("audit/", access.staff_required(views.audit_list), name="audit_list"),
    path("audit/export/", access.staff_required(views.audit_export), name="audit_export"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

"""The URL map. This frame is the one place in the soberhouse package that reaches up into the
apps (DESIGN.md §3)."""

from django.contrib import admin
from django.urls import include, path

from residents import access
from residents import views as residents_views
from soberhouse import views

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
    path("residents/<int:pk>/", residents_views.resident_detail, name="resident_detail"),
    path("me/", residents_views.me, name="me"),
    path("me/data/", residents_views.my_data, name="my_data"),
    path("audit/", access.staff_required(views.audit_list), name="audit_list"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

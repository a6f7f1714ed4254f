from django.contrib import admin

from residents.models import House, Membership
from soberhouse.admin import AuditedAdmin


@admin.register(House)
class HouseAdmin(AuditedAdmin):
    list_display = ["name", "slug", "time_zone", "beds"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "house", "role"]
    list_select_related = ["user", "house"]

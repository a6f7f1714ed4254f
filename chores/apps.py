from django.apps import AppConfig


class ChoresConfig(AppConfig):
    name = "chores"

from django.apps import AppConfig


class SoberhouseConfig(AppConfig):
    name = "soberhouse"
    verbose_name = "Soberhouse"

    def ready(self) -> None:
        from soberhouse import signals  # noqa: F401  (sign-in events into the audit trail)

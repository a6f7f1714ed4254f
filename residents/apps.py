from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = "Houses and residents"

    def ready(self) -> None:
        from residents import audit_names, signals  # noqa: F401  (account security events into the audit)

        audit_names.register()

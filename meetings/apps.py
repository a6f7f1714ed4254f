from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self) -> None:
        from meetings import audit_names, export
        from residents.export import section_register

        section_register(name=self.name, readme=export.README, write=export.write)
        audit_names.register()

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self) -> None:
        from meetings import audit_names, departure, export
        from residents.departure import handler_register
        from residents.export import section_register

        section_register(name=self.name, readme=export.README, write=export.write)
        handler_register(name=self.name, handle=departure.on_departure)
        audit_names.register()

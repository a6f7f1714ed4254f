from django.apps import AppConfig


class ChoresConfig(AppConfig):
    name = "chores"

    def ready(self) -> None:
        from chores import departure, export
        from residents.departure import handler_register
        from residents.export import section_register

        section_register(name=self.name, readme=export.README, write=export.write)
        handler_register(name=self.name, handle=departure.on_departure)

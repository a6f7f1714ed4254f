from django.apps import AppConfig


class ChoresConfig(AppConfig):
    name = "chores"

    def ready(self) -> None:
        from chores import export
        from residents.export import section_register

        section_register(name=self.name, readme=export.README, write=export.write)

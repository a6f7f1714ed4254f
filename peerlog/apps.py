from django.apps import AppConfig


class PeerlogConfig(AppConfig):
    name = "peerlog"

    def ready(self) -> None:
        from peerlog import audit_names, export
        from residents.export import section_register

        section_register(name=self.name, readme=export.README, write=export.write)
        audit_names.register()

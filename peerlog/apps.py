from django.apps import AppConfig


class PeerlogConfig(AppConfig):
    name = "peerlog"

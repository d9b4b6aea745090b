from django.apps import AppConfig


class KamConfig(AppConfig):
    name = "kam"
    verbose_name = "KAM Workspace"

    def ready(self) -> None:
        from kam import checks, signals  # noqa: F401  (registers checks and handlers)

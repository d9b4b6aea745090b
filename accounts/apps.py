from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Every process (web, worker, beat, shell) finds accounts' job kinds
        # from start-up on, whichever of their modules it has imported.
        from accounts.job_kinds import JOB_KINDS
        from kam.jobs.kinds import register_job_kind

        for kind in JOB_KINDS:
            register_job_kind(kind)

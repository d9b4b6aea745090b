from django.apps import AppConfig


class SellingCenterConfig(AppConfig):
    name = "selling_center"
    verbose_name = "Selling Center"

    def ready(self) -> None:
        # The buying center declares what it needs to know about relationship owners;
        # the selling center, which holds that rule, answers (buying_center.owners).
        from buying_center.owners import register_owner_directory
        from selling_center.owners import SellingCenterOwners

        register_owner_directory(SellingCenterOwners())

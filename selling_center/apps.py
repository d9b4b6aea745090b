from django.apps import AppConfig


class SellingCenterConfig(AppConfig):
    name = "selling_center"
    verbose_name = "Selling Center"

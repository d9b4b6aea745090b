from django.apps import AppConfig


class BuyingCenterConfig(AppConfig):
    name = "buying_center"
    verbose_name = "Buying Center"

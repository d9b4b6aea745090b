from django.http import HttpRequest, HttpResponse


def stakeholder_import(request: HttpRequest, customer_id: int) -> HttpResponse:
    raise NotImplementedError

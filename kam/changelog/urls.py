"""History pages, under /history/."""

from django.urls import path

from kam.changelog import views

urlpatterns = [
    path("<str:type_label>/<int:object_id>/", views.object_history, name="object-history"),
]

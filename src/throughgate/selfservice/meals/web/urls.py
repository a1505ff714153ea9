"""Meals pages: the resident's week of picks, and the staff pages for menus, kitchen totals and diets."""

from django.urls import path, register_converter

from throughgate.selfservice.meals.web import views


class IsoDateConverter:
    """A date in a path as YYYY-MM-DD, kept as text (the view parses it and answers 404 for a day that is not)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    # People in prison, on a kiosk or in-cell device.
    path("meals/", views.meals, name="meals"),
    path("meals/<isodate:week_start>/", views.meal_week, name="meal_week"),
    # Staff.
    path("meals/menus/", views.menus, name="menus"),
    path("meals/menus/new/", views.menu_new, name="menu_new"),
    path("meals/menus/settings/", views.meal_settings, name="meal_settings"),
    path("meals/menus/<int:menu_id>/", views.menu, name="menu"),
    path("meals/menus/<int:menu_id>/<slug:action>/", views.menu_action, name="menu_action"),
    path("meals/kitchen/", views.kitchen, name="kitchen"),
    path("meals/kitchen.csv", views.kitchen_csv, name="kitchen_csv"),
    path("meals/diets/", views.diets, name="diets"),
    path("meals/diets/<str:prison_number>/", views.diet, name="diet"),
]

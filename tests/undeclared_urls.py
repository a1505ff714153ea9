"""A URL configuration with one undeclared page and one undeclared API operation, for the fail-closed test."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from ninja import NinjaAPI

from throughgate.identity.api import API_AUTH, Router


def undeclared_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("should never be served")


router = Router()


@router.get("/undeclared")
def undeclared_operation(request: HttpRequest) -> dict[str, str]:
    return {"served": "should never happen"}


api = NinjaAPI(urls_namespace="api", auth=API_AUTH)
api.add_router("/", router)

from config.api import domain_error  # noqa: E402
from throughgate.core.errors import ServiceError  # noqa: E402

api.add_exception_handler(ServiceError, domain_error)

urlpatterns = [
    path("undeclared/", undeclared_view),
    path("api/", api.urls),
    path("", include("config.urls")),
]

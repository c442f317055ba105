"""Pages of keystage.control (namespace ``control``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.control.views import evm

app_name = "control"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "earned-value/", evm.evm_page, name="evm"),
]

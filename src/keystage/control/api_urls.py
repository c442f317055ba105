"""REST routes of keystage.control, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.control.api import evm

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "evm/", evm.EvmView.as_view(), name="evm"),
    path(P + "evm/history/", evm.EvmHistoryView.as_view(), name="evm-history"),
]

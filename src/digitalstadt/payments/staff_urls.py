from django.urls import path

from . import views

app_name = "payments-staff"

urlpatterns = [
    path("", views.staff_overview, name="overview"),
    path("eingang/<int:pk>/geklaert/", views.staff_resolve, name="resolve"),
    path("eingang/<int:pk>/zuordnen/", views.staff_assign, name="assign"),
    path("erstattung/<int:pk>/ausgezahlt/", views.staff_refund_paid, name="refund-paid"),
]

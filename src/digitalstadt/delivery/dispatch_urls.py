from django.urls import path

from . import account_views, dispatch_views

app_name = "delivery-dispatch"

urlpatterns = [
    path("<slug:courier>/touren/", dispatch_views.board, name="board"),
    path("<slug:courier>/touren/neu-planen/", dispatch_views.replan, name="replan"),
    path("<slug:courier>/stopps/<int:stop>/verschieben/", dispatch_views.stop_move, name="stop-move"),
    path("<slug:courier>/stopps/<int:stop>/festlegen/", dispatch_views.stop_lock, name="stop-lock"),
    path("<slug:courier>/abrechnung/", account_views.statement_page, name="statement"),
    path("<slug:courier>/zustellnachweis/<int:job>/", account_views.proof_page, name="proof"),
    path("<slug:courier>/zustellnachweis/<int:job>/<str:kind>.bild", account_views.proof_image, name="proof-image"),
]

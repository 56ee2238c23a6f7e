from django.urls import path

from . import dispatch_views

app_name = "delivery-dispatch"

urlpatterns = [
    path("<slug:courier>/touren/", dispatch_views.board, name="board"),
    path("<slug:courier>/touren/neu-planen/", dispatch_views.replan, name="replan"),
    path("<slug:courier>/stopps/<int:stop>/verschieben/", dispatch_views.stop_move, name="stop-move"),
    path("<slug:courier>/stopps/<int:stop>/festlegen/", dispatch_views.stop_lock, name="stop-lock"),
]

"""Two URL modules for notice and action: `flag_urlpatterns` under /austausch/melden/
(the public notice form, the decision with the appeal) and `urlpatterns` under
/austausch/moderation/ (the moderators' pages)."""

from django.urls import include, path

from . import moderation_views as views

flag_patterns = ([
    path("beitrag/<int:post>/", views.notice_create, name="notice"),
    path("eingegangen/", views.notice_received, name="received"),
    path("entscheidung/<uuid:decision>/", views.decision_detail, name="decision"),
], "exchange-flags")

moderation_patterns = ([
    path("", views.queue, name="queue"),
    path("beitrag/<int:post>/", views.post_decide, name="post"),
    path("einspruch/<uuid:appeal>/", views.appeal_decide, name="appeal"),
    path("protokoll/", views.log, name="log"),
    path("moderatoren/", views.moderators, name="moderators"),
    path("moderatoren/<int:pk>/abberufen/", views.moderator_remove, name="moderator-remove"),
], "exchange-moderation")

urlpatterns = [
    path("melden/", include(flag_patterns)),
    path("moderation/", include(moderation_patterns)),
]

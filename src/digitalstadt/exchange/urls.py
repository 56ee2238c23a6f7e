from django.urls import path

from . import forum_views, review_views

app_name = "exchange"

urlpatterns = [
    path("", forum_views.index, name="index"),
    path("suche/", forum_views.search_page, name="search"),
    path("neue-frage/", forum_views.thread_new, name="thread-new"),
    path("kategorie/<slug:category>/", forum_views.category, name="category"),
    path("kategorie/<slug:category>/benachrichtigung/", forum_views.category_level, name="category-level"),
    path("thema/<int:thread>/", forum_views.thread, name="thread"),
    path("thema/<int:thread>/antworten/", forum_views.reply, name="reply"),
    path("thema/<int:thread>/loesung/", forum_views.accept, name="accept"),
    path("thema/<int:thread>/benachrichtigung/", forum_views.thread_level, name="thread-level"),
    path("beitrag/<int:post>/bearbeiten/", forum_views.edit, name="post-edit"),
    path("stummschalten/<str:token>/", forum_views.mute, name="mute"),
    path("moderation/pruefen/", review_views.queue, name="review-queue"),
    path("moderation/pruefen/<int:post>/freigeben/", review_views.approve, name="review-approve"),
    path("moderation/pruefen/<int:post>/ablehnen/", review_views.reject, name="review-reject"),
]

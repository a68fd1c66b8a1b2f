from django.urls import include, path
from django.views.i18n import set_language

from amends.web.views import (
    approvals,
    copies,
    custody,
    deliveries,
    exports,
    incidents,
    monitor,
    oncall,
    posts,
    sending,
    today,
)

app_name = "desk"

urlpatterns = [
    path("", today.today, name="today"),
    # English or Welsh: the switch in every page's header (a cookie; no sign-in needed).
    path("language/", set_language, name="language"),
    path("posts/", posts.index, name="posts"),
    path("posts/new/", posts.publish, name="publish"),
    path("posts/adopt/", posts.adopt, name="adopt"),
    path("posts/<int:post_id>/", posts.detail, name="post"),
    path("posts/<int:post_id>/correct/", posts.correct, name="correct"),
    path("posts/<int:post_id>/correct/preview/", posts.correct_preview, name="correct-preview"),
    path("posts/<int:post_id>/apologise/", posts.apologise, name="apologise"),
    path("posts/<int:post_id>/apologise/check/", posts.apology_check, name="apology-check"),
    path("posts/<int:post_id>/reply/", posts.reply, name="reply"),
    path("posts/<int:post_id>/delete/", posts.request_deletion, name="request-deletion"),
    path("posts/<int:post_id>/redact/", posts.redact, name="redact"),
    path("posts/<int:post_id>/incident/", incidents.open_incident, name="open-incident"),
    path("posts/<int:post_id>/copies/", copies.record, name="record-copy"),
    path("copies/check/", copies.check, name="check-copy"),
    path("copies/<int:copy_id>/notify/", copies.notify, name="notify-copy"),
    path("incidents/<int:incident_id>/inbox/", copies.inbox, name="inbox"),
    path("incidents/<int:incident_id>/review/", incidents.review, name="incident-review"),
    path("mentions/<int:mention_id>/handled/", copies.handled, name="mention-handled"),
    path("incidents/", incidents.index, name="incidents"),
    path("incidents/<int:incident_id>/", incidents.detail, name="incident"),
    path("incidents/<int:incident_id>/close/", incidents.close, name="close-incident"),
    path("incidents/<int:incident_id>/protected/", incidents.protect, name="protect-names"),
    path("incidents/<int:incident_id>/owner/", incidents.assign, name="assign-incident"),
    path("incidents/<int:incident_id>/notes/", incidents.note, name="note-incident"),
    path("incidents/<int:incident_id>/posts/", incidents.add_post, name="incident-add-post"),
    path(
        "incidents/<int:incident_id>/correct/",
        incidents.correct_everywhere,
        name="incident-correct",
    ),
    path("approvals/", approvals.index, name="approvals"),
    path("approvals/<int:deletion_id>/", approvals.decide, name="decide"),
    path("sealed/", custody.sealed, name="sealed"),
    path("sealed/<int:post_id>/", custody.unseal, name="unseal"),
    path("holds/", custody.holds, name="holds"),
    path("exports/", exports.exports, name="exports"),
    path("logs/", monitor.logs, name="monitor"),
    path("holds/<int:hold_id>/release/", custody.release, name="release-hold"),
    path("deliveries/", deliveries.index, name="deliveries"),
    path("deliveries/<int:delivery_id>/", deliveries.detail, name="delivery"),
    path("deliveries/<int:delivery_id>/retry/", deliveries.retry, name="retry-delivery"),
    path("deliveries/<int:delivery_id>/done/", deliveries.done_by_hand, name="done-by-hand"),
    path("changes/<int:change_id>/seen/", deliveries.seen, name="seen-change"),
    path("sending/", sending.sending, name="sending"),
    path("rota/", oncall.rota, name="rota"),
    path("rota/<int:shift_id>/remove/", oncall.remove_shift, name="remove-shift"),
    path("me/notifications/", oncall.channels, name="me-notifications"),
    path("me/notifications/test/", oncall.send_test, name="me-notifications-test"),
    path(
        "me/notifications/<int:channel_id>/remove/",
        oncall.remove_channel,
        name="me-notifications-remove",
    ),
    # Sign-in, second factor and one's own settings.
    path("", include("amends.web.auth_urls")),
    # People and accounts (admins).
    path("", include("amends.web.admin_urls")),
    # API tokens.
    path("", include("amends.web.token_urls")),
]

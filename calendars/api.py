"""Calendar API: one's own feed links (list, add, rotate, turn off) and the
import of a school's term dates (preview, then confirm)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from calendars import importing, selectors, services
from calendars.feeds import target_of
from calendars.models import FeedToken
from hub.api_base import ApiView, StrictInputSerializer
from hub.api_schema import paginated
from hub.errors import DomainError
from hub.models import Site


class FeedLinkOutput(serializers.Serializer):
    id = serializers.IntegerField(source="token.pk")
    feed = serializers.ChoiceField(
        source="token.kind",
        choices=FeedToken.Kind.choices,
        help_text="room (busy times), site (lettings), caretaker (with set-up and "
        "clear-down), partner (bookings and sessions) or family (sessions).",
    )
    target_id = serializers.IntegerField(
        source="token.target_id",
        help_text="The room, site (also for caretaker), partner or household.",
    )
    name = serializers.CharField()
    https_url = serializers.CharField(help_text="Secret: anyone with it sees the feed.")
    webcal_url = serializers.CharField(help_text="The same feed as a webcal:// link.")
    updated_at = serializers.DateTimeField(
        source="token.updated_at", help_text="When the link last changed."
    )


class FeedIssueInput(StrictInputSerializer):
    feed = serializers.ChoiceField(choices=FeedToken.Kind.choices)
    target_id = serializers.IntegerField(
        min_value=1, help_text="The room, site, partner or household's id."
    )


def _link(token: FeedToken):
    links = selectors.feed_links([token])
    return FeedLinkOutput(links[0]).data


class FeedListApi(ApiView):
    omit_error_statuses = {"get": (403,), "post": (409,)}

    @extend_schema(
        responses=paginated(FeedLinkOutput), operation_id="calendar_feeds_list"
    )
    def get(self, request):
        """Your calendar links (your family's, your partners', your schools'),
        made the first time you ask; links you turned off are left out."""
        services.feed_tokens_ensure(actor=request.user)
        rows = list(selectors.feed_tokens_for(request.user).select_related("user"))
        return self.page(selectors.feed_links(rows), FeedLinkOutput)

    @extend_schema(
        request=FeedIssueInput,
        responses={201: FeedLinkOutput},
        operation_id="calendar_feeds_create",
    )
    def post(self, request):
        """A link to one feed (e.g. a room's busy times): your existing link,
        or a new one if you had none or turned it off."""
        data = self.input(FeedIssueInput)
        target = target_of(data["feed"], data["target_id"])
        if target is None:
            raise DomainError(
                f"No {data['feed']} has id {data['target_id']}. Check the id.",
                field="target_id",
            )
        token = services.feed_token_issue(
            actor=request.user, kind=data["feed"], target=target
        )
        return Response(_link(token), status=status.HTTP_201_CREATED)


class FeedRotateApi(ApiView):
    omit_error_statuses = (403, 409)

    @extend_schema(request=None, responses=FeedLinkOutput)
    def post(self, request, feed_id: int):
        """A new secret link; the old one is a 404 from now on."""
        token = self.lookup(
            FeedToken.objects.filter(user=request.user),
            what="calendar link",
            pk=feed_id,
        )
        token = services.feed_token_rotate(actor=request.user, token=token)
        return Response(_link(token))


class FeedRevokeApi(ApiView):
    omit_error_statuses = (403, 409)

    @extend_schema(request=None, responses={204: None})
    def post(self, request, feed_id: int):
        """Turn the link off: its feed is a 404 until you ask for a link again."""
        token = self.lookup(
            selectors.feed_tokens_for(request.user), what="calendar link", pk=feed_id
        )
        services.feed_token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImportInput(StrictInputSerializer):
    format = serializers.ChoiceField(choices=[("ics", "iCalendar"), ("csv", "CSV")])
    content = serializers.CharField(
        max_length=1_000_000,
        trim_whitespace=False,
        help_text="The file's text (.ics, or CSV with the columns kind, name, "
        "starts_on, ends_on and optionally id). Pages take files up to 5 MB.",
    )


class DateRowOutput(serializers.Serializer):
    where = serializers.CharField(help_text="The line or event in the file.")
    kind = serializers.CharField(help_text="term, holiday or closure.")
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="The last day (inclusive).")
    uid = serializers.CharField(help_text="How the entry is recognised next time.")


class ChangedRowOutput(DateRowOutput):
    before = serializers.CharField(help_text="The entry as it is now.")


class PreviewOutput(serializers.Serializer):
    created = DateRowOutput(many=True)
    changed = ChangedRowOutput(many=True)
    unchanged = DateRowOutput(many=True)
    token = serializers.CharField(
        help_text="Send it to the confirm endpoint within an hour to save."
    )


class ConfirmInput(StrictInputSerializer):
    token = serializers.CharField(max_length=1_000_000)


class ConfirmOutput(serializers.Serializer):
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ImportPreviewApi(ApiView):
    omit_error_statuses = (409,)

    @extend_schema(request=ImportInput, responses=PreviewOutput)
    def post(self, request, site_id: int):
        """What the file would create, change or leave alone at the school;
        saves nothing. A 400 lists every problem by line or event in
        `details`."""
        site = self.lookup(Site.objects.all(), what="site", pk=site_id)
        data = self.input(ImportInput)
        preview = importing.import_preview(
            actor=request.user,
            site=site,
            data=data["content"].encode(),
            filename=f"upload.{data['format']}",
        )
        changed = [{**vars(row), "before": before} for row, before in preview.changed]
        return Response(
            PreviewOutput(
                {
                    "created": preview.created,
                    "changed": changed,
                    "unchanged": preview.unchanged,
                    "token": preview.token,
                }
            ).data
        )


class ImportConfirmApi(ApiView):
    omit_error_statuses = (409,)

    @extend_schema(request=ConfirmInput, responses=ConfirmOutput)
    def post(self, request, site_id: int):
        """Save a preview: all of it, or nothing (a 400 says why)."""
        site = self.lookup(Site.objects.all(), what="site", pk=site_id)
        data = self.input(ConfirmInput)
        counts = importing.import_confirm(
            actor=request.user, site=site, token=data["token"]
        )
        return Response(ConfirmOutput(counts).data)

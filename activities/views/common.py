from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from activities import selectors
from activities.errors import NotFound, PermissionDenied


def require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise DjangoPermissionDenied


def activity_or_404(request, activity_id: int):
    try:
        return selectors.activity_get(activity_id=activity_id, user=request.user)
    except PermissionDenied as exc:
        raise Http404("No such activity") from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc

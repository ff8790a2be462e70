"""A request body over the limit is refused before anything reads it: 413.

Django refuses a large form-encoded or JSON body only when it is read (and
then with a 400), and streams a multipart file of any size to a temporary
file before a form can look at its size. So this middleware checks the
declared Content-Length first (Django reads no more than that):

- under /api/: more than the API's limit (hub.api_parsers.max_body_bytes,
  1 MB; no API operation takes a file) is the JSON error body, code
  ``too_large``, as the parsers answer a body sent without a length;
- elsewhere: more than DATA_UPLOAD_MAX_MEMORY_SIZE (11 MB: a 10 MB compliance
  document with its form) is the friendly page templates/413.html.

A body sent chunked (Transfer-Encoding: chunked, no Content-Length) is a 400:
Django would read it as empty, and answer as if nothing had been sent.

Two more things no view can use are refused here, before any view sees them:

- a NUL character in a page's address or query string (``%00``) is a 400:
  PostgreSQL cannot store or compare it, so a text key such as a Stripe
  event's id in the admin was a 500 (the API names the field instead,
  hub.input_limits);
- a page (not an API view, which names its own methods, nor any address
  under /api/, which answers the API's JSON 404) asked with any
  method but GET, HEAD, POST or OPTIONS is a 405 with ``Allow``: pages
  answered PUT or DELETE as if they were GET.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from hub.api_errors import error_body
from hub.api_parsers import PayloadTooLarge, max_body_bytes

PAGE_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        api = request.path.startswith("/api/")
        if not api and _nul_in_address(request):
            return render(request, "400.html", status=400)
        if declared.isdigit():
            limit = max_body_bytes() if api else page_max_body_bytes()
            if int(declared) > limit:
                return too_large(request, api=api, limit=limit)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return unread_body(request, api=api)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in PAGE_METHODS or _api_view(request, view_func):
            return None
        response = render(request, "405.html", status=405)
        response["Allow"] = ", ".join(PAGE_METHODS)
        return response


def _api_view(request, view_func) -> bool:
    """An API view names its own methods (DRF's as_view() sets .cls), and an
    unknown address under /api/ answers the API's JSON 404 whatever the
    method, not this page's 405."""
    return bool(getattr(view_func, "cls", None)) or request.path.startswith("/api/")


def _nul_in_address(request) -> bool:
    return "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "")


def page_max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 11 * 1024 * 1024


def too_large(request, *, api: bool, limit: int):
    if api:
        message = str(PayloadTooLarge.default_detail)
        return JsonResponse(error_body("too_large", message), status=413)
    context = {"limit_mb": limit // (1024 * 1024)}
    return render(request, "413.html", context, status=413)


def unread_body(request, *, api: bool):
    """A chunked body (no Content-Length, as gunicorn passes it on): Django
    reads no body without a length, so a PATCH was answered 200 having
    changed nothing, and a POST with "X is required". Refused, saying why."""
    if api:
        message = (
            "Send the body with a Content-Length header: a chunked body "
            "(Transfer-Encoding: chunked) cannot be read. Nothing was changed."
        )
        return JsonResponse(error_body("length_required", message), status=400)
    return render(request, "400.html", status=400)

"""The booking API, one module per resource, every endpoint on hub.api_base.ApiView.

- `bookings`: list (paged), request, detail.
- `actions`: approve, decline, cancel, move one date.
- `availability`: free windows of a room or a site (a list of rooms).

Handlers are adapters: validate input -> look the booking up among those the
caller may see (else 404) -> call the service with `actor=` (which checks the
permission, 403) -> serialise. Errors leave through hub.api_errors. Times in
responses are ISO 8601 with the site's offset (18:00+00:00 in winter,
18:00+01:00 in summer); request times are local wall-clock times at the site.
"""

"""Who may subscribe to which feed, and who may import a school's dates.

A feed token is issued only with the permission for its target, and the feed
checks it again on every request, so a person who loses a role loses the feed
(404) without anyone rotating the link."""

import rules

from activities.rules import is_household_owner
from bookings.rules import is_premises_staff_of
from hub.rules import is_business_manager_of, is_platform_admin, is_site_staff_of
from partners.rules import is_partner_member

rules.add_perm("calendars.subscribe_room", rules.is_authenticated)
rules.add_perm("calendars.subscribe_site", is_platform_admin | is_site_staff_of)
rules.add_perm(
    "calendars.subscribe_caretaker", is_platform_admin | is_premises_staff_of
)
rules.add_perm("calendars.subscribe_partner", is_partner_member)
rules.add_perm("calendars.subscribe_family", is_household_owner)
rules.add_perm("calendars.import_dates", is_platform_admin | is_business_manager_of)

"""Invoice and income permissions (django-rules). Deny by default.

A partner's staff see their partner's issued invoices (never drafts) and pay
them by card; the business manager of the invoice's site sees every invoice of
that site, issues, voids, records offline payments and refunds payments.
"""

import rules

from hub.rules import is_any_business_manager, is_business_manager_of, is_platform_admin
from partners.rules import is_partner_member, partner_ids_for


@rules.predicate
def is_not_draft(user, invoice) -> bool:
    return invoice is not None and invoice.status != "draft"


@rules.predicate
def is_any_partner_member(user) -> bool:
    return bool(partner_ids_for(user))


manager = is_platform_admin | is_business_manager_of

rules.add_perm("payments.view_invoice", manager | (is_partner_member & is_not_draft))
rules.add_perm("payments.pay_invoice", is_platform_admin | is_partner_member)
rules.add_perm("payments.record_payment", manager)
rules.add_perm("payments.refund_invoice_payment", manager)
rules.add_perm("payments.issue_invoice", manager)
rules.add_perm("payments.void_invoice", manager)
rules.add_perm("payments.build_invoices", manager)
rules.add_perm("payments.change_billing", manager)
rules.add_perm("payments.view_own_invoices", is_any_partner_member)
rules.add_perm("payments.view_income", is_platform_admin | is_any_business_manager)
rules.add_perm("payments.view_site_income", manager)

"""Every change to partners, their members and their compliance documents.

Each service takes the person acting (``applicant``, ``decided_by``,
``added_by``, ``removed_by``, ``uploaded_by``, ``verified_by``), checks their
permission itself (hub.rules.require_perm) and writes one audit entry
(hub.audit) in its transaction. The partner's ``status_decided_*`` fields are
the current decision shown on its pages; the audit log is the history.
"""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hub.audit import audit_record, diff, snapshot
from hub.errors import DomainError, StateError
from hub.rules import require_perm
from hub.services import domain_error_from
from partners.models import ComplianceDocument, Partner, PartnerMembership

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Extension -> the bytes such a file starts with.
ALLOWED_UPLOADS = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
DOCUMENT_FIELDS = ("kind", "expires_on", "cover_amount_pence")
NEEDS_EXPIRY = {ComplianceDocument.Kind.INSURANCE, ComplianceDocument.Kind.DBS}
PARTNER_FIELDS = (
    "name",
    "kind",
    "registration_number",
    "description",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
)


# Slugs that would hide a page under /partners/.
RESERVED_SLUGS = {"apply", "mine", "review", "documents"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "partner"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Partner.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _full_clean(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise domain_error_from(exc) from None


@transaction.atomic
def partner_apply(*, applicant, **fields) -> Partner:
    """An organisation asks to join: an applied Partner with the applicant as admin."""
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    require_perm(applicant, "partners.apply")
    partner = Partner(slug=_unique_slug(fields.get("name", "")), **fields)
    _full_clean(partner)
    partner.save()
    PartnerMembership.objects.create(
        partner=partner, user=applicant, role=PartnerMembership.Role.ADMIN
    )
    audit_record(
        actor=applicant,
        action="partner.applied",
        obj=partner,
        changes=diff({}, snapshot(partner, PARTNER_FIELDS)),
    )
    return partner


@transaction.atomic
def account_create(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
):
    """A new user account. Names the field at fault if the username is taken or
    the password is weak."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("That username is taken: choose another.", field="username")
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            "An account already uses that email address: sign in, or reset your password.",
            field="email",
        )
    user = User(
        username=username, email=email, first_name=first_name, last_name=last_name
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password1") from None
    user.set_password(password)
    user.save()
    audit_record(actor=user, action="account.created", obj=user)
    return user


@transaction.atomic
def partner_application_submit(*, account: dict, partner: dict) -> Partner:
    """Create the applicant's account and the applied partner together, or neither."""
    user = account_create(**account)
    return partner_apply(applicant=user, **partner)


def _lock(partner: Partner) -> Partner:
    return Partner.objects.select_for_update().get(pk=partner.pk)


def _decide(
    partner: Partner,
    status: str,
    decided_by,
    reason: str,
    action: str,
    *,
    logged_reason: str = "",
) -> Partner:
    """`reason` is shown to the partner; the audit entry has `logged_reason`
    instead when there is none."""
    before = partner.status
    partner.status = status
    partner.status_decided_by = decided_by
    partner.status_decided_at = timezone.now()
    partner.status_reason = reason
    partner.save(
        update_fields=[
            "status",
            "status_decided_by",
            "status_decided_at",
            "status_reason",
            "updated_at",
        ]
    )
    audit_record(
        actor=decided_by,
        action=action,
        obj=partner,
        reason=reason or logged_reason,
        changes={"status": [before, status]},
    )
    return partner


def _check_decider(user, partner: Partner) -> None:
    require_perm(
        user,
        "partners.decide_partner",
        partner,
        message="Only a business manager can decide on partners.",
    )


@transaction.atomic
def partner_approve(*, partner: Partner, decided_by, reason: str = "") -> Partner:
    _check_decider(decided_by, partner)
    partner = _lock(partner)
    if partner.status != Partner.Status.APPLIED:
        raise StateError(
            f"{partner.name} is {partner.get_status_display().lower()}, not waiting "
            "for a decision."
            + (
                " Reinstate it instead."
                if partner.status == Partner.Status.SUSPENDED
                else ""
            )
        )
    return _decide(
        partner,
        Partner.Status.APPROVED,
        decided_by,
        reason,  # none: the status says it ("Approved – Approved." said it twice)
        "partner.approved",
        logged_reason="Approved.",
    )


@transaction.atomic
def partner_suspend(*, partner: Partner, decided_by, reason: str) -> Partner:
    """Suspend an approved partner or turn down an application. Reason required."""
    _check_decider(decided_by, partner)
    if not reason.strip():
        raise DomainError("Give a reason: the partner will see it.", field="reason")
    partner = _lock(partner)
    if partner.status == Partner.Status.SUSPENDED:
        raise StateError(f"{partner.name} is already suspended.")
    return _decide(
        partner,
        Partner.Status.SUSPENDED,
        decided_by,
        reason.strip(),
        "partner.suspended",
    )


@transaction.atomic
def partner_reinstate(*, partner: Partner, decided_by, reason: str = "") -> Partner:
    _check_decider(decided_by, partner)
    partner = _lock(partner)
    if partner.status != Partner.Status.SUSPENDED:
        raise StateError(f"{partner.name} is not suspended.")
    return _decide(
        partner,
        Partner.Status.APPROVED,
        decided_by,
        reason or "Reinstated.",
        "partner.reinstated",
    )


@transaction.atomic
def membership_add(
    *, partner: Partner, email: str, role: str, added_by
) -> PartnerMembership:
    require_perm(
        added_by,
        "partners.add_member",
        partner,
        message="Only an administrator of this organisation can add people.",
    )
    if role not in PartnerMembership.Role.values:
        raise DomainError("Choose administrator or staff.", field="role")
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise DomainError(
            f"No account uses {email}: ask them to create an account first.",
            field="email",
        )
    if PartnerMembership.objects.filter(partner=partner, user=user).exists():
        raise DomainError(
            f"{email} is already a member of {partner.name}.", field="email"
        )
    membership = PartnerMembership.objects.create(partner=partner, user=user, role=role)
    # Recorded on the partner, so its page keeps the history after a removal.
    audit_record(
        actor=added_by,
        action="membership.added",
        obj=partner,
        changes={"member": [None, user.email], "role": [None, role]},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: PartnerMembership, removed_by) -> None:
    """Take someone out of an organisation. The last administrator stays."""
    partner = membership.partner
    require_perm(
        removed_by,
        "partners.remove_member",
        partner,
        message="Only an administrator of this organisation can remove people.",
    )
    _lock(partner)
    admins = partner.memberships.filter(role=PartnerMembership.Role.ADMIN)
    if membership.role == PartnerMembership.Role.ADMIN and admins.count() == 1:
        raise StateError(
            f"{membership.user.email} is the only administrator of {partner.name}: "
            "make someone else an administrator first."
        )
    audit_record(
        actor=removed_by,
        action="membership.removed",
        obj=partner,
        changes={
            "member": [membership.user.email, None],
            "role": [membership.role, None],
        },
    )
    membership.delete()


def validate_upload(upload) -> None:
    """PDF, PNG or JPEG (by extension and by content), at most 10 MB."""
    extension = Path(upload.name).suffix.lower()
    if extension not in ALLOWED_UPLOADS:
        raise DomainError("The file must be a PDF, PNG or JPEG.", field="file")
    if upload.size > MAX_UPLOAD_BYTES:
        size_mb = upload.size / (1024 * 1024)
        raise DomainError(
            f"The file is {size_mb:.1f} MB: it must be 10 MB or smaller.", field="file"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(ALLOWED_UPLOADS[extension]):
        raise DomainError(
            f"The file is named {extension} but is not a real {extension[1:].upper()} "
            "file. Upload a PDF, PNG or JPEG.",
            field="file",
        )


def _check_document_fields(kind, expires_on, cover_amount_pence) -> None:
    if kind not in ComplianceDocument.Kind.values:
        raise DomainError("Choose the type of document.", field="kind")
    if kind in NEEDS_EXPIRY and expires_on is None:
        label = ComplianceDocument.Kind(kind).label
        raise DomainError(
            f"Enter the date the {label.lower()} expires.", field="expires_on"
        )
    if expires_on is not None and expires_on < timezone.localdate():
        raise DomainError(
            "The expiry date is in the past: upload a document that is still valid.",
            field="expires_on",
        )
    if kind == ComplianceDocument.Kind.INSURANCE and not cover_amount_pence:
        raise DomainError(
            "Enter the amount of cover, for example 5000000 for £5 million.",
            field="cover_amount",
        )


@transaction.atomic
def compliance_document_upload(
    *,
    partner: Partner,
    uploaded_by,
    kind: str,
    file,
    expires_on: dt.date | None = None,
    cover_amount_pence: int | None = None,
) -> ComplianceDocument:
    require_perm(
        uploaded_by,
        "partners.upload_document",
        partner,
        message="Only an administrator of this organisation can upload documents.",
    )
    _check_document_fields(kind, expires_on, cover_amount_pence)
    validate_upload(file)
    document = ComplianceDocument.objects.create(
        partner=partner,
        kind=kind,
        file=file,
        expires_on=expires_on,
        cover_amount_pence=cover_amount_pence if kind == "insurance" else None,
        uploaded_by=uploaded_by,
    )
    audit_record(
        actor=uploaded_by,
        action="compliance_document.uploaded",
        obj=document,
        changes=diff({}, snapshot(document, DOCUMENT_FIELDS)),
    )
    return document


@transaction.atomic
def compliance_document_verify(
    *, document: ComplianceDocument, verified_by
) -> ComplianceDocument:
    require_perm(
        verified_by,
        "partners.verify_document",
        document,
        message="Only a business manager can verify documents.",
    )
    document = ComplianceDocument.objects.select_for_update().get(pk=document.pk)
    if document.verified_at is not None:
        raise StateError("This document is already verified.")
    document.verified_by = verified_by
    document.verified_at = timezone.now()
    document.save(update_fields=["verified_by", "verified_at", "updated_at"])
    audit_record(
        actor=verified_by,
        action="compliance_document.verified",
        obj=document,
        changes={"verified_at": [None, document.verified_at]},
    )
    return document

"""Partner pages: the public directory, the partner's own page, and the
business manager's review pages. Check permission, parse, call a service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hub.errors import DomainError
from partners import selectors, services
from partners.forms import (
    DecisionForm,
    DocumentUploadForm,
    MemberAddForm,
    StatusFilterForm,
)
from partners.models import ComplianceDocument, Partner


def directory(request):
    partners = selectors.partner_list_public()
    return render(request, "partners/partner_directory.html", {"partners": partners})


def detail(request, slug: str):
    partner = get_object_or_404(Partner, slug=slug)
    private = request.user.has_perm("partners.view_partner_private", partner)
    if not partner.is_approved and not private:
        raise PermissionDenied
    context = {"partner": partner, "private": private}
    if private:
        context |= _private_context(request, partner)
    return render(request, "partners/partner_detail.html", context)


def _private_context(request, partner: Partner) -> dict:
    return {
        "documents": partner.documents.select_related("verified_by").order_by(
            "kind", "-expires_on"
        ),
        "members": partner.memberships.select_related("user").order_by(
            "user__first_name"
        ),
        "warnings": selectors.document_warnings(partner=partner),
        "history": partner.history.select_related("history_user").order_by(
            "-history_date"
        )[:10],
        "can_decide": request.user.has_perm("partners.decide_partner", partner),
        "can_verify": request.user.has_perm("partners.verify_document", partner),
    }


@login_required
def mine(request):
    partner = selectors.partner_get_for_member(user=request.user)
    if partner is None:
        return redirect("partners:apply")
    upload_form = DocumentUploadForm()
    member_form = MemberAddForm()
    if request.method == "POST" and "upload" in request.POST:
        upload_form = DocumentUploadForm(request.POST, request.FILES)
        if _run(
            upload_form,
            services.compliance_document_upload,
            partner=partner,
            uploaded_by=request.user,
        ):
            messages.success(
                request, "Document uploaded. A business manager will check it."
            )
            return redirect("partners:mine")
    elif request.method == "POST" and "add_member" in request.POST:
        member_form = MemberAddForm(request.POST)
        if _run(
            member_form, services.membership_add, partner=partner, added_by=request.user
        ):
            messages.success(
                request,
                f"{member_form.cleaned_data['email']} can now act for {partner.name}.",
            )
            return redirect("partners:mine")
    context = {
        "partner": partner,
        "private": True,
        "upload_form": upload_form
        if request.user.has_perm("partners.upload_document", partner)
        else None,
        "member_form": member_form
        if request.user.has_perm("partners.add_member", partner)
        else None,
        **_private_context(request, partner),
    }
    return render(request, "partners/partner_mine.html", context)


def _run(form, service, **kwargs) -> bool:
    """Validate the form, run the service with its data; errors go on the form."""
    if not form.is_valid():
        return False
    extra = (
        form.service_kwargs() if hasattr(form, "service_kwargs") else form.cleaned_data
    )
    try:
        service(**kwargs, **extra)
    except DomainError as exc:
        form.add_domain_error(exc)
        return False
    return True


@login_required
def review(request):
    if not request.user.has_perm("partners.review_partners"):
        raise PermissionDenied
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else None
    context = {
        "form": form,
        "partners": selectors.partner_list_for_review(status=status),
        "warnings": selectors.document_warnings(),
    }
    return render(request, "partners/partner_review.html", context)


@login_required
@require_POST
def decide(request, slug: str):
    partner = get_object_or_404(Partner, slug=slug)
    if not request.user.has_perm("partners.decide_partner", partner):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    service = {
        "approve": services.partner_approve,
        "suspend": services.partner_suspend,
        "reinstate": services.partner_reinstate,
    }
    if form.is_valid():
        data = form.cleaned_data
        try:
            service[data["decision"]](
                partner=partner, decided_by=request.user, reason=data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            partner.refresh_from_db()
            messages.success(
                request,
                f"{partner.name} is now {partner.get_status_display().lower()}.",
            )
    return redirect("partners:detail", slug=partner.slug)


@login_required
def document(request, document_id: int):
    """Serve a compliance document to those allowed to see it (never a public URL)."""
    doc = get_object_or_404(ComplianceDocument, pk=document_id)
    if not request.user.has_perm("partners.view_document", doc):
        raise PermissionDenied
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404(
            "The file is missing: ask the partner to upload it again."
        ) from None
    response = FileResponse(handle, filename=doc.file.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def document_verify(request, document_id: int):
    doc = get_object_or_404(
        ComplianceDocument.objects.select_related("partner"), pk=document_id
    )
    if not request.user.has_perm("partners.verify_document", doc):
        raise PermissionDenied
    try:
        services.compliance_document_verify(document=doc, verified_by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"{doc.get_kind_display()} for {doc.partner.name} verified."
        )
    return redirect("partners:detail", slug=doc.partner.slug)


def apply(request):
    """The application form lives with the account pages (hub.accounts)."""
    from hub.accounts import partner_apply_view

    return partner_apply_view(request)

"""Partner pages: the public directory, the partner's own page, and the
business manager's review pages. A selector finds what the person may see (404
otherwise); hub.views_base.submit/act call the service, which checks the
permission (403) and records the change; then redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from hub.views_base import act, submit
from partners import selectors, services
from partners.forms import (
    DecisionForm,
    DocumentUploadForm,
    MemberAddForm,
    StatusFilterForm,
)
from partners.models import Partner, PartnerMembership


def directory(request):
    partners = selectors.partner_list_public()
    return render(request, "partners/partner_directory.html", {"partners": partners})


def detail(request, slug: str):
    partner = selectors.partner_get_visible(actor=request.user, slug=slug)
    private = request.user.has_perm("partners.view_partner_private", partner)
    context = {"partner": partner, "private": private}
    if private:
        context |= _private_context(request, partner)
    return render(request, "partners/partner_detail.html", context)


def _detail_with_errors(request, partner: Partner, decision_form) -> HttpResponse:
    """The partner's page again with the decision form's errors at the top and
    the reason typed kept: 400."""
    context = {"partner": partner, "private": True}
    context |= _private_context(request, partner) | {"decision_form": decision_form}
    return render(request, "partners/partner_detail.html", context, status=400)


def _private_context(request, partner: Partner) -> dict:
    """What members and reviewers see. `can_*` only show or hide buttons; the
    services decide."""
    return {
        "documents": partner.documents.select_related("verified_by").order_by(
            "kind", "-expires_on"
        ),
        "members": partner.memberships.select_related("user").order_by(
            "user__first_name"
        ),
        "warnings": selectors.document_warnings(partner=partner),
        "history": selectors.partner_history(partner=partner),
        "can_decide": request.user.has_perm("partners.decide_partner", partner),
        "can_verify": request.user.has_perm("partners.verify_document", partner),
        "decision_form": DecisionForm(),
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
        if submit(
            upload_form,
            lambda _: services.compliance_document_upload(
                partner=partner,
                uploaded_by=request.user,
                **upload_form.service_kwargs(),
            ),
        ):
            messages.success(
                request, "Document uploaded. A business manager will check it."
            )
            return redirect("partners:mine")
    elif request.method == "POST" and "add_member" in request.POST:
        member_form = MemberAddForm(request.POST)
        if submit(
            member_form,
            lambda data: services.membership_add(
                partner=partner, added_by=request.user, **data
            ),
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


@login_required
@require_POST
def member_remove(request, membership_id: int):
    membership = get_object_or_404(
        PartnerMembership.objects.select_related("partner", "user"),
        pk=membership_id,
        partner_id=getattr(
            selectors.partner_get_for_member(user=request.user), "pk", None
        ),
    )
    act(
        request,
        lambda: services.membership_remove(
            membership=membership, removed_by=request.user
        ),
        success=f"{membership.user.email} can no longer act for "
        f"{membership.partner.name}.",
    )
    return redirect("partners:mine")


@login_required
@permission_required("partners.review_partners", raise_exception=True)
def review(request):
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else None
    context = {
        "form": form,
        "partners": selectors.partner_list_for_review(status=status),
        "warnings": selectors.document_warnings(),
    }
    return render(request, "partners/partner_review.html", context)


DECISIONS = {
    "approve": services.partner_approve,
    "suspend": services.partner_suspend,
    "reinstate": services.partner_reinstate,
}


@login_required
@require_POST
def decide(request, slug: str):
    partner = selectors.partner_get_visible(actor=request.user, slug=slug)
    form = DecisionForm(request.POST)
    done = submit(
        form,
        lambda data: DECISIONS[data["decision"]](
            partner=partner, decided_by=request.user, reason=data["reason"]
        ),
    )
    if not done:
        # A missing reason is shown on the Reason box, not as a page message.
        return _detail_with_errors(request, partner, form)
    status = done.value.get_status_display().lower()
    messages.success(request, f"{partner.name} is now {status}.")
    return redirect("partners:detail", slug=partner.slug)


@login_required
def document(request, document_id: int):
    """Serve a compliance document to those allowed to see it (never a public URL)."""
    doc = get_object_or_404(
        selectors.document_list_visible(actor=request.user), pk=document_id
    )
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
        selectors.document_list_visible(actor=request.user), pk=document_id
    )
    act(
        request,
        lambda: services.compliance_document_verify(
            document=doc, verified_by=request.user
        ),
        success=f"{doc.get_kind_display()} for {doc.partner.name} verified.",
    )
    return redirect("partners:detail", slug=doc.partner.slug)

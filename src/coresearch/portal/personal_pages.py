"""The co-researcher's own pages: agreements, consent, evaluation and their data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coresearch.domain.agreements import lifecycle
from coresearch.domain.agreements import schemas as agreement_schemas
from coresearch.domain.agreements import service as agreements
from coresearch.domain.coresearchers import consents, profiles
from coresearch.domain.coresearchers import schemas as coresearcher_schemas
from coresearch.domain.coresearchers.tables import ConsentScope
from coresearch.domain.involvement import evaluations
from coresearch.domain.involvement import schemas as involvement_schemas
from coresearch.domain.privacy import export
from coresearch.lib.crypto import keyring_for
from coresearch.lib.problems import BadRequest, Conflict, NotFound
from coresearch.lib.records import today
from coresearch.portal import views
from coresearch.portal.forms import FieldErrors, form_of, text_field
from coresearch.portal.i18n import N_
from coresearch.portal.session import PORTAL_PATH
from coresearch.portal.web import AnyRequest, Viewer, render, see_other
from coresearch.settings import Settings

QUESTIONS = ("voice", "contribute", "agenda", "change")
SCORES = (1, 2, 3, 4, 5)
NEEDS = ("large_print", "breaks", "companion")


def _revision(form: dict[str, str]) -> int | None:
    raw = form.get("revision", "")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


class PersonalPages(Controller):
    """`/portal/agreements`, `/portal/consent`, `/portal/evaluation`, `/portal/my-data`."""

    path = PORTAL_PATH

    @get("/agreements", name="portal:agreements")
    async def agreement_list(self, request: AnyRequest, viewer: Viewer) -> Template:
        """The visitor's agreements: waiting for them first."""
        project_list = await views.my_projects(viewer)
        found = await views.my_agreements(viewer, project_list)
        return render(
            request,
            "agreements.html",
            viewer=viewer,
            waiting=[item for item in found if item.awaiting_acceptance],
            others=[item for item in found if not item.awaiting_acceptance],
            projects={project.id: project for project in project_list},
        )

    @get("/agreements/{agreement_id:uuid}", name="portal:agreement")
    async def agreement(self, request: AnyRequest, viewer: Viewer, agreement_id: FromPath[UUID]) -> Template:
        """The current text, a button to accept it, and the versions accepted before."""
        found = await agreements.get_agreement(principal=viewer, agreement_id=agreement_id)
        if found.status.value == "draft":
            raise NotFound("No such agreement")
        return render(
            request,
            "agreement.html",
            viewer=viewer,
            agreement=found,
            accepted=request.query_params.get("accepted") == "1",
            may_accept=found.awaiting_acceptance and found.coresearcher_id == viewer.id,
        )

    @post("/agreements/{agreement_id:uuid}/accept")
    async def accept(self, request: AnyRequest, viewer: Viewer, agreement_id: FromPath[UUID]) -> Redirect:
        """Accept the version read (its `revision`): a changed text is not accepted unseen (409)."""
        form = await form_of(request)
        await lifecycle.accept_agreement(
            principal=viewer,
            agreement_id=agreement_id,
            data=agreement_schemas.AgreementStep(revision=_revision(form)),
        )
        return see_other(f"{PORTAL_PATH}/agreements/{agreement_id}?accepted=1")

    @get("/consent", name="portal:consent")
    async def consent(self, request: AnyRequest, viewer: Viewer) -> Template:
        """Each consent in one sentence, with its state, a button to change it, and the history."""
        found = await consents.get_consents(principal=viewer, coresearcher_id=viewer.id)
        return render(
            request,
            "consent.html",
            viewer=viewer,
            scopes=found.scopes,
            history=found.history or [],
            changed=request.query_params.get("changed"),
        )

    @post("/consent/{consent_scope:str}")
    async def decide(self, request: AnyRequest, viewer: Viewer, consent_scope: FromPath[str]) -> Redirect:
        """Grant or withdraw one consent (the person only, as `PUT .../consents/{scope}`)."""
        form = await form_of(request)
        try:
            chosen = ConsentScope(consent_scope)
        except ValueError:
            raise NotFound("No such consent") from None
        granted = form.get("granted")
        if granted not in {"true", "false"}:
            raise BadRequest("Choose to give or withdraw the consent")
        await consents.put_consent(
            principal=viewer,
            coresearcher_id=viewer.id,
            scope=chosen,
            data=coresearcher_schemas.ConsentPut(granted=granted == "true"),
        )
        return see_other(f"{PORTAL_PATH}/consent?changed={chosen.value}#consent-{chosen.value}")

    @get("/evaluation", name="portal:evaluation")
    async def evaluation(self, request: AnyRequest, viewer: Viewer) -> Template:
        """Open evaluation rounds to answer, and those answered."""
        project_list = await views.my_projects(viewer)
        rounds = await views.my_rounds(viewer, project_list)
        return render(
            request,
            "evaluation.html",
            viewer=viewer,
            to_answer=[r for r in rounds if r.status.value == "open" and r.answered is False],
            answered=[r for r in rounds if r.answered],
            projects={project.id: project for project in project_list},
            thanks=request.query_params.get("thanks") == "1",
        )

    @get("/evaluation/{round_id:uuid}", name="portal:evaluation_round")
    async def evaluation_form(
        self, request: AnyRequest, viewer: Viewer, round_id: FromPath[UUID]
    ) -> Template:
        """The four questions of one open round."""
        found = await self._open_round(viewer, round_id)
        return render(
            request, "evaluation_form.html", viewer=viewer, round=found, errors=FieldErrors(), chosen={}
        )

    @post("/evaluation/{round_id:uuid}")
    async def answer(
        self, request: AnyRequest, viewer: Viewer, round_id: FromPath[UUID]
    ) -> Template | Redirect:
        """Answer once; the answer is stored apart from who gave it."""
        found = await self._open_round(viewer, round_id)
        form = await form_of(request)
        errors = FieldErrors()
        chosen: dict[str, int] = {}
        for question in QUESTIONS:
            value = form.get(question, "")
            if value.isdigit() and int(value) in SCORES:
                chosen[question] = int(value)
            else:
                errors.add(question, N_("Choose one answer."))
        comment = text_field(form, "comment")
        if len(comment) > 2000:
            errors.add("comment", N_("Write at most 2000 characters."))
        if errors:
            return render(
                request,
                "evaluation_form.html",
                viewer=viewer,
                round=found,
                errors=errors,
                chosen=chosen,
                comment=comment,
                status_code=400,
            )
        data = involvement_schemas.EvaluationAnswerCreate(**chosen, comment=comment or None)
        try:
            await evaluations.answer_round(principal=viewer, round_id=round_id, data=data)
        except Conflict:
            return see_other(f"{PORTAL_PATH}/evaluation")
        return see_other(f"{PORTAL_PATH}/evaluation?thanks=1")

    async def _open_round(self, viewer: Viewer, round_id: UUID) -> involvement_schemas.EvaluationRound:
        """A round of the visitor's projects (404 otherwise)."""
        rounds = await views.my_rounds(viewer, await views.my_projects(viewer))
        found = next((r for r in rounds if r.id == round_id), None)
        if found is None:
            raise NotFound("No such evaluation round")
        return found

    @get("/my-data", name="portal:my_data")
    async def my_data(
        self, request: AnyRequest, viewer: Viewer, settings: NamedDependency[Settings]
    ) -> Template:
        """Contact details and accessibility needs (editable), and the download of everything."""
        profile = await profiles.get_profile(
            principal=viewer, coresearcher_id=viewer.id, keyring=keyring_for(settings.data_keys)
        )
        saved = request.query_params.get("saved") == "1"
        return render(
            request, "my_data.html", viewer=viewer, profile=profile, errors=FieldErrors(), saved=saved
        )

    @post("/my-data")
    async def save_my_data(
        self, request: AnyRequest, viewer: Viewer, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        """Change phone, organisation and accessibility needs (as `PATCH /coresearchers/{id}`)."""
        form = await form_of(request)
        raw: dict[str, Any] = {
            "phone": text_field(form, "phone"),
            "organisation": text_field(form, "organisation"),
            "accessibility_needs": {
                **{need: form.get(need) == "on" for need in NEEDS},
                "notes": text_field(form, "notes"),
            },
        }
        keyring = keyring_for(settings.data_keys)
        errors = FieldErrors()
        try:
            data = msgspec.convert(raw, coresearcher_schemas.ProfileUpdate)
            await profiles.update_profile(
                principal=viewer, coresearcher_id=viewer.id, data=data, keyring=keyring
            )
        except (msgspec.ValidationError, BadRequest) as exc:
            field = next((name for name in ("phone", "organisation", "notes") if name in str(exc)), "phone")
            errors.add(field, N_("Check this field: it is too long or has characters we cannot store."))
        if errors:
            profile = await profiles.get_profile(principal=viewer, coresearcher_id=viewer.id, keyring=keyring)
            return render(
                request,
                "my_data.html",
                viewer=viewer,
                profile=profile,
                errors=errors,
                saved=False,
                status_code=400,
            )
        return see_other(f"{PORTAL_PATH}/my-data?saved=1")

    @get("/my-data/export", name="portal:export")
    async def export(self, viewer: Viewer, settings: NamedDependency[Settings]) -> Response[bytes]:
        """Everything held about the visitor as JSON (`GET /me/export`), as a download."""
        found = await export.export_person(principal=viewer, keyring=keyring_for(settings.data_keys))
        return Response(
            content=msgspec.json.encode(found),
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="my-data-{today().isoformat()}.json"',
                "Cache-Control": "private, no-store",
            },
        )

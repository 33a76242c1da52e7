"""The console's pages: rounds and their figures, a round's targets, a target, the review
queue with its decisions, and the round's report files.

Pages are rendered on the server (Jinja2, autoescaped) from the same store and the same code
as the CLI: figures from govcheck.report.summary (and its charts from govcheck.report.html),
evidence in words from govcheck.report.evidence, decisions through govcheck.decisions and
govcheck.rounds.classify_round, report files through govcheck.report.write_round_reports.
Endpoints are coroutines: the store is used from the server's one thread, as the CLI uses it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp

from govcheck.console.security import (
    CSRF_FIELD,
    MAX_UPLOAD,
    LoginRequired,
    LoopbackHostsOnly,
    SecurityHeaders,
    checked_form,
    csrf_token,
)
from govcheck.console.users import verify
from govcheck.decisions import FAIL, OUTCOMES, DecisionError, checked_decision, decisions_of, record_decision
from govcheck.report.evidence import SEVERITY_NAMES, evidence_facts, evidence_links, moment_text, rule_text
from govcheck.report.html import round_charts, totals_table
from govcheck.report.summary import (
    KIND_NAMES,
    KINDS,
    PROBLEM_SEVERITIES,
    REVIEW,
    RoundReport,
    TargetResult,
    change_points,
    change_text,
    load_round_report,
    load_round_results,
    percent_text,
    problem_name,
    result_from,
    score_cell,
    tally,
)
from govcheck.report.titles import round_name, round_parts
from govcheck.rounds import ROUND_ID, STATE_WORDS_ZH, RoundError, classify_round, get_round, report_refusal, round_state
from govcheck.rules import load_profile
from govcheck.screenshots import PNG_SIGNATURE, load_screenshot, save_screenshot
from govcheck.store import SHANGHAI, Store

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 200
FILE_NAME = re.compile(r"^(report|notice)-\d{4}-[1-9]\d*\.(xlsx|docx|html)$")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


@dataclass
class ConsoleConfig:
    """How the console runs: its store, whether it asks for a login (bound beyond loopback)
    and with which users, where report files are written, the office profile for the notice."""

    store: Store
    login_required: bool = False
    users: dict[str, str] = field(default_factory=dict)
    out: Path = Path("reports")
    office: Any = None  # govcheck.report.office.Office
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))


def create_app(config: ConsoleConfig) -> ASGIApp:
    environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    templates = Jinja2Templates(env=environment)
    console = _Console(config, templates)
    routes = [
        Route("/", console.rounds),
        Route("/login", console.login, methods=["GET", "POST"]),
        Route("/logout", console.logout, methods=["POST"]),
        Route("/rounds/{round_id}", console.round),
        Route("/rounds/{round_id}/targets", console.targets),
        Route("/rounds/{round_id}/target", console.target),
        Route("/rounds/{round_id}/queue", console.queue),
        Route("/rounds/{round_id}/decisions", console.decide, methods=["POST"]),
        Route("/rounds/{round_id}/reports", console.write_reports, methods=["POST"]),
        Route("/rounds/{round_id}/reports/{name}", console.report_file),
        Route("/rounds/{round_id}/screenshot", console.screenshot),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [] if config.login_required else [Middleware(LoopbackHostsOnly)]
    middleware += [
        Middleware(SessionMiddleware, secret_key=config.secret, session_cookie="govcheck_console", same_site="strict"),
        Middleware(LoginRequired, required=config.login_required),
    ]
    # starlette types a handler as taking any Exception, though it calls it with the class it is registered for
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: console.error})  # type: ignore[dict-item]
    return SecurityHeaders(app)  # outside Starlette's own error middleware: its 500 answers carry the headers too


class _Console:
    def __init__(self, config: ConsoleConfig, templates: Jinja2Templates) -> None:
        self.config = config
        self.store = config.store
        self.templates = templates

    # -- helpers -----------------------------------------------------------------------

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
        context.update(
            user=request.session.get("user"),
            login_required=self.config.login_required,
            csrf_field=CSRF_FIELD,
            csrf=csrf_token(request),
            flash=request.session.pop("flash", None),
            kind_names=KIND_NAMES,
        )
        return self.templates.TemplateResponse(request, template, context, status_code=status_code)

    async def error(self, request: Request, error: HTTPException) -> Response:
        return self.page(request, "error.html", status_code=error.status_code, message=error.detail)

    def round_document(self, request: Request) -> dict[str, Any]:
        round_id = request.path_params["round_id"]
        if not ROUND_ID.match(round_id):
            raise HTTPException(404, f"轮次 {round_id} 不存在")
        try:
            return get_round(self.store, round_id)
        except RoundError as error:
            raise HTTPException(404, f"轮次 {round_id} 不存在") from error

    def round_ids(self) -> list[str]:
        """Every stored round, newest first."""
        ids = [r["round"] for r in self.store.find("rounds") if ROUND_ID.match(str(r.get("round", "")))]
        return sorted(ids, key=round_parts, reverse=True)

    def previous_round(self, round_id: str) -> str | None:
        earlier = [r for r in self.round_ids() if round_parts(r) < round_parts(round_id)]
        return earlier[0] if earlier else None

    def report(self, round_id: str) -> RoundReport:
        return load_round_report(self.store, round_id, self.previous_round(round_id))

    # -- rounds --------------------------------------------------------------------------

    async def rounds(self, request: Request) -> Response:
        ids = self.round_ids()
        counted = {r: load_round_results(self.store, r, details=False) for r in ids}
        rows = []
        for index, round_id in enumerate(ids):
            previous = ids[index + 1] if index + 1 < len(ids) else None
            figures = []
            for kind in KINDS:
                now = tally(counted[round_id].of_kind(kind))
                before = tally(counted[previous].of_kind(kind)) if previous else None
                figures.append({"kind": KIND_NAMES[kind], "tally": now, "rate": percent_text(now.rate),
                                "change": change_text(change_points(now.rate, before.rate)) if before else ""})
            rows.append({"round": round_id, "name": round_name(round_id), "document": counted[round_id].round,
                         "figures": figures, "previous": previous})
        return self.page(request, "rounds.html", rows=rows)

    async def round(self, request: Request) -> Response:
        document = self.round_document(request)
        report = self.report(document["round"])
        groups = []
        for kind in KINDS:
            before = report.by_category(kind, previous=True)
            categories = [
                {"name": name, "tally": t, "rate": percent_text(t.rate),
                 "change": change_text(change_points(t.rate, before[name].rate)) if name in before else ""}
                for name, t in report.by_category(kind).items()
            ]
            districts = [{"name": name, "tally": t, "rate": percent_text(t.rate)} for name, t in report.by_district(kind).items()]
            groups.append({"kind": kind, "name": KIND_NAMES[kind], "categories": categories, "districts": districts})
        state = round_state(self.store, document["round"])
        files = self.written_files(document["round"])
        return self.page(
            request, "round.html", round=document, name=round_name(document["round"]), report=report,
            totals=Markup(totals_table(report)), charts=Markup(round_charts(report)), groups=groups, state=state,
            previous=report.previous.round_id if report.previous else None, files=files,
            pending=report.tally("site").review + report.tally("account").review,
            profile=load_profile(document["profile"]).name, state_words=STATE_WORDS_ZH.get(state.state, state.state),
        )

    # -- targets --------------------------------------------------------------------------

    async def targets(self, request: Request) -> Response:
        document = self.round_document(request)
        results = load_round_results(self.store, document["round"]).results
        chosen = {name: request.query_params.get(name, "") for name in ("verdict", "district", "category", "problem", "kind")}
        options = {
            "verdict": sorted({r.verdict for r in results}),
            "district": sorted({r.district for r in results if r.district}),
            "category": sorted({r.category for r in results if r.category}),
            "problem": sorted({problem_name(f.get("label", "")) for r in results for f in r.findings
                               if f.get("severity") in PROBLEM_SEVERITIES}),
            "kind": list(KINDS),
        }
        shown = [r for r in results if _matches(r, chosen)]
        page_number = max(1, int(request.query_params.get("page", "1")) if request.query_params.get("page", "1").isdigit() else 1)
        pages = max(1, -(-len(shown) // PAGE_SIZE))
        page_number = min(page_number, pages)
        listed = shown[(page_number - 1) * PAGE_SIZE: page_number * PAGE_SIZE]
        base = {k: v for k, v in chosen.items() if v}
        return self.page(
            request, "targets.html", round=document, name=round_name(document["round"]), results=listed, total=len(shown),
            chosen=chosen, options=options, page_number=page_number, pages=pages,
            page_url=lambda n: f"?{urlencode({**base, 'page': n})}", target_url=self.target_url,
        )

    def target_url(self, round_id: str, key: str) -> str:
        return f"/rounds/{round_id}/target?{urlencode({'key': key})}"

    async def target(self, request: Request) -> Response:
        document = self.round_document(request)
        round_id, key = document["round"], request.query_params.get("key", "")
        verdict = self.store.find_one("verdicts", {"round": round_id, "target_key": key})
        if verdict is None:
            raise HTTPException(404, f"{round_id} 轮没有检查对象 {key}")
        target = self.store.find_one("targets", {"key": key}) or {}
        findings = self.store.find("findings", {"round": round_id, "target_key": key}, sort=[("code", 1)])
        screenshots = [
            {"what": o["kind"] if o["key"] == o["kind"] else f"{o['kind']} {o['key']}", "url": o.get("url", ""),
             "src": f"/rounds/{round_id}/screenshot?{urlencode({'target': key, 'kind': o['kind'], 'key': o['key']})}",
             "taken_at": moment_text(o["screenshot"].get("taken_at") or "")}
            for o in self.store.observations_of(round_id, key) if isinstance(o.get("screenshot"), dict)
        ]
        decisions = self.decision_rows(round_id, key)
        history = sorted(self.store.find("verdicts", {"target_key": key}), key=lambda v: round_parts(v["round"]), reverse=True)
        reviewable = any(f.get("severity") == "review" or f.get("code") == "review.decision" for f in findings)
        return self.page(
            request, "target.html", round=document, name=round_name(round_id), verdict=verdict, target=target,
            findings=[self.finding_words(f) for f in findings], screenshots=screenshots, decisions=decisions,
            history=history, reviewable=reviewable, score=score_cell(result_from(verdict, target, findings)), labels=self.label_choices(document, verdict.get("kind", "site")),
            outcomes=OUTCOMES, inspector=self.inspector_name(request), target_url=self.target_url,
        )

    def finding_words(self, finding: dict[str, Any]) -> dict[str, Any]:
        """A finding as the reports word it (govcheck.report.evidence)."""
        return {
            "label": finding.get("label", ""),
            "severity": finding.get("severity", ""),
            "severity_name": SEVERITY_NAMES.get(finding.get("severity", ""), finding.get("severity", "")),
            "rule": rule_text(finding.get("rule")),
            "reason": finding.get("reason", ""),
            "facts": evidence_facts(finding.get("evidence")),
            "links": evidence_links(finding.get("evidence")),
            "code": finding.get("code", ""),
        }

    def decision_rows(self, round_id: str, key: str | None = None) -> list[dict[str, Any]]:
        rows = []
        for decision in reversed(decisions_of(self.store, round_id, key)):
            rows.append({**decision, "at": moment_text(decision["decided_at"]),
                         "screenshot_src": f"/rounds/{round_id}/screenshot?{urlencode({'decision': decision['id']})}"
                         if decision.get("screenshot") else ""})
        return rows

    def label_choices(self, round_document: dict[str, Any], kind: str) -> list[str]:
        """The labels the notice prints for the kind (the round's profile), without templates."""
        profile = load_profile(round_document["profile"])
        part = "websites" if kind == "site" else "new_media"
        return [label for label in profile.label_order(part) if "{" not in label]

    def inspector_name(self, request: Request) -> str:
        return request.session.get("user") or request.session.get("inspector") or ""

    # -- the review queue --------------------------------------------------------------------

    async def queue(self, request: Request) -> Response:
        document = self.round_document(request)
        round_id = document["round"]
        results = load_round_results(self.store, round_id).results
        pending = [r for r in results if r.verdict == REVIEW]
        decided = [r for r in results if any(f.get("code") == "review.decision" for f in r.findings)]
        latest = {d["target_key"]: d for d in self.decision_rows(round_id)[::-1]}
        items = [self.queue_item(r, latest.get(r.key)) for r in pending]
        return self.page(
            request, "queue.html", round=document, name=round_name(round_id), items=items,
            decided=[self.queue_item(r, latest.get(r.key)) for r in decided], outcomes=OUTCOMES,
            labels={kind: self.label_choices(document, kind) for kind in KINDS}, inspector=self.inspector_name(request),
            target_url=self.target_url,
        )

    def queue_item(self, result: TargetResult, decision: dict[str, Any] | None) -> dict[str, Any]:
        reviews = [f for f in result.findings if f.get("severity") == "review"]
        return {
            "result": result,
            "reasons": result.review_reasons(),
            "findings": [self.finding_words(f) for f in reviews or result.findings],
            "decision": decision,
        }

    async def decide(self, request: Request) -> Response:
        document = self.round_document(request)
        form = await checked_form(request)
        round_id = document["round"]
        key = str(form.get("target_key", ""))
        back = str(form.get("back", "")) or f"/rounds/{round_id}/queue"
        if not back.startswith("/rounds/"):
            back = f"/rounds/{round_id}/queue"
        inspector = request.session.get("user") or str(form.get("inspector", ""))
        screenshot = None
        upload = form.get("screenshot")
        now = datetime.now(SHANGHAI)
        fields = (str(form.get("outcome", "")), inspector, str(form.get("reason", "")))
        try:
            checked_decision(self.store, round_id, key, *fields, label=str(form.get("label", "")))  # before a screenshot is kept
            if isinstance(upload, UploadFile) and upload.filename:
                png = await upload.read(MAX_UPLOAD + 1)
                if len(png) > MAX_UPLOAD:
                    raise DecisionError(f"截图: larger than {MAX_UPLOAD // 1024 // 1024} MB")
                if not png.startswith(PNG_SIGNATURE):
                    raise DecisionError("截图: a PNG image is expected (截图工具保存的 .png)")
                screenshot = save_screenshot(self.store, round_id, key, "decision", now.strftime("%Y%m%dT%H%M%S%f"), png, now)
            decision = record_decision(self.store, round_id, key, *fields, now, label=str(form.get("label", "")), screenshot=screenshot)
        except DecisionError as error:
            request.session["flash"] = {"error": True, "text": f"未记录：{error}"}
            return RedirectResponse(back, status_code=303)
        classify_round(self.store, round_id, [key])
        if not request.session.get("user"):
            request.session["inspector"] = decision["inspector"]
        verdict = self.store.find_one("verdicts", {"round": round_id, "target_key": key}) or {}
        request.session["flash"] = {"error": False, "text": (
            f"已记录 {decision['inspector']} 对 {verdict.get('name', key)} 的复核：{decision['before']['verdict']} → "
            f"{verdict.get('verdict', '')}" + (f"（{decision['label']}）" if decision["outcome"] == FAIL else ""))}
        return RedirectResponse(back, status_code=303)

    # -- screenshots -------------------------------------------------------------------------

    async def screenshot(self, request: Request) -> Response:
        document = self.round_document(request)
        params = request.query_params
        if params.get("decision"):
            found = self.store.find_one("decisions", {"round": document["round"], "id": params["decision"]})
        else:
            found = self.store.find_one("observations", {"round": document["round"], "target_key": params.get("target", ""),
                                                         "kind": params.get("kind", ""), "key": params.get("key", "")})
        reference = (found or {}).get("screenshot")
        if not isinstance(reference, dict):
            raise HTTPException(404, "没有这张截图")
        try:
            png = load_screenshot(self.store, reference)
        except (OSError, ValueError) as error:
            raise HTTPException(404, f"截图无法读取：{error}") from error
        return Response(png, media_type="image/png", headers={"cache-control": "private, max-age=3600"})

    # -- report files ----------------------------------------------------------------------

    def report_folder(self, round_id: str) -> Path:
        return self.config.out / round_id

    def written_files(self, round_id: str) -> list[dict[str, Any]]:
        from govcheck.report.files import round_file_names

        folder = self.report_folder(round_id)
        return [
            {"name": name, "url": f"/rounds/{round_id}/reports/{name}",
             "written": moment_text(datetime.fromtimestamp((folder / name).stat().st_mtime, SHANGHAI))}
            for name in round_file_names(round_id) if (folder / name).is_file()
        ]

    async def write_reports(self, request: Request) -> Response:
        from govcheck.report import write_round_reports

        document = self.round_document(request)
        await checked_form(request)
        round_id = document["round"]
        try:
            unfinished = report_refusal(self.store, round_id, force=True)
            write_round_reports(self.store, round_id, self.report_folder(round_id), datetime.now(SHANGHAI).date(),
                                self.previous_round(round_id), self.config.office, unfinished)
        except (RoundError, OSError) as error:
            request.session["flash"] = {"error": True, "text": f"报告未生成：{error}"}
        else:
            text = "已生成汇总表（xlsx）、通报稿（docx）和网页（html）"
            request.session["flash"] = {"error": bool(unfinished), "text": text + (f"，均标注【未完成】：{unfinished}" if unfinished else "")}
        return RedirectResponse(f"/rounds/{round_id}#reports", status_code=303)

    async def report_file(self, request: Request) -> Response:
        document = self.round_document(request)
        name = request.path_params["name"]
        path = self.report_folder(document["round"]) / name
        if not FILE_NAME.match(name) or document["round"] not in name or not path.is_file():
            raise HTTPException(404, f"{name} 尚未生成")
        return FileResponse(path, media_type=MEDIA_TYPES[name.rsplit(".", 1)[1]], filename=name,
                            content_disposition_type="attachment")

    # -- login -----------------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return self.page(request, "login.html", failed=False)
        form = await checked_form(request)
        name = str(form.get("name", "")).strip()
        if self.config.login_required and verify(self.config.users, name, str(form.get("password", ""))):
            request.session.clear()
            request.session["user"] = name
            return RedirectResponse("/", status_code=303)
        return self.page(request, "login.html", status_code=401 if self.config.login_required else 404, failed=True)

    async def logout(self, request: Request) -> Response:
        await checked_form(request)
        request.session.clear()
        return RedirectResponse("/login" if self.config.login_required else "/", status_code=303)


def _matches(result: TargetResult, chosen: dict[str, str]) -> bool:
    if chosen["verdict"] and result.verdict != chosen["verdict"]:
        return False
    if chosen["district"] and result.district != chosen["district"]:
        return False
    if chosen["category"] and result.category != chosen["category"]:
        return False
    if chosen["kind"] and result.kind != chosen["kind"]:
        return False
    if chosen["problem"]:
        return any(f.get("severity") in PROBLEM_SEVERITIES and problem_name(f.get("label", "")) == chosen["problem"]
                   for f in result.findings)
    return True

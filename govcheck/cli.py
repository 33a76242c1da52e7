"""The ``govcheck`` command: import targets, run a round, query the results, run the demo."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcheck.audit import QUESTIONS, QuestionError, ask
from govcheck.row_output import QUERY_COLUMNS, print_verdict_summary, write_rows
from govcheck.store import SHANGHAI, Store
from govcheck.user_errors import UserError

if TYPE_CHECKING:
    from govcheck.report.office import Office

DESCRIPTION = """\
govcheck 按《政府网站与政务新媒体检查指标》(国办秘函〔2019〕19号)检查政府网站与政务新媒体。
Inspects government websites and new-media accounts and stores observations, findings and
verdicts. The store is MongoDB when GOVCHECK_MONGO_URI (or --mongo-uri) is set, else an
embedded store under GOVCHECK_DATA_DIR (default ./var).

A round, step by step:
  govcheck targets import targets.xlsx          # sheets 网站, 栏目, 新媒体
  govcheck run --round 2024-1 --as-of 2024-02-20
  govcheck observe import observed.xlsx --round 2024-1   # inspectors' own observations
  govcheck query --ask failures-by-district --round 2024-1
  govcheck report --round 2024-1 --previous 2023-4 --office office.yaml --out reports   # 附件1/附件2 .xlsx, notice .docx, .html
  govcheck recheck --round 2024-2 --from 2024-1 --as-of 2024-03-15  # 整改复查 of the 不合格 targets
  govcheck serve                                 # the console: figures, review queue, decisions, reports
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if not getattr(arguments, "handler", None):
        parser.print_help()
        return 2
    if arguments.mongo_uri:
        os.environ["GOVCHECK_MONGO_URI"] = arguments.mongo_uri
    if arguments.data_dir:
        os.environ["GOVCHECK_DATA_DIR"] = str(arguments.data_dir)
    from govcheck.network_policy import NetworkPolicyError
    from govcheck.rounds import RoundError
    from govcheck.rules import ProfileError
    from govcheck.store import StoreError

    try:
        return arguments.handler(arguments)
    except UserError as error:
        print(f"govcheck: {error}", file=sys.stderr)
        return error.exit_code
    except (RoundError, ProfileError, StoreError, NetworkPolicyError) as error:
        print(f"govcheck: {error}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govcheck", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mongo-uri", help="MongoDB server (default: $GOVCHECK_MONGO_URI; unset: embedded store)")
    parser.add_argument("--data-dir", type=Path, help="folder of the embedded store (default: $GOVCHECK_DATA_DIR or ./var)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    targets = commands.add_parser("targets", help="the register of websites and accounts to inspect")
    targets_commands = targets.add_subparsers(title="targets commands", metavar="COMMAND")
    targets_import = targets_commands.add_parser(
        "import",
        help="import targets from .xlsx (sheets 网站, 栏目, 新媒体), .csv or .yaml",
        description="Validates the whole file first: an invalid file imports nothing and its "
        "problems (its shape and its rows, in one pass: the first 100 and how many more) are "
        "listed with file, sheet, row and column; 选择器 are compiled. Caps: 50,000 rows a sheet, "
        "4,000 characters a cell, a workbook unpacking to 128 MB. Re-importing updates targets by "
        "name; targets missing from the file are kept (they may belong to stored rounds).",
    )
    targets_import.add_argument("file", type=Path)
    targets_import.set_defaults(handler=command_targets_import)
    targets_template = targets_commands.add_parser(
        "template", help="write an empty register (.xlsx) with the three sheets and drop-down lists"
    )
    targets_template.add_argument("file", type=Path)
    targets_template.set_defaults(handler=command_template, template="targets")
    targets_list = targets_commands.add_parser("list", help="list the registered targets")
    targets_list.add_argument("--kind", choices=["site", "account"])
    add_format_options(targets_list)
    targets_list.set_defaults(handler=command_targets_list)

    run = commands.add_parser(
        "run",
        help="run an inspection round (all spiders) and assess every target",
        description="Crawls every registered target, stores observations, then findings and "
        "verdicts. Re-running the same round judges each target on the latest run that observed "
        "it (same as_of required). Exit status: 0 the round is finished; 3 incomplete (targets "
        "not reached, a spider stopped early); 130/143 interrupted by SIGINT (Ctrl-C) or SIGTERM "
        "(4 by another cause); 1 an error (the store refusing a write stops the crawl and says "
        "where and why). A second Ctrl-C stops at once.",
    )
    run.add_argument("--round", required=True, help="round id, YEAR-N, e.g. 2024-1")
    run.add_argument("--as-of", required=True, help="monitoring time point, YYYY-MM-DD (end of that day, Asia/Shanghai) or ISO date-time")
    run.add_argument("--media-as-of", help="monitoring time point of the new-media accounts when it differs from --as-of (same forms)")
    run.add_argument("--inspected-from", metavar="YYYY-MM-DD", help="first day of the websites' inspection, as the reports print it (检查时间 2月19日——2月20日); default: the day the crawl starts")
    run.add_argument("--profile", default="national-2019", help="rules profile name or .yaml path (default national-2019)")
    run.add_argument("--spider", action="append", dest="spiders", help="run only this spider (repeatable); default: all")
    run.add_argument("--targets", help="comma-separated target keys or names to inspect")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting for this run (repeatable)")
    run.set_defaults(handler=command_run)

    classify = commands.add_parser("classify", help="assess a round again from its stored observations")
    classify.add_argument("--round", required=True)
    classify.set_defaults(handler=command_classify)

    report = commands.add_parser(
        "report",
        help="write a round's summary tables (.xlsx), notice draft (.docx) and HTML page",
        description="Writes OUT/report-R.xlsx (附件1, 附件2, 全部检查对象: one row per target, 发现问题: "
        "every finding with its evidence, 待人工复核), OUT/notice-R.docx (the notice draft with both attachments, "
        "the office's details from --office) and "
        "OUT/report-R.html (charts and evidence, one self-contained page). With --previous the "
        "合格率 is compared with that round (较去年第四次全面检查提升4%).",
    )
    report.add_argument("--round", required=True, help="round id, YEAR-N, e.g. 2024-1")
    report.add_argument("--previous", help="round to compare the 合格率 with, e.g. 2023-4")
    report.add_argument("--out", type=Path, default=Path("reports"), help="folder for the files (default ./reports)")
    report.add_argument("--date", help="date printed on the notice, YYYY-MM-DD (default: today, Beijing date)")
    report.add_argument("--office", type=Path, metavar="FILE",
                        help="the office profile (office.yaml: 发文机关, 主送机关, 整改期限, contacts) printed in the "
                        "notice; without it the notice leaves ×× where nothing is known")
    report.add_argument("--force", action="store_true", help="write the reports of a round that is not finished "
                        "(interrupted, incomplete, running), each marked 未完成 / 本轮检查未完成")
    report.set_defaults(handler=command_report)

    office = commands.add_parser("office", help="the office profile: the office's own details printed in the notice")
    office_commands = office.add_subparsers(title="office commands", metavar="COMMAND")
    office_template = office_commands.add_parser(
        "template", help="write a blank office profile (YAML, a note on every field)",
        description="Writes FILE with the fields of the notice's office details (城市, 发文机关, 发文机关署名, "
        "主送机关, 检查组织单位, 整改报送科室, 联系电话, 电子邮箱, 整改期限), each with a note; fill it in and "
        "pass it to govcheck report --office.",
    )
    office_template.add_argument("file", type=Path)
    office_template.set_defaults(handler=command_office_template)
    office_check = office_commands.add_parser(
        "check", help="check an office profile and print what the notice will say",
        description="Reads FILE as govcheck report --office does; every problem is listed with the file and field.",
    )
    office_check.add_argument("file", type=Path)
    office_check.add_argument("--date", help="the notice's date, YYYY-MM-DD, to print the deadline (default: today, Beijing date)")
    office_check.set_defaults(handler=command_office_check)

    recheck = commands.add_parser(
        "recheck",
        help="re-check the targets that failed a round (整改复查): 已整改, 未整改 or 待人工复核",
        description="Crawls only the targets whose verdict in --from was 不合格, as round --round with "
        "its own monitoring time point, and writes OUT/recheck-R.xlsx, .docx and .html: each target "
        "已整改 (now 合格), 未整改 (still 不合格) or 待人工复核 (the re-check could not be completed).",
    )
    recheck.add_argument("--round", required=True, help="the re-check's own round id, YEAR-N, e.g. 2024-2")
    recheck.add_argument("--from", dest="from_round", required=True, help="the round whose 不合格 targets are re-checked")
    recheck.add_argument("--as-of", required=True, help="monitoring time point of the re-check, YYYY-MM-DD (end of that day, Asia/Shanghai) or ISO date-time")
    recheck.add_argument("--media-as-of", help="monitoring time point of the new-media accounts when it differs from --as-of")
    recheck.add_argument("--profile", help="rules profile (default: the one the --from round used)")
    recheck.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting for this run (repeatable)")
    recheck.add_argument("--out", type=Path, default=Path("reports"), help="folder for the files (default ./reports)")
    recheck.set_defaults(handler=command_recheck)

    observe = commands.add_parser("observe", help="inspectors' own observations of accounts")
    observe_commands = observe.add_subparsers(title="observe commands", metavar="COMMAND")
    observe_import = observe_commands.add_parser(
        "import",
        help="import manual observations (账号名称 | 平台 | 最新发布时间 | 最近原创时间 | 当前名称 | 互动入口状态 | 截图文件 | 检查人)",
    )
    observe_import.add_argument("file", type=Path)
    observe_import.add_argument("--round", required=True)
    observe_import.set_defaults(handler=command_observe_import)
    observe_scores = observe_commands.add_parser(
        "scores",
        help="import inspectors' 扣分 records of the items the profile leaves to them (网站名称 | 扣分项 | 扣分 | 说明 | 检查人)",
        description="Import the 评分记录 sheet: for each site, the points an inspector took off an item the "
        "rules profile lists as measured by hand (scoring.items, by: inspector). A score is printed only "
        "once every item is measured or recorded. 扣分 0 records an item looked at with nothing taken off.",
    )
    observe_scores.add_argument("file", type=Path)
    observe_scores.add_argument("--round", required=True)
    observe_scores.set_defaults(handler=command_observe_scores)
    observe_scores_template = observe_commands.add_parser("scores-template", help="write an empty 评分记录 sheet (.xlsx)")
    observe_scores_template.add_argument("file", type=Path)
    observe_scores_template.set_defaults(handler=command_template, template="scores")
    observe_template = observe_commands.add_parser("template", help="write an empty 人工观察 sheet (.xlsx)")
    observe_template.add_argument("file", type=Path)
    observe_template.set_defaults(handler=command_template, template="observations")

    query = commands.add_parser(
        "query",
        help="audit queries on the stored results",
        description='Examples: govcheck query --round 2024-1 --filter \'{"verdict": "不合格", "district": "韩城市"}\'; '
        "govcheck query --ask failures-by-district --round 2024-1; govcheck query --ask history --target 韩城市财政局; "
        "govcheck query --ask indicator --round 2024-1 --code media.no_update_14d; govcheck query --ask reviews --round 2024-1",
    )
    query.add_argument(
        "--ask",
        choices=list(QUESTIONS),
        help="a ready question: failures-by-district (--round), history (--target), indicator (--round --code), reviews (--round)",
    )
    query.add_argument("--target", help="with --ask history: a target key (site:名称, account:平台:名称) or name")
    query.add_argument("--code", help="with --ask indicator: a finding code, e.g. media.no_update_14d")
    query.add_argument("--round", help="limit to this round")
    query.add_argument("--collection", default="verdicts", choices=["verdicts", "findings", "observations", "targets", "rounds", "runs"])
    query.add_argument("--filter", default="{}", help="MongoDB query document as JSON")
    add_format_options(query)
    query.set_defaults(handler=command_query)

    schedule = commands.add_parser(
        "schedule",
        help="start a round's spiders on scrapyd nodes (for cron); see docs/deploy.md",
        description="Posts one schedule.json job per spider to the scrapyd nodes. With several "
        "nodes and --redis, the shared spiders (sites) run on every node over one Redis queue; "
        "other spiders are spread over the nodes in turn. The nodes' environment supplies "
        "GOVCHECK_MONGO_URI and platform credentials. Cron example (a round on the 20th of the "
        "second month of each quarter):\n"
        "  0 2 20 2,5,8,11 *  govcheck schedule --scrapyd http://node1:6800 --round \"$(date +\\%Y)-N\" --as-of today",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    schedule.add_argument("--scrapyd", action="append", required=True, metavar="URL", help="scrapyd node (repeatable; credentials may be in the URL)")
    schedule.add_argument("--round", required=True, help="round id, YEAR-N")
    schedule.add_argument("--as-of", required=True, help="monitoring time point, YYYY-MM-DD, or 'today' (Beijing date)")
    schedule.add_argument("--media-as-of", help="new-media monitoring time point when it differs")
    schedule.add_argument("--profile", default="national-2019", help="rules profile (default national-2019)")
    schedule.add_argument("--spider", action="append", dest="spiders", help="schedule only this spider (repeatable); default: every round spider")
    schedule.add_argument("--targets", help="comma-separated target keys or names")
    schedule.add_argument("--redis", help="Redis URL: shared spiders run on every node over one queue")
    schedule.add_argument("--shared", action="append", help="spider shared across nodes with --redis (default: sites)")
    schedule.add_argument("--project", default="govcheck", help="scrapyd project name (default govcheck)")
    schedule.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting for the jobs (repeatable)")
    schedule.add_argument("--wait", action="store_true", help="wait until every job has finished")
    schedule.set_defaults(handler=command_schedule)

    serve = commands.add_parser(
        "serve",
        help="the office's console in the browser: rounds, figures, targets, the review queue, decisions, reports",
        description="Serves the console on http://127.0.0.1:8020 (reading the same store as the other commands): "
        "rounds with their figures, a round's targets and their evidence, the 待人工复核 queue where inspectors "
        "record decisions (appended to the decisions collection), and the round's report files. Bound to another "
        "address (--host 0.0.0.0) every visitor must log in: --users names a file of users and argon2 password "
        "hashes, written by --add-user NAME (the password is read twice from the terminal, or once from standard input).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only, no login)")
    serve.add_argument("--port", type=int, default=8020, help="port (default 8020)")
    serve.add_argument("--users", type=Path, metavar="FILE", help="users file (YAML, argon2 hashes); required off loopback")
    serve.add_argument("--add-user", metavar="NAME", help="add NAME to --users (or set their password) and exit")
    serve.add_argument("--out", type=Path, default=Path("reports"), help="folder for the report files, one folder a round (default ./reports)")
    serve.add_argument("--office", type=Path, metavar="FILE", help="the office profile printed in the notice (as govcheck report --office)")
    serve.set_defaults(handler=command_serve)

    demo = commands.add_parser(
        "demo",
        help="replay Weinan's 2024 round-1 inspection on the bundled replica (embedded store)",
        description="Serves the Weinan replica (51 websites, 470 accounts) on 127.0.0.1, imports its "
        "register, crawls round 2024-1, stores the recorded round 2023-4 and writes the reports to --out. "
        "Nothing leaves this machine.",
    )
    demo.add_argument("--out", type=Path, default=Path("reports"), help="folder for the results (default ./reports)")
    demo.add_argument("--replica", type=Path, help="Weinan replica folder (default: replica/weinan of the checkout)")
    demo.set_defaults(handler=command_demo)
    return parser


def add_format_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
    parser.add_argument("--out", type=Path, help="write to this file instead of the terminal")


# -- commands ---------------------------------------------------------------------------


def open_store() -> Store:
    try:
        return Store.from_environment()
    except Exception as error:  # connection failures from pymongo, disk errors from SQLite
        raise UserError(f"cannot open the store: {error}") from error


def store_write_errors() -> tuple[type[BaseException], ...]:
    """What a store write may raise that is the store's answer, not a bug of ours (those keep their traceback)."""
    import sqlite3

    from bson.errors import BSONError
    from pymongo.errors import PyMongoError

    from govcheck.store import StoreError

    return (StoreError, PyMongoError, BSONError, sqlite3.Error, OSError, UnicodeError)


def command_targets_import(arguments: argparse.Namespace) -> int:
    from govcheck.registry import import_targets
    from govcheck.table_reader import TableFileError

    store = open_store()
    try:
        summary = import_targets(store, arguments.file, imported_at=datetime.now(SHANGHAI))
    except TableFileError as error:
        print_file_problems(arguments.file, error)
        return 1
    except store_write_errors() as error:  # the store refused the targets (disk, server, a value it cannot encode)
        cause = " ".join(f"{type(error).__name__}: {error}".split()).encode("utf-8", "backslashreplace").decode("utf-8")
        print(f"govcheck: {arguments.file}: import failed, {cause}", file=sys.stderr)
        return 1
    print(summary.describe())
    return 0


def print_file_problems(file: Path, error: Any) -> None:
    """An operator's file refused: how many problems, the first ones located, how many more."""
    print(f"govcheck: {file}: nothing imported, {error.total} problem(s):", file=sys.stderr)
    for line in error.lines():
        print(f"  {line}", file=sys.stderr)


def command_template(arguments: argparse.Namespace) -> int:
    from govcheck.templates import write_observations_template, write_score_records_template, write_targets_template

    if arguments.file.exists():
        raise UserError(f"{arguments.file} exists; choose a new file name")
    write = {"targets": write_targets_template, "scores": write_score_records_template}.get(arguments.template, write_observations_template)
    print(f"written: {write(arguments.file)}")
    return 0


def command_targets_list(arguments: argparse.Namespace) -> int:
    query = {"kind": arguments.kind} if arguments.kind else {}
    rows = open_store().find("targets", query, sort=[("key", 1)])
    columns = ["key", "name", "category", "account_type", "district", "url", "account_id"]
    write_rows(rows, columns, arguments.format, arguments.out)
    return 0


def command_run(arguments: argparse.Namespace) -> int:
    from govcheck.crawl import RunInterrupted, run_round

    store = open_store()
    settings = dict(parse_setting(item) for item in arguments.set)
    try:
        outcome = run_round(
            store,
            arguments.round,
            arguments.as_of,
            arguments.profile,
            spiders=arguments.spiders,
            targets=arguments.targets,
            settings=settings,
            media_as_of_text=arguments.media_as_of,
            inspected_from_text=arguments.inspected_from,
        )
    except RunInterrupted as interrupted:
        print(f"govcheck: {interrupted}; run the round again", file=sys.stderr)
        return interrupted.exit_code
    print_verdict_summary(arguments.round, outcome.verdicts)
    for note in outcome.notes:  # our own faults the run survived: the round says so
        print(f"govcheck: note: {note}", file=sys.stderr)
    if outcome.exit_code:
        print(f"govcheck: {run_words(outcome)}", file=sys.stderr)
        again = f"govcheck run --round {arguments.round} --as-of {arguments.as_of}"
        print(f"govcheck: {outcome.round.describe()}. Its reports are refused until it is finished "
              f"(run it again: {again}; or govcheck report --force, marked 未完成)", file=sys.stderr)
    return outcome.exit_code


def run_words(outcome: Any) -> str:
    """What the run did, for the operator: interrupted by SIGINT, 24 of 40 targets not reached."""
    said = f"run {outcome.run_id} {outcome.run_state}"
    if outcome.signal:
        said += f" by {outcome.signal}"
    elif outcome.stopped:
        said += f" ({outcome.stopped})"
    if outcome.unreached:
        shown = ", ".join(outcome.unreached[:5]) + (", …" if len(outcome.unreached) > 5 else "")
        said += f"; targets without an observation from it: {len(outcome.unreached)} ({shown}), 待人工复核 unless an earlier run observed them"
    return said


def command_classify(arguments: argparse.Namespace) -> int:
    from govcheck.rounds import classify_round

    assessments = classify_round(open_store(), arguments.round)
    print(f"round {arguments.round}: {len(assessments)} targets assessed")
    return 0


def command_report(arguments: argparse.Namespace) -> int:
    from govcheck.report import write_round_reports
    from govcheck.report.office import OfficeError
    from govcheck.rounds import report_refusal

    notice_date = notice_date_of(arguments.date)
    office = read_office(arguments.office) if arguments.office else None
    store = open_store()
    try:
        if office is not None:
            office.deadline(notice_date)  # refused before anything is read or written
        unfinished = report_refusal(store, arguments.round, arguments.force)
        written = write_round_reports(store, arguments.round, arguments.out, notice_date, arguments.previous, office, unfinished)
    except OfficeError as error:  # a deadline that is not after the notice's date
        raise UserError(str(error)) from error
    for path in written:
        print(f"written: {path}")
    if unfinished:
        print(f"govcheck: round {arguments.round} is not finished: every file is marked 未完成: {unfinished}", file=sys.stderr)
    return 0


def notice_date_of(text: str | None) -> date:
    """--date as a date; today (Beijing date) when not given."""
    if not text:
        return datetime.now(SHANGHAI).date()
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as error:
        raise UserError(f"--date {text!r}: expected YYYY-MM-DD") from error


def read_office(path: Path) -> Office:
    from govcheck.report.office import OfficeError, load_office

    try:
        return load_office(path)
    except OfficeError as error:
        raise UserError(f"the office profile cannot be used:\n{error}") from error


def command_office_template(arguments: argparse.Namespace) -> int:
    from govcheck.report.office import write_office_template

    if arguments.file.exists():
        raise UserError(f"{arguments.file} exists: choose another name, or remove it first")
    print(f"written: {write_office_template(arguments.file)}")
    return 0


def command_office_check(arguments: argparse.Namespace) -> int:
    from govcheck.report.notice import office_lines
    from govcheck.report.office import OfficeError

    office = read_office(arguments.file)
    try:
        lines = office_lines(office, notice_date_of(arguments.date))
    except OfficeError as error:
        raise UserError(str(error)) from error
    print("\n".join(lines))
    return 0


def command_recheck(arguments: argparse.Namespace) -> int:
    from govcheck.report import write_recheck_files
    from govcheck.report.recheck import load_recheck_report, run_recheck

    from govcheck.crawl import EXIT_INCOMPLETE, EXIT_INTERRUPTED, RunInterrupted
    from govcheck.rounds import INTERRUPTED, round_state

    store = open_store()
    settings = dict(parse_setting(item) for item in arguments.set)
    try:
        keys = run_recheck(
            store, arguments.round, arguments.from_round, arguments.as_of, arguments.media_as_of, arguments.profile, settings
        )
    except RunInterrupted as interrupted:
        print(f"govcheck: {interrupted}; the re-check's reports are not written: run it again", file=sys.stderr)
        return interrupted.exit_code
    if not keys:
        print(f"round {arguments.from_round} has no 不合格 targets: nothing to re-check")
        return 0
    state = round_state(store, arguments.round)
    if not state.finished:  # a re-check reports what it found only once it has found it all
        print(f"govcheck: {state.describe()}; the re-check's reports are not written: run it again", file=sys.stderr)
        return EXIT_INTERRUPTED if state.state == INTERRUPTED else EXIT_INCOMPLETE
    report = load_recheck_report(store, arguments.round, arguments.from_round)
    counts = ", ".join(f"{status} {count}" for status, count in report.counts().items())
    print(f"round {arguments.round} re-checked {len(report.rows)} targets that failed {arguments.from_round} — {counts}")
    for path in write_recheck_files(report, arguments.out):
        print(f"written: {path}")
    return 0


def command_observe_import(arguments: argparse.Namespace) -> int:
    from govcheck.registry import import_manual_observations
    from govcheck.table_reader import TableFileError

    store = open_store()
    try:
        count = import_manual_observations(store, arguments.file, arguments.round)
    except TableFileError as error:
        print_file_problems(arguments.file, error)
        return 1
    print(f"round {arguments.round}: {count} manual observations imported and assessed")
    return 0


def command_observe_scores(arguments: argparse.Namespace) -> int:
    from govcheck.registry import import_score_records
    from govcheck.table_reader import TableFileError

    store = open_store()
    try:
        count = import_score_records(store, arguments.file, arguments.round, datetime.now(timezone.utc))
    except TableFileError as error:
        print_file_problems(arguments.file, error)
        return 1
    print(f"round {arguments.round}: {count} score records imported and assessed")
    return 0


def command_query(arguments: argparse.Namespace) -> int:
    if arguments.ask:
        try:
            question = ask(arguments.ask, arguments.round, arguments.target, arguments.code)
        except QuestionError as error:
            raise UserError(str(error)) from error
        rows = open_store().find(question.collection, question.query, sort=question.sort)
        write_rows(rows, question.columns, arguments.format, arguments.out)
        return 0
    from govcheck.query_filter import FilterError, parse_filter

    try:
        query = parse_filter(arguments.filter)
    except FilterError as error:
        raise UserError(f"invalid filter: {error}", exit_code=2) from error
    if arguments.round:
        query["round"] = arguments.round
    store = open_store()
    if arguments.collection in ("rounds", "runs"):
        refresh_round_states(store, arguments.round)
    rows = find_with_filter(store, arguments.collection, query)
    write_rows(rows, QUERY_COLUMNS[arguments.collection], arguments.format, arguments.out)
    return 0


def find_with_filter(store: Store, collection: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    """The documents a checked filter selects. The store may still refuse what the check lets
    through (a server's own limits): that is the filter's problem too, said without a traceback."""
    from montydb.errors import OperationFailure as EmbeddedRefusal
    from pymongo.errors import OperationFailure

    try:
        return store.find(collection, query, sort=QUERY_SORT[collection])
    except (OperationFailure, EmbeddedRefusal) as error:
        raise UserError(f"invalid filter: the store refused it: {error}", exit_code=2) from error


def refresh_round_states(store: Store, round_id: str | None) -> None:
    """Rounds and runs as they stand: parts found dead are marked interrupted first (when the
    store can be written)."""
    from govcheck.rounds import record_round_state, round_state

    for document in store.find("rounds", {"round": round_id} if round_id else {}):
        record_round_state(store, round_state(store, document["round"]))


QUERY_SORT = {
    "verdicts": [("round", 1), ("target_key", 1)],
    "findings": [("round", 1), ("target_key", 1), ("code", 1)],
    "observations": [("round", 1), ("target_key", 1), ("kind", 1), ("key", 1)],
    "targets": [("key", 1)],
    "rounds": [("round", 1)],
    "runs": [("round", 1), ("run", 1), ("part", 1)],
}


def command_schedule(arguments: argparse.Namespace) -> int:
    from govcheck.schedule import DEFAULT_SHARED, RoundArguments, ScheduleError, describe, resolve_as_of, schedule_round, wait_for_jobs

    try:
        round_arguments = RoundArguments(
            round_id=arguments.round,
            as_of=resolve_as_of(arguments.as_of),
            media_as_of=resolve_as_of(arguments.media_as_of) if arguments.media_as_of else None,
            profile=arguments.profile,
            targets=arguments.targets,
            settings=dict(parse_setting(item) for item in arguments.set),
        )
        jobs = schedule_round(
            arguments.scrapyd,
            round_arguments,
            spiders=arguments.spiders,
            shared=arguments.shared or DEFAULT_SHARED,
            redis_url=arguments.redis,
            project=arguments.project,
        )
        print(describe(jobs))
        if arguments.wait:
            finished = wait_for_jobs(jobs, arguments.project)
            print(f"round {arguments.round}: {len(finished)} jobs finished")
    except ScheduleError as error:
        raise UserError(str(error)) from error
    return 0


def command_serve(arguments: argparse.Namespace) -> int:
    from govcheck.console.server import ServeError, console_config, serve
    from govcheck.console.users import UsersFileError, add_user

    try:
        if arguments.add_user:
            if arguments.users is None:
                raise UserError("--add-user needs --users FILE", exit_code=2)
            add_user(arguments.users, arguments.add_user, read_new_password())
            print(f"{arguments.users}: user {arguments.add_user} saved")
            return 0
        office = read_office(arguments.office) if arguments.office else None
        config = console_config(open_store(), arguments.host, arguments.users, arguments.out, office)
    except (ServeError, UsersFileError) as error:
        raise UserError(str(error)) from error
    print(f"govcheck console: http://{arguments.host}:{arguments.port}/ ({'login required' if config.login_required else 'this machine only, no login'})")
    serve(config, arguments.host, arguments.port)
    return 0


def read_new_password() -> str:
    """Twice from a terminal, once from standard input otherwise (scripts)."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise UserError("the two passwords differ")
    return first


def command_demo(arguments: argparse.Namespace) -> int:
    from govcheck_demo.weinan_round import run_demo

    return run_demo(arguments.out, arguments.replica)


def parse_setting(text: str) -> tuple[str, str]:
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise UserError(f"--set {text!r}: expected NAME=VALUE")
    return name.strip(), value


if __name__ == "__main__":
    sys.exit(main())

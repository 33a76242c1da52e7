"""Writing a round's report files, or a re-check's, into a folder, all or none."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from govcheck.report.docx import write_notice_docx, write_recheck_docx
from govcheck.report.html import write_recheck_html, write_round_html
from govcheck.report.office import Office
from govcheck.report.recheck import RecheckReport, load_recheck_report
from govcheck.report.summary import RoundReport, load_round_report
from govcheck.report.watermark import stamp
from govcheck.report.xlsx import write_recheck_xlsx, write_round_xlsx
from govcheck.store import Store


def round_file_names(round_id: str) -> tuple[str, str, str]:
    return f"report-{round_id}.xlsx", f"notice-{round_id}.docx", f"report-{round_id}.html"


def recheck_file_names(round_id: str) -> tuple[str, str, str]:
    return f"recheck-{round_id}.xlsx", f"recheck-{round_id}.docx", f"recheck-{round_id}.html"


def write_round_files(
    report: RoundReport, out: Path, notice_date: date, office: Office | None = None, unfinished: str | None = None
) -> list[Path]:
    """report-R.xlsx, notice-R.docx and report-R.html of a loaded round report; the notice
    carries the office's details when ``office`` is given (×× where none is known otherwise);
    each file is marked 未完成 with ``unfinished`` when the round is not finished
    (govcheck.report.watermark)."""
    xlsx, docx, html = round_file_names(report.round_id)
    return write_together(out, [
        (xlsx, lambda path: write_round_xlsx(report, path)),
        (docx, lambda path: write_notice_docx(report, path, notice_date, office)),
        (html, lambda path: write_round_html(report, path)),
    ], unfinished)


def write_recheck_files(report: RecheckReport, out: Path) -> list[Path]:
    """recheck-R2.xlsx, .docx and .html: the targets that failed the earlier round and their status."""
    xlsx, docx, html = recheck_file_names(report.round_id)
    return write_together(out, [
        (xlsx, lambda path: write_recheck_xlsx(report, path)),
        (docx, lambda path: write_recheck_docx(report, path)),
        (html, lambda path: write_recheck_html(report, path)),
    ])


def write_round_reports(
    store: Store,
    round_id: str,
    out: Path,
    notice_date: date,
    previous: str | None = None,
    office: Office | None = None,
    unfinished: str | None = None,
) -> list[Path]:
    """A round's three files, read from the store (compared with ``previous`` when named)."""
    return write_round_files(load_round_report(store, round_id, previous), out, notice_date, office, unfinished)


def write_recheck_reports(store: Store, round_id: str, from_round: str, out: Path) -> list[Path]:
    """A re-check's three files, read from the store."""
    return write_recheck_files(load_recheck_report(store, round_id, from_round), out)


def write_together(out: Path, writers: Sequence[tuple[str, Callable[[Path], Path]]], unfinished: str | None = None) -> list[Path]:
    """Each file is written under a temporary name and all are renamed only once every one is
    written: a failure leaves the folder's earlier files as they were, and no partial file.
    ``unfinished``: the 未完成 mark each file gets (govcheck.report.watermark)."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, Path]] = []
    try:
        for name, write in writers:
            partial = out / f".{name}.partial"
            written.append((partial, out / name))
            write(partial)
            if unfinished:
                stamp(partial, unfinished, kind=Path(name).suffix.lstrip("."))
        for partial, final in written:
            partial.replace(final)
    finally:
        for partial, _ in written:
            partial.unlink(missing_ok=True)
    return [final for _, final in written]

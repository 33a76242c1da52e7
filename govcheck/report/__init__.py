"""Reports of a round: the summary workbook, the notice draft and an HTML page; and re-checks.

    govcheck report --round 2024-1 --previous 2023-4 --office office.yaml --out reports
    govcheck recheck --round 2024-2 --from 2024-1 --as-of 2024-03-15 --out reports

Modules, one job each: ``titles`` (round names and dates), ``summary`` (counts, rates,
changes and table rows: the single source of every number printed), ``evidence`` (a
finding's links, facts and rule in words), ``office`` (the office profile: the office's own
details), ``notice`` (the notice's wording), ``xlsx``, ``docx``, ``html``
(the three formats), ``recheck`` (re-checking failed targets), ``files`` (writing a set of
files all or none).
"""

from govcheck.report.files import write_recheck_files, write_recheck_reports, write_round_files, write_round_reports

__all__ = ["write_round_reports", "write_recheck_reports", "write_round_files", "write_recheck_files"]

"""The inspection office's own details, printed in the notice draft: the office profile.

An office keeps them in one small YAML file (``office.yaml``, written blank by
``govcheck office template``) and names it with ``govcheck report --office office.yaml``.
Its keys are the notice's own words::

    城市: 渭南市
    发文机关: 渭南市人民政府办公室          # optional: 城市 + 人民政府办公室
    发文机关署名: 渭南市人民政府办公室      # optional: the 发文机关
    主送机关:                              # optional: the kinds of units in the round
      - 各县、市、区人民政府
      - 市人民政府各工作部门、直属机构
      - 渭南高新区、经开区、华山景区管委会
    检查组织单位: 市政务公开工作领导小组办公室联合市电子网络和大数据中心   # optional
    整改报送科室: 市政府办信息与政务公开科
    联系电话: 0913-2109218
    电子邮箱: 644714438@qq.com
    整改期限: 11                           # days after the notice's date, or a date: 2024-03-10

城市, 整改报送科室, 联系电话, 电子邮箱 and 整改期限 are required: a profile promises a notice
with nothing left to fill in. Without a profile the notice keeps ×× where nothing is known.
An invalid file is refused whole, every problem named by file and field (:class:`OfficeError`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

CITY, ISSUER, SIGNATURE, ADDRESSEES, ORGANIZERS = "城市", "发文机关", "发文机关署名", "主送机关", "检查组织单位"
SECTION, TELEPHONE, EMAIL, DEADLINE = "整改报送科室", "联系电话", "电子邮箱", "整改期限"
FIELDS = (CITY, ISSUER, SIGNATURE, ADDRESSEES, ORGANIZERS, SECTION, TELEPHONE, EMAIL, DEADLINE)
REQUIRED = (CITY, SECTION, TELEPHONE, EMAIL, DEADLINE)
PLACEHOLDER_MARK = "×"
MAX_DEADLINE_DAYS = 366
# digits with the separators telephone numbers are written with: 0913-2109218, (0913)2109218, 2109218转8001
TELEPHONE_TEXT = re.compile(r"^[0-9+\-－()（）\s、，,/转]+$")
EMAIL_ADDRESS = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
# trailing punctuation an office may type after an addressee: the notice puts its own
ADDRESSEE_PUNCTUATION = "，,、；;：: "

TEMPLATE = f"""\
# 发文单位信息：通报（notice-R.docx）中的发文机关、主送机关和整改要求。
# 填好后用 govcheck report --office 本文件 生成通报；govcheck office check 本文件 可先检查。
# 标“可省略”的项留空即按说明生成，其余各项必填。

{CITY}:             # 如 渭南市
{ISSUER}:         # 可省略：城市 + 人民政府办公室，如 渭南市人民政府办公室
{SIGNATURE}:     # 可省略：同发文机关
{ADDRESSEES}:         # 可省略：按本轮检查对象的单位生成；也可逐行列出，如
#  - 各县、市、区人民政府
#  - 市人民政府各工作部门、直属机构
#  - 渭南高新区、经开区、华山景区管委会
{ORGANIZERS}:     # 可省略：通报开头“近期，……按照”中的单位，如 市政务公开工作领导小组办公室联合市电子网络和大数据中心
{SECTION}:     # 接收整改情况的科室，如 市政府办信息与政务公开科
{TELEPHONE}:         # 如 0913-2109218
{EMAIL}:         # 如 644714438@qq.com
{DEADLINE}:         # 成文日期后的天数（如 11），或日期（如 2024-03-10）
"""


class OfficeError(ValueError):
    """An office profile that cannot be used; ``problems`` names each one by file and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Office:
    """What the notice prints of the office that sends it (read by :func:`load_office`)."""

    source: str  # the file it was read from, for messages
    city: str
    issuer: str  # 发文机关
    signature: str  # 发文机关署名
    addressees: tuple[str, ...]  # 主送机关, one line each; empty: derived from the round
    organizers: str  # who organised the inspection (通报 opening); empty: not named
    section: str  # receives the rectification reports
    telephone: str
    email: str
    deadline_days: int | None = None
    deadline_date: date | None = None

    def deadline(self, notice_date: date) -> date:
        """The day rectification reports are due, for a notice dated ``notice_date``."""
        if self.deadline_date is None:
            return notice_date + timedelta(days=self.deadline_days or 0)
        if self.deadline_date <= notice_date:
            raise OfficeError([
                f"{self.source}: {DEADLINE}: {self.deadline_date.isoformat()} is not after the notice's date "
                f"{notice_date.isoformat()} (give a later date, or a number of days)"
            ])
        return self.deadline_date


def write_office_template(path: Path) -> Path:
    """A blank office profile with a note on every field."""
    Path(path).write_text(TEMPLATE, encoding="utf-8")
    return Path(path)


def load_office(path: Path) -> Office:
    """The office profile in ``path``; OfficeError lists every problem, by file and field."""
    source = str(path)
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeError, yaml.YAMLError) as error:
        raise OfficeError([f"{source}: cannot be read ({error})"]) from error
    if not isinstance(document, Mapping):
        raise OfficeError([f"{source}: expected the fields {', '.join(FIELDS)} (found {type(document).__name__})"])
    return office_from(document, source)


def office_from(document: Mapping[str, Any], source: str) -> Office:
    """An office profile from its fields (a YAML document, or a form); ``source`` names it in messages."""
    problems: list[str] = []

    def problem(field: str, message: str) -> None:
        problems.append(f"{source}: {field}: {message}")

    for key in document:
        if key not in FIELDS:
            problem(str(key), f"unknown field (expected one of {', '.join(FIELDS)})")
    values: dict[str, Any] = {}
    for field in FIELDS:
        value = document.get(field)
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            if field in REQUIRED:
                problem(field, "missing" if value is None and field not in document else "is empty")
            continue
        read = READERS[field]
        try:
            values[field] = read(value)
        except ValueError as error:
            problem(field, str(error))
    if problems:
        raise OfficeError(problems)
    city = values[CITY]
    issuer = values.get(ISSUER) or f"{city}人民政府办公室"
    deadline = values[DEADLINE]
    return Office(
        source=source,
        city=city,
        issuer=issuer,
        signature=values.get(SIGNATURE) or issuer,
        addressees=values.get(ADDRESSEES, ()),
        organizers=values.get(ORGANIZERS, ""),
        section=values[SECTION],
        telephone=values[TELEPHONE],
        email=values[EMAIL],
        deadline_days=deadline if isinstance(deadline, int) else None,
        deadline_date=deadline if isinstance(deadline, date) else None,
    )


# -- reading each field ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {value!r}")
    text = " ".join(value.split())
    if PLACEHOLDER_MARK in text:
        raise ValueError(f"{text!r} still holds the placeholder ××: write the office's own words")
    return text


def _digits_text(value: Any) -> str:
    """Text, or a number YAML read where the office wrote digits (2109218, 644714438)."""
    return _text(str(value) if isinstance(value, int) and not isinstance(value, bool) else value)


def _telephone(value: Any) -> str:
    text = _digits_text(value)
    if not TELEPHONE_TEXT.match(text) or sum(c.isdigit() for c in text) < 5:
        raise ValueError(f"{text!r} is not a telephone number (digits, with - ( ) or 转 between them)")
    return text


def _email(value: Any) -> str:
    text = _digits_text(value)
    addresses = [part.strip() for part in re.split(r"[、，,；;]", text)]
    wrong = [a for a in addresses if not EMAIL_ADDRESS.match(a)]
    if wrong:
        raise ValueError(f"{wrong[0]!r} is not an e-mail address")
    return text


def _addressees(value: Any) -> tuple[str, ...]:
    lines = [value] if isinstance(value, str) else value
    if not isinstance(lines, list):
        raise ValueError(f"expected one line of text or a list of lines, found {value!r}")
    read = []
    for index, line in enumerate(lines, start=1):
        try:
            text = _text(line).strip(ADDRESSEE_PUNCTUATION)
        except ValueError as error:
            raise ValueError(f"line {index}: {error}") from error
        if not text:
            raise ValueError(f"line {index} is empty")
        read.append(text)
    return tuple(read)


def _deadline(value: Any) -> int | date:
    """A number of days after the notice's date (1 to a year), or a date."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number of days or a date YYYY-MM-DD, found {value!r}")
    if isinstance(value, int):
        if not 0 < value <= MAX_DEADLINE_DAYS:
            raise ValueError(f"{value} days: expected 1 to {MAX_DEADLINE_DAYS} days after the notice's date")
        return value
    if isinstance(value, datetime):  # YAML reads 2024-03-10 10:00 as a moment: its day
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return _deadline(int(text))
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"{value!r}: expected a number of days after the notice's date (e.g. 11) or a date YYYY-MM-DD")


READERS: dict[str, Callable[[Any], Any]] = {
    CITY: _text, ISSUER: _text, SIGNATURE: _text, ADDRESSEES: _addressees, ORGANIZERS: _text,
    SECTION: _text, TELEPHONE: _telephone, EMAIL: _email, DEADLINE: _deadline,
}

"""The network policy: which addresses a URL taken from a page may be fetched at, and the
register's refusal of non-public IP addresses at import."""

from __future__ import annotations

import ipaddress

import pytest
import yaml

from govcheck.network_policy import address_kind, address_problem, allowed_networks, literal_address_kind
from govcheck.table_reader import TableFileError
from govcheck.targets import load_targets
from support import govcheck

LOOPBACK = allowed_networks("127.0.0.0/8, ::1")


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"),
    ("127.0.0.2", "loopback"),
    ("::1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.9", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("240.0.0.1", "reserved"),
    ("100.64.0.1", "non-public"),  # shared address space (carrier-grade NAT)
    ("::ffff:10.0.0.1", "private"),  # an IPv4 address written as IPv6
    ("fd00::1", "private"),
])
def test_non_public_addresses_are_refused_by_kind(address, kind):
    assert address_kind(address) == kind
    assert address_problem(address) == f"{address} is a {kind} address"


@pytest.mark.parametrize("address", ["202.100.64.10", "114.114.114.114", "2400:3200::1"])
def test_public_addresses_pass(address):
    assert address_kind(address) is None


def test_allowed_networks_let_exactly_their_addresses_through():
    only_one = allowed_networks(["127.0.0.1"])
    assert address_kind("127.0.0.1", only_one) is None
    assert address_kind("127.0.0.2", only_one) == "loopback"
    assert address_kind("::1", LOOPBACK) is None and address_kind("169.254.169.254", LOOPBACK) == "link-local"


def test_the_setting_is_a_list_or_a_text_and_a_bad_entry_is_named():
    assert allowed_networks("127.0.0.0/8 ::1,10.0.0.0/8") == (
        ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"), ipaddress.ip_network("10.0.0.0/8"),
    )
    assert allowed_networks("") == allowed_networks(None) == ()
    with pytest.raises(ValueError, match="GOVCHECK_ALLOW_PRIVATE_ADDRESSES: 'intranet'"):
        allowed_networks("127.0.0.1, intranet")


@pytest.mark.parametrize(("url", "kind"), [
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]:8080/", "loopback"),
    ("http://10.0.0.1/", "private"),
    ("http://www.weinan.gov.cn/", None),  # a name is resolved when fetched, not at import
    ("http://202.100.64.10/", None),
])
def test_literal_addresses_of_urls(url, kind):
    assert literal_address_kind(url) == kind


def register(tmp_path, site_url: str, column_url: str = "/xwzx/", entry: str = "") -> object:
    document = {
        "网站": [{"网站名称": "渭南市测试局", "网址": site_url, "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": "渭南市测试局"}],
        "栏目": [{"网站名称": "渭南市测试局", "栏目名称": "工作动态", "栏目地址": column_url, "栏目类型": "动态要闻"}],
        "新媒体": [{"账号名称": "渭南发布", "平台": "微博", "账号类型": "新浪微博", "互动入口": entry}],
    }
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_the_register_refuses_the_metadata_address_with_its_row(tmp_path):
    path = register(tmp_path, "http://169.254.169.254/", entry="http://10.0.0.8/hd")
    with pytest.raises(TableFileError) as refused:
        load_targets(path, allowed_networks=LOOPBACK)
    messages = [str(p) for p in refused.value.problems]
    assert len(messages) == 2
    assert messages[0].startswith("targets.yaml, 工作表 网站, 第 1 条, 列 网址: http://169.254.169.254/ 的主机是链路本地地址")
    assert "GOVCHECK_ALLOW_PRIVATE_ADDRESSES" in messages[0]
    assert messages[1].startswith("targets.yaml, 工作表 新媒体, 第 1 条, 列 互动入口: http://10.0.0.8/hd 的主机是内网地址")


def test_a_column_at_a_private_address_is_refused(tmp_path):
    path = register(tmp_path, "http://www.weinan.gov.cn/", column_url="http://192.168.0.10/xwzx/")
    with pytest.raises(TableFileError) as refused:
        load_targets(path, allowed_networks=())
    assert [p.column for p in refused.value.problems] == ["栏目地址"]


def test_loopback_is_refused_unless_allowed(tmp_path):
    path = register(tmp_path, "http://127.0.0.1:8000/")
    with pytest.raises(TableFileError, match="本机回环地址"):
        load_targets(path, allowed_networks=())
    documents = load_targets(path, allowed_networks=LOOPBACK)
    assert documents[0]["columns"][0]["url"] == "http://127.0.0.1:8000/xwzx/"


def test_the_import_reads_the_allowed_networks_from_the_environment(tmp_path, monkeypatch):
    path = register(tmp_path, "http://10.20.30.40/")
    monkeypatch.setenv("GOVCHECK_ALLOW_PRIVATE_ADDRESSES", "10.20.0.0/16")
    assert load_targets(path)[0]["url"] == "http://10.20.30.40/"
    monkeypatch.setenv("GOVCHECK_ALLOW_PRIVATE_ADDRESSES", "")
    with pytest.raises(TableFileError, match="内网地址"):
        load_targets(path)


def test_a_bad_allowed_network_is_a_plain_error_of_the_import(tmp_path):
    path = register(tmp_path, "http://www.weinan.gov.cn/")
    imported = govcheck({"GOVCHECK_DATA_DIR": str(tmp_path / "var"), "GOVCHECK_MONGO_URI": "", "GOVCHECK_ALLOW_PRIVATE_ADDRESSES": "10.0.0.0/33"},
                        "targets", "import", str(path))
    assert imported.returncode == 1 and "Traceback" not in imported.stderr
    assert imported.stderr.startswith("govcheck: GOVCHECK_ALLOW_PRIVATE_ADDRESSES: '10.0.0.0/33' is not an IP address or network")

"""The synthetic council: the same files for the same seed, and the shape the demo and benchmarks rely on."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from s75xl.cld import vocab as V
from s75xl.synthetic import CHUNK, PSR, generate, write


def digest(paths) -> dict[str, str]:
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in paths.items()}


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path):
    a = digest(write(tmp_path / "a", 2500, 11))
    assert a == digest(write(tmp_path / "b", 2500, 11))
    assert a["cld"] != digest(write(tmp_path / "c", 2500, 12))["cld"]


def test_generate_holds_what_write_writes(tmp_path):
    paths = write(tmp_path, 900, 3)
    tables = generate(900, 3)
    for name in ("cld", "mha", "cpa", "population"):
        on_disk = pd.read_csv(paths[name], dtype=str, keep_default_na=False)
        in_memory = tables[name].astype(str).where(tables[name].notna(), "")
        assert list(on_disk.columns) == list(in_memory.columns)
        pd.testing.assert_frame_equal(on_disk, in_memory.reset_index(drop=True), check_dtype=False)


@pytest.fixture(scope="module")
def big():
    """More people than one chunk holds, so chunk boundaries are crossed."""
    return generate(CHUNK * 2 + 5_000, 5)


def test_people_ids_are_unique_across_chunks_and_rows_per_person_are_as_before(big):
    cld = big["cld"]
    people = CHUNK * 2 + 5_000
    users = cld[~cld["LA Person Unique Identifier"].str.startswith("K")]
    per_person = users.drop_duplicates("LA Person Unique Identifier")
    assert len(per_person) == people and per_person["NHS Number"].is_unique
    assert per_person["LA Person Unique Identifier"].str.fullmatch(r"C\d{7}").all()
    carers = cld[cld["LA Person Unique Identifier"].str.startswith("K")]
    assert len(carers) == people // 6 and carers["NHS Number"].str.startswith("998").all()
    # reablement 0.45, long-term 0.6, equipment 0.25, a request and an assessment each, reviews 0.6 x 0.85
    assert 3.70 < len(users) / people < 3.90


def test_shares_of_each_kind_match_the_generator_s_settings(big):
    cld = big["cld"]
    keyed = {c: cld[c].map(lambda v: V.LOOKUPS[f].get(V.value_key(v)) if isinstance(v, str) else None)
             for c, f in (("Service Type", "service_type"), ("Primary Support Reason", "primary_support_reason"))}
    people = cld.drop_duplicates("LA Person Unique Identifier")
    people = people[~people["LA Person Unique Identifier"].str.startswith("K")]
    share = keyed["Primary Support Reason"][people.index].value_counts(normalize=True)
    total = sum(PSR.values())
    for reason, weight in PSR.items():
        assert abs(share[reason] - weight / total) < 0.01, reason
    service = keyed["Service Type"].value_counts()
    people_n = len(people)
    assert abs(service[V.ST_MAX] / people_n - 0.45) < 0.01
    assert abs((service[V.LT_COMMUNITY] + service[V.LT_RESIDENTIAL] + service[V.LT_NURSING]) / people_n - 0.6) < 0.01
    assert abs(service[V.LT_RESIDENTIAL] / people_n - 0.6 * 0.18) < 0.01


def test_about_a_third_of_coded_values_use_release_1_wording_and_a_few_odd_spacing(big):
    types = big["cld"]["Service Type"].dropna()
    canonical = types.isin(list(V.SERVICE_TYPE))
    assert 0.60 < canonical.mean() < 0.70  # kept 64%, Release 1 33%, upper case or spaced 3%
    assert 0.01 < types.str.startswith("  ").mean() < 0.02
    assert types.map(lambda v: V.LOOKUPS["service_type"].get(V.value_key(v))).notna().all()  # all readable


def test_dates_lie_in_the_extract_s_years_and_people_are_adults(big):
    cld = big["cld"]
    start = pd.to_datetime(cld["Event Start Date"], format="%Y-%m-%d")
    end = pd.to_datetime(cld["Event End Date"], format="%Y-%m-%d")
    assert start.min() >= pd.Timestamp("2022-02-01") and start.max() <= pd.Timestamp("2025-03-31")
    assert (end.dropna() >= start[end.notna()]).all()
    born = pd.to_datetime(cld["Date of Birth"], format="%d/%m/%Y")
    assert born.max() <= pd.Timestamp("2005-04-01") and born.min() >= pd.Timestamp("1922-01-01")
    died = cld.drop_duplicates("LA Person Unique Identifier")["Date of Death"].notna().mean()
    assert 0.05 < died < 0.12  # 12% of the 70% aged 65+, 2% of the rest


def test_mha_and_cpa_follow_the_mental_health_caseload(big):
    people = big["cld"].drop_duplicates("LA Person Unique Identifier")
    mh = people["Primary Support Reason"].map(lambda v: V.LOOKUPS["primary_support_reason"].get(V.value_key(v))) == V.MH_PSR
    assert abs(len(big["cpa"]) - mh.sum()) == 0
    assert abs(len(big["mha"]) - mh.sum() / 2) <= 3  # half, rounded down in each chunk
    assert big["cpa"]["Client ID"].isin(people["LA Person Unique Identifier"]).all()
    assert set(big["mha"]["Outcome"]) == {"Admitted - Section 2", "Admitted - Section 3", "Admitted - Informal", "Not admitted"}
    assert np.issubdtype(big["mha"]["Age"].dtype, np.integer)

"""The measure catalogue: coverage of every framework the issue names, forgiving codes, renames,
and validation of a council's own catalogue file."""

from __future__ import annotations

import textwrap

import pytest

from s75xl.catalogue import code_key, load_catalogue
from s75xl.catalogue.codes import financial_year_start, looks_like_ascof_code
from s75xl.errors import CatalogueError, MeasureNotFoundError

OLD_ASCOF = ["1A", "1B", "1C(1A)", "1C(1B)", "1C(2A)", "1C(2B)", "1D", "1E", "1F", "1G", "1H", "1I(1)",
             "1I(2)", "1J", "2A(1)", "2A(2)", "2B(1)", "2B(2)", "2C(1)", "2C(2)", "2C(3)", "2D", "3A", "3B",
             "3C", "3D(1)", "3D(2)", "4A", "4B"]
NEW_ASCOF = {"2A": "2D", "2B": "2A(1)", "2C": "2A(2)", "2D(1)": "", "2D(2)": "", "2E(1)": "1G", "2E(2)": "",
             "3D(1A)": "1C(1A)", "3D(1B)": "1C(1B)", "3D(2A)": "1C(2A)", "3D(2B)": "1C(2B)"}


def test_every_ascof_measure_of_both_frameworks_is_present(catalogue):
    for code in OLD_ASCOF:
        assert catalogue.get(code).framework == "ASCOF 2014-15 to 2022-23"
    for code, old in NEW_ASCOF.items():
        measure = catalogue.get(code)
        assert measure.framework == "ASCOF 2023-24 onward"
        assert measure.replaces == old
        if old:
            assert catalogue.get(old).renamed_to == code


def test_local_frameworks_are_complete(catalogue):
    havering = catalogue.select(framework="Havering")
    assert [m.id for m in havering] == [f"HAV-{n:02d}" for n in range(1, 33)]
    assert {m.group for m in havering} == {"ASCOF", "Care Packages", "CPA", "Carers", "MHA"}
    cambridgeshire = {m.id for m in catalogue.select(framework="Cambridgeshire")}
    assert {"CAM-1", "CAM-2", "CAM-2a", "CAM-4", "CAM-5", "CAM-8b", "CAM-9a", "CAM-10a", "CAM-18a"} <= cambridgeshire
    assert len(catalogue.select(framework="Norfolk vital signs")) == 15
    sla = catalogue.select(framework="Leicestershire")
    assert len(sla) == 5
    # Seed 003: the City penalties add to the printed total 144,000; the County ones as printed
    # add to 215,920, not 216,000 (Assertive Outreach 38,800 is probably 38,880).
    assert sum(m.extra["penalty_city_gbp"] for m in sla) == 144_000
    assert sum(m.extra["penalty_county_gbp"] for m in sla) == 215_920


def test_every_measure_has_the_required_fields(catalogue):
    for m in catalogue:
        assert m.name and m.group and m.unit and m.source and m.numerator
        assert m.polarity in ("higher", "lower", "none")
        assert m.multiplier > 0 and 0 <= m.decimals <= 6
        assert m.evidence in ("S", "D", "U")
        if m.kind == "local":
            assert not looks_like_ascof_code(m.id), m.id


def test_polarity_follows_ascof_md(catalogue):
    lower = {m.id for m in catalogue.select(framework="ASCOF") if m.polarity == "lower"}
    assert lower == {"2A(1)", "2A(2)", "2C(1)", "2C(2)", "2C(3)", "2B", "2C"}


@pytest.mark.parametrize("written, expected", [
    ("1c(1a)", "1C(1A)"), ("1C1A", "1C(1A)"), ("ASCOF 1C(1A)", "1C(1A)"), ("ascof 1c (1a)", "1C(1A)"),
    ("2A(1)", "2A(1)"), ("2a1", "2A(1)"), ("2B", "2B"), ("3D1", "3D(1)"), ("3D(1A)", "3D(1A)"),
    ("1I1", "1I(1)"), ("2C2", "2C(2)"), ("hav-1", "HAV-01"), ("HAV 01", "HAV-01"), ("Havering 7", "HAV-07"),
    ("nfk-vs-9", "NFK-VS-09"), ("LD employment", "NFK-VS-10"), ("cam-10a", "CAM-10a"),
    ("carer-reported quality of life", "1D"),
])
def test_codes_are_matched_forgivingly(catalogue, written, expected):
    assert catalogue.find(written).id == expected


def test_renamed_codes_are_followed_by_year(catalogue):
    assert catalogue.find("2A(1)", year="2024-25").id == "2B"
    assert catalogue.find("2B", year="2016/17").id == "2A(1)"
    assert catalogue.find("1G", year="2023-24").id == "2E(1)"
    assert catalogue.find("1C(2A)", year=2024).id == "3D(2A)"
    assert catalogue.find("1A", year="2024-25").id == "1A"  # kept, not renamed
    assert catalogue.find("2A(1)").id == "2A(1)"  # no year: exactly what was asked


def test_unknown_code_suggests_the_nearest(catalogue):
    with pytest.raises(MeasureNotFoundError) as err:
        catalogue.find("2A(3)")
    assert "2A(1)" in str(err.value) or "2A(2)" in str(err.value)
    assert str(err.value).startswith("Unknown measure '2A(3)'.")


def test_a_name_two_codes_share_suggests_both(catalogue):
    with pytest.raises(MeasureNotFoundError, match="'1C\\(2B\\)', '3D\\(2B\\)'"):
        catalogue.find("Carers receiving direct payments")


def test_code_key_and_years():
    assert code_key("ASCOF 1C Part 1A") == code_key("1C(1A)") == "1C1A"
    assert financial_year_start("2016-17") == financial_year_start("2016/2017") == 2016
    with pytest.raises(ValueError):
        financial_year_start("2016-18")


LOCAL_ENTRY = """
[[measure]]
id = "{id}"
name = "{name}"
framework = "Our council"
group = "Delays"
unit = "count"
polarity = "lower"
decimals = 0
frequency = "monthly"
source = "RiO"
numerator = "Bed days lost"
denominator = ""
{more}
"""


def _write(tmp_path, text, name="mine.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_user_file_adds_and_overrides_measures(tmp_path):
    path = _write(tmp_path, LOCAL_ENTRY.format(id="LOCAL-DELAYS", name="Bed days lost to delays", more="") + """

        [[measure]]
        id = "1E"
        decimals = 2
        """)
    cat = load_catalogue([path])
    assert cat.find("local delays").polarity == "lower"
    assert cat.get("1E").decimals == 2 and cat.get("1E").unit == "percent"


def test_user_csv_catalogue(tmp_path):
    path = _write(tmp_path, "id,name,framework,group,unit,polarity,decimals,frequency,source,numerator,denominator,aliases\n"
                  "XYZ-1,Carers offered a break,Ours,Carers,percent,higher,1,quarterly,Mosaic,Offered,Assessed,Breaks; XYZ one\n",
                  name="mine.csv")
    cat = load_catalogue([path])
    assert cat.find("xyz one").id == "XYZ-1" and cat.get("XYZ-1").multiplier == 100


@pytest.mark.parametrize("body, message", [
    ('id = "L-1"\nname = "x"\nframework = "f"\ngroup = "g"\nunit = "percnt"\npolarity = "higher"\ndecimals = 1\n'
     'frequency = "monthly"\nsource = "s"\nnumerator = "n"\ndenominator = "d"',
     "entry 'L-1': field 'unit' must be one of"),
    ('id = "L-1"\nname = "x"\nframework = "f"\ngroup = "g"\nunit = "percent"\npolarity = "up"\ndecimals = 1\n'
     'frequency = "monthly"\nsource = "s"\nnumerator = "n"\ndenominator = "d"',
     "field 'polarity' must be one of"),
    ('id = "L-1"\nname = "x"\nframework = "f"\ngroup = "g"\nunit = "percent"\npolarity = "higher"\n'
     'frequency = "monthly"\nsource = "s"\nnumerator = "n"\ndenominator = "d"', "field 'decimals' is missing"),
    ('id = "L-1"\nname = "x"\nframework = "f"\ngroup = "g"\nunit = "percent"\npolarity = "higher"\ndecimals = 1\n'
     'frequency = "monthly"\nsource = "s"\nnumerator = "n"\ndenominator = ""', "needs a denominator"),
    ('id = "L-1"\nnmae = "x"', "unknown field 'nmae' (did you mean 'name'?)"),
    ('id = "2F"\nname = "x"', "must not look like an ASCOF code"),
    ('name = "no id"', "entry #1: field 'id' is missing"),
])
def test_bad_user_entries_name_file_entry_and_field(tmp_path, body, message):
    path = _write(tmp_path, "[[measure]]\n" + body + "\n")
    with pytest.raises(CatalogueError) as err:
        load_catalogue([path])
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_alias_clash_and_broken_rename_are_refused(tmp_path):
    clash = _write(tmp_path, LOCAL_ENTRY.format(id="L-2", name="x", more='aliases = ["1E"]'))
    with pytest.raises(CatalogueError, match="already used by measure '1E'"):
        load_catalogue([clash])
    broken = _write(tmp_path, '[[measure]]\nid = "1E"\nrenamed_to = "9Z"\n', name="b.toml")
    with pytest.raises(CatalogueError, match="'renamed_to' names '9Z'"):
        load_catalogue([broken])


def test_unreadable_files_are_reported(tmp_path):
    with pytest.raises(CatalogueError, match="does not exist"):
        load_catalogue([tmp_path / "missing.toml"])
    bad = _write(tmp_path, "[[measure]\nid = ", name="bad.toml")
    with pytest.raises(CatalogueError, match="is not valid TOML"):
        load_catalogue([bad])


def test_environment_variable_extends_the_default(tmp_path, monkeypatch):
    from s75xl.catalogue import default_catalogue

    path = _write(tmp_path, '[[measure]]\nid = "1E"\ndecimals = 3\n')
    monkeypatch.setenv("S75XL_CATALOGUE", str(path))
    assert default_catalogue().get("1E").decimals == 3
    monkeypatch.delenv("S75XL_CATALOGUE")
    assert default_catalogue().get("1E").decimals == 1


def test_havering_care_package_measures_say_which_computed_measure_gives_them(catalogue):
    assert catalogue.find("HAV-08").computed_from == "S75-RES-OPEN-END"
    assert catalogue.find("HAV-17").computed_column == "numerator"
    assert {catalogue.find(f"HAV-{n:02d}").computed_breakdown for n in (8, 9, 10, 11, 12, 13, 14, 15, 17)} \
        == {"Mental Health Support"}
    for measure in catalogue:
        if measure.computed_from:
            catalogue.find(measure.computed_from)  # every link names a measure that exists


@pytest.mark.parametrize("more, words", [('computed_from = "S75-DOM-NEW"\ncomputed_column = "rate"', "'value' or 'numerator'"),
                                         ('computed_column = "value"', "needs 'computed_from'")])
def test_a_bad_computed_link_is_refused(tmp_path, more, words):
    path = _write(tmp_path, LOCAL_ENTRY.format(id="LOCAL-LINK", name="Linked", more=more))
    with pytest.raises(CatalogueError, match=words):
        load_catalogue([path])

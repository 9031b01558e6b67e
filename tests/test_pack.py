"""The board pack from Norfolk's dashboard (Adult Social Care Committee performance report,
June 2017), and the pack's behaviour on partial and bad input."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from s75xl.cli import main
from s75xl.demo import read_shipped_csv
from s75xl.errors import OptionsError, S75Error
from s75xl.pack import PackOptions, build_pack
from s75xl.pack.content import select_period
from s75xl.ratings import Thresholds
from s75xl.spc_options import SPCOptions

# The report's section 4.6 lists the five report cards presented by exception, all off target.
NORFOLK_EXCEPTIONS = {"NFK-VS-02", "NFK-VS-03", "NFK-VS-09", "NFK-VS-10", "NFK-VS-11"}
NO_PDF = PackOptions(pdf=False)


@pytest.fixture(scope="module")
def norfolk():
    return read_shipped_csv("norfolk_results_2016_17.csv"), read_shipped_csv("norfolk_targets_2016_17.csv")


@pytest.fixture(scope="module")
def norfolk_pack(norfolk, tmp_path_factory):
    results, targets = norfolk
    out = tmp_path_factory.mktemp("norfolk")
    return build_pack(results, targets=targets, out_dir=out, options=NO_PDF), out


def test_norfolk_march_2017_exceptions_are_exactly_the_five_report_cards_with_their_reasons(norfolk_pack):
    result, _ = norfolk_pack
    content = result.areas["Norfolk"]
    negative = content.exceptions[content.exceptions["exception"] == "negative"]
    assert set(negative["measure"]) == NORFOLK_EXCEPTIONS
    reasons = dict(zip(negative["measure"], negative["exception_reasons"]))
    assert reasons["NFK-VS-09"] == ("off target: 3.56 against a target of 1.5 (137.3% worse); "
                                    "deteriorated for 4 consecutive periods")
    assert reasons["NFK-VS-11"] == "off target: 2 against a target of 3.7 (45.9% worse)"


def test_norfolk_overall_rating_equals_a_hand_count(norfolk_pack):
    # March 2017 targets (dashboard's target column): VS-02 19.3 vs 16.5 (lower: Red), VS-03 633 vs 573
    # (Red), VS-08 94.2% vs 90% (Green), VS-09 3.56 vs 1.5 (Red), VS-10 3.3% vs 4% (Red), VS-11 2.0% vs
    # 3.7% (Red): 1 of 6 at or above target, 16.7%.
    result, _ = norfolk_pack
    assert result.areas["Norfolk"].rating == {"with_target": 6, "at_or_above": 1, "percent": 16.7}
    assert result.lines()[0] == "Norfolk, Mar 2017: 1 of 6 measures with a target are at or above target (16.7%)."


def test_the_workbook_has_every_section_a_card_per_exception_and_a_native_chart_on_each(norfolk_pack):
    result, out = norfolk_pack
    path = out / "pack_Norfolk_2017-03.xlsx"
    assert result.files == [path]
    book = openpyxl.load_workbook(path)
    cards = [n for n in book.sheetnames if n.startswith("Card ")]
    assert book.sheetnames[:3] == ["Summary", "All measures", "Exceptions"]
    assert {n.split()[-1] for n in cards} == NORFOLK_EXCEPTIONS | {"NFK-VS-12"}
    assert book["Chart data"].sheet_state == "hidden"
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == len(cards)
    exceptions = [[c.value for c in row] for row in book["Exceptions"].iter_rows()]
    listed = [row[0] for row in exceptions if row[0] and str(row[0]).startswith("NFK-")]
    assert listed[:5] == ["NFK-VS-02", "NFK-VS-03", "NFK-VS-09", "NFK-VS-10", "NFK-VS-11"]
    summary = " ".join(str(c.value) for row in book["Summary"].iter_rows() for c in row if c.value is not None)
    assert "1 of 6 measures with a target are at or above target (16.7%)." in summary


def test_a_card_without_commentary_shows_the_six_prompts_blank_and_with_commentary_shows_it(norfolk, tmp_path):
    results, targets = norfolk
    notes = pd.DataFrame({"measure": ["NFK-VS-09"], "why_off_target": ["Hospital discharge pathways changed."],
                          "lead_officer": ["Director of Integrated Care"]})
    build_pack(results, targets=targets, commentary=notes, out_dir=tmp_path, options=NO_PDF)
    book = openpyxl.load_workbook(tmp_path / "pack_Norfolk_2017-03.xlsx")
    text = lambda name: [c.value for row in book[name].iter_rows() for c in row if c.value is not None]  # noqa: E731
    with_notes = text(next(n for n in book.sheetnames if n.endswith("NFK-VS-09")))
    assert "Hospital discharge pathways changed." in with_notes and "Director of Integrated Care" in with_notes
    assert "1. Why are we not meeting our target?" not in with_notes
    blank = text(next(n for n in book.sheetnames if n.endswith("NFK-VS-10")))
    assert "1. Why are we not meeting our target?" in blank and "6. What can we learn for the future?" in blank
    positive = text(next(n for n in book.sheetnames if n.endswith("NFK-VS-12")))
    assert "1. What explains current performance?" in positive and "1. Why are we not meeting our target?" not in positive


def test_commentary_for_a_measure_not_in_the_results_is_reported_by_name(norfolk, tmp_path):
    results, targets = norfolk
    notes = pd.DataFrame({"measure": ["2A(1)"], "actions": ["Review placements."]})
    notes.attrs["source"] = "commentary.csv"
    result = build_pack(results, targets=targets, commentary=notes, out_dir=tmp_path, options=NO_PDF)
    assert result.warnings == ["commentary.csv, row 2: commentary for measure '2A(1)' was not used: "
                               "that measure is not in the results."]


def test_results_without_targets_still_give_a_pack_with_no_rag_and_trend_exceptions(norfolk, tmp_path):
    results, _ = norfolk
    result = build_pack(results, out_dir=tmp_path, options=NO_PDF)
    content = result.areas["Norfolk"]
    assert content.rating is None
    assert content.measures["rag"].isna().all()
    assert set(content.exceptions["measure"]) == {"NFK-VS-09", "NFK-VS-12"}  # 4 worse, 3 better in a row
    assert any(n.startswith("No targets were given") for n in content.notes)
    summary = [c.value for row in openpyxl.load_workbook(result.files[0])["Summary"].iter_rows() for c in row]
    assert "No overall rating: no measure has a target for this period." in summary


def test_a_period_the_results_do_not_hold_is_one_sentence_naming_those_they_do(norfolk, tmp_path, capsys):
    results, targets = norfolk
    with pytest.raises(S75Error, match=r"^The results hold no figures for Apr 2017 \(2017-04\); "
                                       r"they hold 13 months, 2016-03 to 2017-03\.$"):
        build_pack(results, targets=targets, period="2017-04", out_dir=tmp_path, options=NO_PDF)
    code = main(["pack", "--results", "s75xl/data/norfolk_results_2016_17.csv", "--period", "Feb 2015",
                 "--out", str(tmp_path), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["s75xl: The results hold no figures for Feb 2015 (2015-02); they hold 13 months, 2016-03 to 2017-03."]


def test_every_date_form_of_the_period_selects_the_same_month(norfolk):
    results, targets = norfolk
    from s75xl.assess import assess

    assessed = assess(results, targets)
    for form in ("2016-11", "11/2016", "01/11/2016", "30/11/2016", "Nov 2016", "2016-11-30"):
        assert select_period(assessed, form) == pd.Timestamp("2016-11-01"), form
    assert select_period(assessed, None) == pd.Timestamp("2017-03-01")
    with pytest.raises(S75Error, match="is not a month"):
        select_period(assessed, "next March")


def test_several_areas_give_a_pack_each_and_a_comparison_ranking_and_an_empty_area_is_named(norfolk, tmp_path):
    results, targets = norfolk
    other = results.assign(area="Suffolk")
    numbers = pd.to_numeric(other["value"].astype(str).str.replace("[%,]", "", regex=True), errors="coerce")
    other["value"] = numbers.mul(1.1).round(1)
    empty = results.assign(area="Essex")
    empty = empty[empty["period"] < "2017-01"]  # nothing for March 2017
    table = pd.concat([results, other, empty], ignore_index=True)
    both = pd.concat([targets, targets.assign(area="Suffolk")], ignore_index=True)
    result = build_pack(table, targets=both, out_dir=tmp_path, options=NO_PDF)
    names = sorted(p.name for p in result.files)
    assert names == ["comparison_2017-03.xlsx", "pack_Norfolk_2017-03.xlsx", "pack_Suffolk_2017-03.xlsx"]
    assert "Area 'Essex' has no data for Mar 2017: no pack was built for it." in result.warnings
    ranking = openpyxl.load_workbook(tmp_path / "comparison_2017-03.xlsx")["Ranking by measure"]
    rows = [[c.value for c in row] for row in ranking.iter_rows(min_row=4)]
    vs02 = [r for r in rows if r[0] == "NFK-VS-02" and r[3]]
    # lower is better: Norfolk's 19.3 beats Suffolk's 21.2
    assert [(r[2], r[3]) for r in vs02] == [(1, "Norfolk"), (2, "Suffolk")]


def test_pack_options_are_checked_up_front_with_the_nearest_name():
    with pytest.raises(OptionsError, match=r"Unknown pack option 'chart_month'\. Did you mean 'chart_months'\?"):
        PackOptions.from_mapping({"chart_month": 12})
    with pytest.raises(OptionsError, match=r"Unknown pack section 'exception'\. Did you mean 'exceptions'\?"):
        PackOptions(sections=("summary", "exception"))
    with pytest.raises(OptionsError, match="forecast_level"):
        PackOptions(forecast_level=80)
    with pytest.raises(OptionsError, match="suppression policy"):
        PackOptions(suppression=("suppress-bellow",))
    with pytest.raises(OptionsError, match=r"Unknown SPC option 'screen_outlier'\. Did you mean 'screen_outliers'\?"):
        PackOptions(spc={"screen_outlier": False})
    assert PackOptions.from_mapping({"spc": {"screen_outliers": False}}).spc == SPCOptions(screen_outliers=False)


def test_a_misspelt_spc_option_in_assess_is_a_clear_error_not_a_type_error(norfolk):
    from s75xl.assess import assess

    results, targets = norfolk
    with pytest.raises(OptionsError, match=r"^Unknown SPC option 'screen_outlier'\. Did you mean 'screen_outliers'\?$"):
        assess(results, targets, spc_options={"screen_outlier": False})
    with pytest.raises(OptionsError, match="run_length must be 6 or 7"):
        SPCOptions(run_length=8)
    a = assess(results, targets, spc_options=SPCOptions(screen_outliers=False))
    b = assess(results, targets, spc_options={"screen_outliers": False})
    assert a["spc_variation"].equals(b["spc_variation"])


def test_sections_can_be_left_out(norfolk, tmp_path):
    results, targets = norfolk
    build_pack(results, targets=targets, out_dir=tmp_path, options=PackOptions(pdf=False, sections=("summary", "cards")))
    names = openpyxl.load_workbook(tmp_path / "pack_Norfolk_2017-03.xlsx").sheetnames
    assert names[0] == "Summary" and "All measures" not in names and sum(n.startswith("Card") for n in names) == 6


def test_text_from_input_is_never_a_live_formula(norfolk, tmp_path):
    results, targets = norfolk
    notes = pd.DataFrame({"measure": ["NFK-VS-09"], "actions": ["=HYPERLINK(\"http://x\")"]})
    build_pack(results, targets=targets, commentary=notes, out_dir=tmp_path, options=NO_PDF)
    with zipfile.ZipFile(tmp_path / "pack_Norfolk_2017-03.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s for s in sheets)


def test_card_charts_carry_the_same_spc_limits_and_point_types_as_s75xl_spc(norfolk_pack):
    from s75xl.spc import spc

    result, _ = norfolk_pack
    card = next(c for c in result.areas["Norfolk"].cards if c.measure == "NFK-VS-02")
    history = card.history
    expected = spc(history, value="value", date="month", improvement_direction="decrease").points
    assert list(history["point_type"]) == list(expected["point_type"])
    assert history["upl"].to_numpy() == pytest.approx(expected["upl"].to_numpy())
    assert history["mean"].iloc[0] == pytest.approx(sum(history["value"]) / 13)
    # Norfolk's 18-64 admissions: Mar and Apr 2016 above the limits' run (concern), Oct-Dec 2016 improvement
    assert history["point_type"].iloc[0] == "special_cause_concern"
    assert set(history["point_type"].iloc[7:10]) == {"special_cause_improvement"}


def test_small_numbers_are_suppressed_before_anything_is_shown(norfolk, tmp_path):
    results, targets = norfolk
    small = results.copy()
    march = (small["measure"] == "NFK-VS-11") & (small["period"] == "2017-03")
    small.loc[march, ["numerator", "value"]] = [3, "0.4%"]
    result = build_pack(small, targets=targets, out_dir=tmp_path,
                        options=PackOptions(pdf=False, suppression=("suppress-below",)))
    row = result.areas["Norfolk"].measures.set_index("measure").loc["NFK-VS-11"]
    assert pd.isna(row["value"])
    assert any(n.startswith("NFK-VS-11") and "no value for Mar 2017" in n for n in result.areas["Norfolk"].notes)
    book = openpyxl.load_workbook(tmp_path / "pack_Norfolk_2017-03.xlsx")
    assert not any(c.value == 0.4 for row in book["All measures"].iter_rows() for c in row)


def test_without_libreoffice_everything_but_the_pdf_is_built_and_one_line_says_how_to_get_it(norfolk, tmp_path,
                                                                                                monkeypatch, capsys):
    import s75xl.pack.pdf as pdf

    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    results, targets = norfolk
    result = build_pack(results, targets=targets, out_dir=tmp_path / "api", options=PackOptions())
    assert [p.suffix for p in result.files] == [".xlsx"]
    assert result.pdf_missing.startswith("LibreOffice is not installed, so no PDF was made: install it")
    code = main(["pack", "--results", "s75xl/data/norfolk_results_2016_17.csv", "--out", str(tmp_path / "cli"), "-q"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and sum(line.startswith("LibreOffice is not installed") for line in out) == 1


def test_progress_goes_to_stderr_per_area_and_stage_and_quiet_silences_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("S75XL_PROGRESS", "always")  # as at a terminal
    argv = ["pack", "--results", "s75xl/data/norfolk_results_2016_17.csv", "--no-pdf", "--out", str(tmp_path)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "Norfolk: done" in captured.err and "done" not in captured.out
    assert captured.out.startswith(f"Wrote {tmp_path}")
    assert main(argv + ["--quiet"]) == 0
    assert capsys.readouterr().err == ""


def _cells(path) -> dict[str, list]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [c.value for row in sheet.iter_rows() for c in row] for sheet in book.worksheets}


def test_the_command_line_sets_the_amber_band_the_run_length_and_spc_screening(norfolk, tmp_path):
    """`s75xl pack --tolerance 20 --consecutive 2 --no-screening` gives, cell for cell, the pack
    that PackOptions with those settings gives from Python, and not the default one."""
    results, targets = norfolk
    data = "s75xl/data/norfolk_results_2016_17.csv", "s75xl/data/norfolk_targets_2016_17.csv"
    argv = ["pack", "--results", data[0], "--targets", data[1], "--no-pdf", "--quiet"]
    assert main([*argv, "--tolerance", "20", "--consecutive", "2", "--no-screening", "--out", str(tmp_path / "cli")]) == 0
    options = PackOptions(pdf=False, thresholds=Thresholds(amber_tolerance_pct=20, consecutive_periods=2),
                          spc=SPCOptions(screen_outliers=False))
    python = build_pack(results, targets=targets, out_dir=tmp_path / "python", options=options)
    default = build_pack(results, targets=targets, out_dir=tmp_path / "default", options=NO_PDF)
    cli, from_python = _cells(tmp_path / "cli" / python.files[0].name), _cells(python.files[0])
    inputs = cli["Notes"].index("Inputs") + 1  # the files named on the command line; "tables passed from Python"
    assert cli["Notes"][:inputs] + cli["Notes"][inputs + 1:] == from_python["Notes"][:inputs] + from_python["Notes"][inputs + 1:]
    assert {k: v for k, v in cli.items() if k != "Notes"} == {k: v for k, v in from_python.items() if k != "Notes"}
    assert len(python.areas["Norfolk"].cards) == 8 and len(default.areas["Norfolk"].cards) == 6  # two in a row suffice
    assert sum(v == "Amber" for v in cli["All measures"]) == 3  # 3 measures worse than target by less than 20%
    assert not any(v == "Amber" for v in _cells(default.files[0])["All measures"])
    assert any(isinstance(v, str) and "less than 20% of target" in v for v in cli["Notes"])


@pytest.mark.parametrize("option, value, words", [("--tolerance", "-1", "percentage of 0 or more"),
                                                  ("--consecutive", "0", "whole number of 1 or more")])
def test_a_bad_amber_band_or_run_length_is_one_sentence(tmp_path, capsys, option, value, words):
    code = main(["pack", "--results", "s75xl/data/norfolk_results_2016_17.csv", option, value, "--no-pdf",
                 "--out", str(tmp_path / "pk"), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0]
    assert not (tmp_path / "pk").exists()

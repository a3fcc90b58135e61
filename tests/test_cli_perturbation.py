"""`flask bank perturbation`: print, load and reset a bank's perturbation table."""

from sqlalchemy import select

from timebank.extensions import db
from timebank.models import AuditEvent, Bank
from timebank.reports.cellkey import default_table, parse


def invoke(runner, *args, **kwargs):
    result = runner.invoke(args=list(args), **kwargs)
    db.session.rollback()
    return result


def bank(runner, threshold="5"):
    assert invoke(runner, "bank", "create", "--slug", "riverside", "--name", "R",
                  "--suppression-threshold", threshold).exit_code == 0
    return db.session.scalar(select(Bank).where(Bank.slug == "riverside"))


def own_table():
    """Small counts to 0, the rest moved by +1 (not zero-mean: allowed for a bank's own)."""
    lines = ["pcv,ckey,pvalue"]
    for pcv in range(7):
        shift = -pcv if pcv < 5 else 1
        lines += [f"{pcv},{key},{shift}" for key in range(256)]
    return "\n".join(lines) + "\n"


def test_with_no_option_it_prints_the_default_table_for_the_threshold(runner):
    bank(runner, "7")
    result = invoke(runner, "bank", "perturbation", "--slug", "riverside")
    assert result.exit_code == 0, result.output
    assert parse(result.output, 7).pvalues == default_table(7).pvalues


def test_a_sound_table_is_loaded_audited_and_used(runner, tmp_path):
    the_bank = bank(runner)
    path = tmp_path / "ptable.csv"
    path.write_text(own_table())
    result = invoke(runner, "bank", "perturbation", "--slug", "riverside", "--file", str(path))
    assert result.exit_code == 0, result.output
    db.session.refresh(the_bank)
    assert the_bank.perturbation_table == own_table()
    shown = invoke(runner, "bank", "perturbation", "--slug", "riverside").output
    assert parse(shown, 5).perturb(40, 3) == 41
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "bank.perturbation_table_set")).all()
    assert len(events) == 1
    reset = invoke(runner, "bank", "perturbation", "--slug", "riverside", "--default")
    assert reset.exit_code == 0
    db.session.refresh(the_bank)
    assert the_bank.perturbation_table is None


def test_an_unsound_table_is_refused_naming_the_problem_and_nothing_changes(runner, tmp_path):
    the_bank = bank(runner)
    path = tmp_path / "ptable.csv"
    path.write_text(own_table().replace("1,0,-1", "1,0,2"))
    result = invoke(runner, "bank", "perturbation", "--slug", "riverside", "--file", str(path))
    assert result.exit_code == 2
    assert "file: pcv 1, ckey 0: the published count 3 is from 1 to 4" in result.output
    db.session.refresh(the_bank)
    assert the_bank.perturbation_table is None

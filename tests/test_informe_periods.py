"""The informe's period: the committee's own periods, explicit windows, and clear refusals."""

from __future__ import annotations

from datetime import date

import pytest

from gelbot.domain.committees import DomainError
from gelbot.informe.periods import (
    InformePeriod,
    last_completed,
    parse_request,
    period_containing,
    resolve,
)

TODAY = date(2009, 9, 10)


def _period(text: str, *, months: int = 6, start_month: int = 2) -> InformePeriod:
    return resolve(
        parse_request(text), committee_months=months, start_month=start_month, today=TODAY
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The last completed period: February–July (periods start in February and August).
        ("", ("semestral", date(2009, 2, 1), date(2009, 7, 31))),
        ("semestral", ("semestral", date(2009, 2, 1), date(2009, 7, 31))),
        ("trimestral", ("trimestral", date(2009, 5, 1), date(2009, 7, 31))),
        # Seed 000's window, as the issue writes it and as the seed's cover does.
        ("semestral 2009-02 2009-08", ("semestral", date(2009, 2, 1), date(2009, 8, 31))),
        ("FEBRERO-AGOSTO DE 2009", ("semestral", date(2009, 2, 1), date(2009, 8, 31))),
        ("desde febrero de 2009 hasta agosto de 2009",
         ("semestral", date(2009, 2, 1), date(2009, 8, 31))),
        ("02/2009 08/2009", ("semestral", date(2009, 2, 1), date(2009, 8, 31))),
        ("2009-02-15 al 15/03/2009", ("trimestral", date(2009, 2, 15), date(2009, 3, 15))),
        ("noviembre de 2008 a enero", ("trimestral", date(2008, 11, 1), date(2009, 1, 31))),
        ("Trimestral 2009-05", ("trimestral", date(2009, 5, 1), date(2009, 7, 31))),
        ("semestre 2008-12-24", ("semestral", date(2008, 8, 1), date(2009, 1, 31))),
        ("actual", ("semestral", date(2009, 8, 1), date(2010, 1, 31))),
        ("informe semestral del periodo 2009-02, 2009-07.",
         ("semestral", date(2009, 2, 1), date(2009, 7, 31))),
    ],
)  # fmt: skip
def test_reads_the_period(text: str, expected: tuple[str, date, date]) -> None:
    assert _period(text) == InformePeriod(*expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "motivo"),
    [
        ("semestral foo", "palabra"),
        ("2009-13", "fecha"),
        ("2009-02-30", "fecha"),
        ("febrero", "sin_ano"),
        ("2009-01 2009-02 2009-03", "muchas"),
        ("semestral trimestral", "dos_tipos"),
        ("actual 2009-02", "actual_con_fechas"),
        ("2009-08 2009-02", "orden"),
        ("2009-10 2009-12", "futuro"),
        ("2005-01 2009-08", "largo"),
        ("<b>2009</b>", "palabra"),
    ],
)
def test_refuses_what_it_cannot_read(text: str, motivo: str) -> None:
    with pytest.raises(DomainError) as refused:
        _period(text)
    assert refused.value.code == "informe_uso"
    assert refused.value.details["motivo"] == motivo


def test_committee_periods_follow_their_configuration() -> None:
    # A committee reporting every three months from January: quarters are calendar quarters.
    assert _period("", months=3, start_month=1) == InformePeriod(
        "trimestral", date(2009, 4, 1), date(2009, 6, 30)
    )
    # Periods that cross the year: August–January.
    assert last_completed(date(2009, 3, 1), committee_months=6, start_month=2) == InformePeriod(
        "semestral", date(2008, 8, 1), date(2009, 1, 31)
    )
    # The last day of a period is not yet completed: the one before is reported.
    assert last_completed(date(2009, 7, 31), committee_months=6, start_month=2).end == date(
        2009, 1, 31
    )
    assert period_containing(
        date(2010, 1, 15), months=3, start_month=2, kind="trimestral"
    ) == InformePeriod("trimestral", date(2009, 11, 1), date(2010, 1, 31))

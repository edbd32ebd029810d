"""Bad input: each gives a clear message (per row with file kind, line and column where it is a
row), nothing is written and the admin's column mapping is kept."""

from datetime import date

import pytest

from lom.common.errors import DomainError
from lom.organisations.models import Employee, Unit
from lom.register.models import ImportRun
from lom.register.selectors import mapping_for
from lom.register.services import UploadedExport, import_upload
from tests.register.files import (
    EMPLOYEE_HEADER,
    PEOPLE,
    UNITS,
    csv_bytes,
    employees_file,
    messages,
    person,
    previewed,
    units_file,
)

S = ImportRun.Status
NEXT_YEAR = date.today().year + 2


@pytest.fixture
def counted(world):
    before = (Unit.objects.count(), Employee.objects.count())
    yield
    assert (Unit.objects.count(), Employee.objects.count()) == before, "nothing is written"


def _errors(world, capture, files, **kw):
    run = previewed(capture, world, files, **kw)
    assert run.status == S.INVALID
    return messages(run)


def test_row_errors_name_kind_line_column_and_reason(
    world, counted, django_capture_on_commit_callbacks
):
    people = [
        person("1001", "Greta", "Generaldirektör", "M"),
        person("1002", "Ada", "A", "A", **{"Anst.datum": "2026-02-30"}),
        person("1003", "Bo", "B", "B", **{"Slutdatum": "2010-01-01"}),
        person("1004", "Cay", "C", "B", **{"Anst.datum": f"{NEXT_YEAR}-06-01"}),
        person("1005", "Dan", "D", "B", **{"Syss.grad": "120"}),
        person("1006", "Eje", "E", "B", **{"Födelseår": "1850"}),
        person("1007", "=HYPERLINK(1)", "F", "B", **{"E-post": "f@example.org"}),
        person("1008", "Gun", "G", "Z"),
        person("1001", "Hans", "H", "B"),
        person("1009", "Ines", "I" * 101, "B", **{"Kön": "Q"}),
        person("1010", "Jan", "J", "B", **{"E-post": "inte-en-adress", "SSYK": "12345"}),
    ]
    found = _errors(
        world, django_capture_on_commit_callbacks, [units_file(), employees_file(people)]
    )
    assert found == [
        ("employees", 3, "Anst.datum", "Datumet 2026-02-30 finns inte."),
        ("employees", 4, "Slutdatum", "Slutdatum ligger före startdatum."),
        ("employees", 5, "Anst.datum", "Startdatum ligger mer än ett år fram i tiden."),
        ("employees", 6, "Syss.grad", "Sysselsättningsgraden ska vara mellan 0 och 100."),
        (
            "employees",
            7,
            "Födelseår",
            f"Födelseåret ska vara ett heltal mellan {date.today().year - 100} "
            f"och {date.today().year - 14}.",
        ),
        (
            "employees",
            8,
            "Förnamn",
            "Värdet börjar med = och kan köras som en formel i ett kalkylark.",
        ),
        ("employees", 11, "Efternamn", "Högst 100 tecken (här 101)."),
        ("employees", 11, "Kön", "Okänt kön q (K, M eller X)."),
        ("employees", 12, "E-post", "inte-en-adress är ingen e-postadress."),
        ("employees", 12, "SSYK", "SSYK-koden ska vara 1–4 siffror."),
        ("employees", 10, "Anst.nr", "Anställningsnumret 1001 finns på både rad 2 och rad 10."),
        ("employees", 9, "Enhet", "Enheten Z finns varken i enhetsfilen eller i registret."),
    ]


def test_a_negative_number_is_not_a_formula(world, django_capture_on_commit_callbacks):
    header = [*EMPLOYEE_HEADER, "Saldo"]
    rows = [[*PEOPLE[0], "-12,5"]]
    people = [person("1001", "Greta", "G", "M", **{"Befattning": "-3"})]
    run = previewed(
        django_capture_on_commit_callbacks,
        world,
        [units_file(UNITS[:1]), employees_file([*people], header=EMPLOYEE_HEADER)],
    )
    assert run.status == S.PREVIEWED, run.errors
    run = previewed(
        django_capture_on_commit_callbacks,
        world,
        [units_file(UNITS[:1]), employees_file(rows, header=header)],
    )
    assert run.status == S.PREVIEWED, run.errors  # an unmapped column is never read
    bad = [person("1001", "Greta", "G", "M", **{"Befattning": "+SUM(A1)"})]
    found = _errors(
        world, django_capture_on_commit_callbacks, [units_file(UNITS[:1]), employees_file(bad)]
    )
    assert found == [
        (
            "employees",
            2,
            "Befattning",
            "Värdet börjar med + och kan köras som en formel i ett kalkylark.",
        )
    ]


def test_unit_errors(world, counted, django_capture_on_commit_callbacks):
    units = [
        ["M", "Myndigheten", "", "1001"],
        ["A", "Avdelning A", "Q", ""],
        ["B", "Avdelning B", "M", "7777"],
        ["M", "Igen", "", ""],
    ]
    found = _errors(
        world, django_capture_on_commit_callbacks, [units_file(units), employees_file(PEOPLE)]
    )
    assert found == [
        ("units", 5, "Enhetskod", "Enhetskoden M finns redan på rad 2."),
        (
            "units",
            3,
            "Överordnad enhet",
            "Den överordnade enheten Q finns varken i filen eller i registret.",
        ),
        ("units", 4, "Chef", "Chefen 7777 finns varken i medarbetarfilen eller i registret."),
    ]


def test_missing_and_unknown_columns_are_file_errors_and_the_mapping_is_kept(
    world, counted, django_capture_on_commit_callbacks
):
    header = [h for h in EMPLOYEE_HEADER if h != "Födelseår"]
    keep = [i for i, h in enumerate(EMPLOYEE_HEADER) if h != "Födelseår"]
    rows = [[p[i] for i in keep] for p in PEOPLE]
    found = _errors(
        world, django_capture_on_commit_callbacks, [employees_file(rows, header=header)]
    )
    assert found == [("employees", 0, "Födelseår", "Ingen kolumn i filen är vald för Födelseår.")]
    mapping = {
        "employee_number": "Anst.nr",
        "first_name": "Förnamn",
        "last_name": "Efternamn",
        "unit_code": "Enhet",
        "employment_start": "Anst.datum",
        "birth_year": "Född år",
        "gender": "Kön",
    }
    found = _errors(
        world,
        django_capture_on_commit_callbacks,
        [employees_file(rows, header=header, columns=mapping)],
    )
    assert found == [
        ("employees", 0, "Född år", "Kolumnen Född år (för Födelseår) finns inte i filen.")
    ]
    assert mapping_for(organisation=world.org, kind="employees") == mapping


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            "Anst.nr;Förnamn\n1;Åsa\n".encode("utf-16"),
            "Filen gick inte att läsa som text. Spara den som CSV (UTF-8) eller som Excel (xlsx).",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "Filen gick inte att läsa som text. Spara den som CSV (UTF-8) eller som Excel (xlsx).",
        ),
        (b"", None),
    ],
)
def test_an_unreadable_file_is_a_file_error(
    world, counted, django_capture_on_commit_callbacks, data, message
):
    files = [UploadedExport("employees", "personal.csv", data, columns={"first_name": "Förnamn"})]
    if message is None:
        with pytest.raises(DomainError, match="är tom"):
            import_upload(actor=world.admin, organisation=world.org, files=files)
        return
    assert _errors(world, django_capture_on_commit_callbacks, files) == [
        ("employees", 0, "", message)
    ]
    assert mapping_for(organisation=world.org, kind="employees") == {"first_name": "Förnamn"}


def test_a_file_over_the_size_limit_is_refused_at_upload(world, counted, settings):
    settings.LOM_REGISTER_MAX_BYTES = 1000
    big = UploadedExport("employees", "personal.csv", b"x" * 1001)
    with pytest.raises(DomainError, match="större än"):
        import_upload(actor=world.admin, organisation=world.org, files=[big])
    assert not ImportRun.objects.exists()


def test_a_file_over_the_row_limit_stops_with_a_file_error(
    world, counted, settings, django_capture_on_commit_callbacks
):
    settings.LOM_REGISTER_MAX_ROWS = 2
    found = _errors(world, django_capture_on_commit_callbacks, [units_file(), employees_file()])
    assert ("units", 0, "", "Filen har fler än 3 rader. Dela upp den i flera filer.") in found


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "Välj minst en fil."),
        ([UploadedExport("staff", "a.csv", b"a")], "Okänd filtyp"),
        ([UploadedExport("units", "a.pdf", b"a")], "ladda upp en CSV-fil"),
        (
            [UploadedExport("units", "a.csv", b"a"), UploadedExport("units", "b.csv", b"b")],
            "högst en fil av varje typ",
        ),
        ([UploadedExport("units", "a.csv", b"a", columns={"salary": "Lön"})], "Okänt fält"),
    ],
)
def test_upload_refusals(world, files, message):
    with pytest.raises(DomainError, match=message):
        import_upload(actor=world.admin, organisation=world.org, files=files)
    assert not ImportRun.objects.exists()


def test_utf8_bom_comma_csv_and_xlsx_read_alike(world, django_capture_on_commit_callbacks):
    from tests.register.files import xlsx_bytes

    table = [EMPLOYEE_HEADER, *PEOPLE]
    units = units_file()
    for data, name in [
        (csv_bytes(table, sep=",", bom=True), "p.csv"),
        (xlsx_bytes(table), "p.xlsx"),
        (csv_bytes(table, sep="\t", encoding="cp1252"), "p.txt"),
    ]:
        run = previewed(
            django_capture_on_commit_callbacks,
            world,
            [units, UploadedExport("employees", name, data)],
        )
        assert run.status == S.PREVIEWED, (name, run.errors)
        assert run.counts["employees"]["new"] == 3

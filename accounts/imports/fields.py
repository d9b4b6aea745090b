"""What each kind of import reads: our fields, their types, and the column names ERPs use.

The synonyms are compared after :func:`normalise_header` (lower case, no
accents, no punctuation), so "Kunden-Nr.", "kunden nr" and "KUNDENNR" meet.
Add a synonym here when a real export names a column differently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from accounts.models import ImportKind


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # "text", "number", "date", "tier", "currency"
    required: bool = False
    synonyms: tuple[str, ...] = ()
    max_length: int = 200
    negative_allowed: bool = True
    max_digits: int = 18
    decimal_places: int = 2
    help: str = ""


def _amount(name: str, label: str, *synonyms: str, negative: bool = True) -> FieldSpec:
    return FieldSpec(name, label, "number", synonyms=synonyms, negative_allowed=negative)


_LINE_ID = FieldSpec(
    "line_id",
    "Line id",
    "text",
    synonyms=(
        "line id",
        "line_id",
        "invoice line",
        "invoice line id",
        "belegposition",
        "rechnungsposition",
        "position id",
        "document line",
        "transaction id",
        # Invoice and document numbers as ERPs export them (de, en, fr, es): a
        # line-level export has one line per number.
        "belegnr",
        "belegnummer",
        "beleg nr",
        "rechnungsnr",
        "rechnungsnummer",
        "rechnung nr",
        "invoice no",
        "invoice number",
        "invoice nr",
        "invoice id",
        "document no",
        "document number",
        "doc no",
        "n facture",
        "no facture",
        "numero de facture",
        "num facture",
        "n piece",
        "numero de piece",
        "n factura",
        "no factura",
        "num factura",
        "numero de factura",
        "n documento",
        "numero de documento",
    ),
    max_length=128,
    help="The line's own number in your ERP. Without it, identical lines are told apart by"
    " their position among identical rows.",
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    ImportKind.CUSTOMERS: (
        FieldSpec(
            "external_id",
            "Customer number",
            "text",
            required=True,
            max_length=64,
            synonyms=(
                "external id",
                "customer id",
                "customer no",
                "customer number",
                "cust id",
                "customer",
                "debitor",
                "debitorennummer",
                "kundennummer",
                "kunden nr",
                "kundennr",
                "account number",
            ),
        ),
        FieldSpec(
            "name",
            "Name",
            "text",
            required=True,
            synonyms=("name", "customer name", "kundenname", "company", "firma", "account name"),
        ),
        FieldSpec(
            "parent_group",
            "Parent group",
            "text",
            synonyms=("parent group", "group", "konzern", "parent", "parent company"),
        ),
        FieldSpec("industry", "Industry", "text", synonyms=("industry", "branche", "sector")),
        FieldSpec("region", "Region", "text", synonyms=("region", "country", "land", "gebiet")),
        FieldSpec(
            "size_measure",
            "Size",
            "number",
            negative_allowed=False,
            synonyms=("size", "size measure", "employees", "mitarbeiter", "sites"),
        ),
        FieldSpec("tier", "Tier", "tier", synonyms=("tier", "stufe", "klasse")),
    ),
    ImportKind.OFFERINGS: (
        FieldSpec(
            "code",
            "Offering code",
            "text",
            required=True,
            max_length=64,
            synonyms=(
                "code",
                "offering code",
                "product code",
                "product id",
                "sku",
                "artikelnummer",
                "artikel nr",
                "material",
                "materialnummer",
            ),
        ),
        FieldSpec(
            "name",
            "Name",
            "text",
            required=True,
            synonyms=("name", "offering", "product", "product name", "bezeichnung", "artikel"),
        ),
        FieldSpec(
            "business_unit",
            "Business unit",
            "text",
            max_length=100,
            synonyms=("business unit", "bu", "division", "sparte", "geschaftsbereich"),
        ),
    ),
    ImportKind.SALES_LINES: (
        _LINE_ID,
        FieldSpec(
            "customer",
            "Customer number",
            "text",
            required=True,
            max_length=64,
            synonyms=(
                "customer",
                "customer id",
                "customer no",
                "customer number",
                "cust id",
                "external id",
                "kundennummer",
                "kunden nr",
                "kundennr",
                "debitor",
                "sold to",
                "code client",
                "n client",
                "numero client",
                "client",
                "cliente",
                "codigo cliente",
                "n cliente",
                "numero de cliente",
            ),
        ),
        FieldSpec(
            "date",
            "Date",
            "date",
            required=True,
            synonyms=(
                "date",
                "invoice date",
                "datum",
                "rechnungsdatum",
                "belegdatum",
                "posting date",
                "order date",
                "date facture",
                "date de facture",
                "fecha",
                "fecha factura",
                "fecha de factura",
            ),
        ),
        FieldSpec(
            "offering",
            "Offering code",
            "text",
            max_length=64,
            synonyms=(
                "offering",
                "offering code",
                "product",
                "product code",
                "sku",
                "artikelnummer",
                "material",
            ),
        ),
        FieldSpec(
            "segment", "Segment", "text", max_length=100, synonyms=("segment", "site", "werk")
        ),
        FieldSpec(
            "quantity",
            "Quantity",
            "number",
            decimal_places=3,
            synonyms=("quantity", "qty", "menge", "anzahl"),
        ),
        FieldSpec(
            "net_sales",
            "Net sales",
            "number",
            required=True,
            synonyms=(
                "net sales",
                "net amount",
                "net",
                "amount",
                "revenue",
                "sales",
                "umsatz",
                "nettoumsatz",
                "netto",
                "nettobetrag",
                "chiffre d affaires",
                "montant ht",
                "ventas",
                "importe neto",
                "ventas netas",
            ),
        ),
        _amount(
            "cost_of_goods",
            "Cost of goods",
            "cost of goods",
            "cogs",
            "cost of sales",
            "cost",
            "costs",
            "unit cost total",
            "cost amount",
            "cost price",
            "wareneinsatz",
            "herstellkosten",
            "einstandswert",
            "einstandspreis",
            "einstandskosten",
            "selbstkosten",
            "kosten",
            "cout",
            "couts",
            "cout des ventes",
            "cout de revient",
            "prix de revient",
            "coste",
            "costo",
            "coste de ventas",
            "costo de ventas",
            "coste de los bienes vendidos",
        ),
        _amount("cost_presale", "Pre-sale cost", "cost presale", "presale cost", negative=False),
        _amount("cost_kam", "KAM cost", "cost kam", "kam cost", negative=False),
        _amount(
            "cost_relationship",
            "Relationship cost",
            "cost relationship",
            "relationship cost",
            negative=False,
        ),
        _amount("cost_admin", "Administration cost", "cost admin", "admin cost", negative=False),
        _amount(
            "cost_trade_credit",
            "Trade credit cost",
            "cost trade credit",
            "trade credit cost",
            negative=False,
        ),
        _amount(
            "cost_delivery",
            "Delivery cost",
            "cost delivery",
            "delivery cost",
            "freight",
            "fracht",
            negative=False,
        ),
        _amount("cost_service", "Service cost", "cost service", "service cost", negative=False),
        FieldSpec(
            "currency",
            "Currency",
            "currency",
            synonyms=("currency", "waehrung", "wahrung", "curr", "iso currency"),
            help="Three-letter code such as EUR or USD. Without it, every amount is taken to be"
            " in the workspace's reporting currency.",
        ),
    ),
    ImportKind.EXCHANGE_RATES: (
        FieldSpec(
            "currency",
            "Currency",
            "currency",
            required=True,
            synonyms=("currency", "waehrung", "wahrung", "curr"),
        ),
        FieldSpec(
            "valid_from",
            "Valid from",
            "date",
            required=True,
            synonyms=("valid from", "date", "datum", "gultig ab", "from"),
        ),
        FieldSpec(
            "rate",
            "Rate",
            "number",
            required=True,
            negative_allowed=False,
            decimal_places=8,
            synonyms=("rate", "exchange rate", "kurs", "wechselkurs"),
            help="Reporting-currency units for one unit of this currency.",
        ),
    ),
}


def fields_for(kind: str) -> tuple[FieldSpec, ...]:
    return FIELDS[kind]


def normalise_header(text: str) -> str:
    """Lower case, accents removed, punctuation and repeated spaces collapsed."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    return text.strip()


_SYNONYM_INDEX: dict[str, dict[str, str]] = {
    kind: {normalise_header(s): spec.name for spec in specs for s in (spec.name, *spec.synonyms)}
    for kind, specs in FIELDS.items()
}


def suggest_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """Our field -> the file's column, for every column whose name we recognise.

    Exact synonyms win; then the same words without spaces ("kundennr." meets
    "kunden nr"). Each column is used once, each field once.
    """
    index = _SYNONYM_INDEX[kind]
    squashed = {key.replace(" ", ""): name for key, name in index.items()}
    mapping: dict[str, str] = {}
    for header in headers:
        key = normalise_header(header)
        field = index.get(key) or squashed.get(key.replace(" ", ""))
        if field and field not in mapping:
            mapping[field] = header
    return mapping


def mapping_warnings(kind: str, mapping: dict[str, str]) -> list[str]:
    """What a mapping (proposed or chosen) leaves out that changes the figures, in plain words."""
    if kind != ImportKind.SALES_LINES or mapping.get("cost_of_goods"):
        return []
    return [
        "No column is mapped to cost of goods: every line's cost of goods will be 0, so margins"
        " will equal sales. Choose the column that holds the cost (often called Einstandswert,"
        " COGS, Cost, Coût or Coste) if the file has one."
    ]

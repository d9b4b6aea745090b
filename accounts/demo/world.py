"""The demo supplier's world: its catalog, the regions and industries of its customers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogItem:
    code: str
    name: str
    business_unit: str
    gross_margin: float  # typical (net sales - cost of goods) / net sales
    unit_price: float  # EUR per unit, hour or month
    returnable: bool  # goods can come back; services cannot


CATALOG: tuple[CatalogItem, ...] = (
    CatalogItem("FS-CP", "Centrifugal process pumps", "Flow Solutions", 0.28, 8500, True),
    CatalogItem("FS-SP", "Slurry pumps", "Flow Solutions", 0.30, 14000, True),
    CatalogItem("FS-DP", "Dosing and metering pumps", "Flow Solutions", 0.34, 2200, True),
    CatalogItem("CA-SC", "Screw compressors", "Compressed Air", 0.24, 18000, True),
    CatalogItem("CA-OF", "Oil-free compressors", "Compressed Air", 0.27, 42000, True),
    CatalogItem("CA-AT", "Air treatment and dryers", "Compressed Air", 0.33, 3800, True),
    CatalogItem("SV-PM", "Preventive maintenance contracts", "Field Services", 0.38, 95, False),
    CatalogItem("SV-ER", "Emergency repair call-outs", "Field Services", 0.42, 140, False),
    CatalogItem("SV-IC", "Installation and commissioning", "Field Services", 0.31, 110, False),
    CatalogItem("SV-OH", "Pump and compressor overhauls", "Field Services", 0.35, 6500, False),
    CatalogItem("PM-SK", "Spare-part kits", "Parts & Monitoring", 0.46, 650, True),
    CatalogItem("PM-WP", "Wear parts", "Parts & Monitoring", 0.50, 180, True),
    CatalogItem("PM-RM", "Remote condition monitoring", "Parts & Monitoring", 0.62, 450, False),
    CatalogItem("PM-EA", "Energy audits", "Parts & Monitoring", 0.55, 4800, False),
)


@dataclass(frozen=True)
class Region:
    name: str
    legal_forms: tuple[str, ...]
    cities: tuple[str, ...]


REGIONS: tuple[tuple[Region, int], ...] = (
    (
        Region(
            "Nordics",
            ("AB", "Oy", "A/S", "AS"),
            ("Gothenburg", "Luleå", "Oulu", "Tampere", "Aarhus", "Bergen", "Sundsvall", "Esbjerg"),
        ),
        30,
    ),
    (
        Region(
            "DACH",
            ("GmbH", "AG", "GmbH & Co. KG"),
            ("Hamburg", "Duisburg", "Linz", "Basel", "Leipzig", "Mannheim", "Graz"),
        ),
        22,
    ),
    (Region("Benelux", ("B.V.", "N.V."), ("Rotterdam", "Antwerp", "Ghent", "Eindhoven")), 12),
    (
        Region(
            "UK & Ireland",
            ("Ltd", "plc"),
            ("Aberdeen", "Leeds", "Teesside", "Cork", "Bristol", "Glasgow"),
        ),
        14,
    ),
    (Region("France", ("SA", "SAS"), ("Lyon", "Dunkirk", "Le Havre", "Grenoble", "Toulouse")), 10),
    (Region("Iberia", ("S.A.", "S.L."), ("Bilbao", "Valencia", "Porto", "Tarragona")), 6),
    (
        Region(
            "Central Europe",
            ("sp. z o.o.", "s.r.o.", "Kft."),
            ("Gdańsk", "Katowice", "Ostrava", "Győr", "Brno"),
        ),
        6,
    ),
)


@dataclass(frozen=True)
class Industry:
    name: str
    name_words: tuple[str, ...]
    site_kind: str
    preferred: tuple[str, ...]  # offering codes this industry buys most


INDUSTRIES: tuple[tuple[Industry, int], ...] = (
    (
        Industry(
            "Mining", ("Minerals", "Mining", "Resources"), "mine", ("FS-SP", "PM-WP", "SV-OH")
        ),
        9,
    ),
    (Industry("Pulp & Paper", ("Paper", "Pulp", "Board"), "mill", ("FS-CP", "SV-PM", "CA-SC")), 10),
    (
        Industry(
            "Water & Wastewater", ("Water", "Utilities"), "treatment works", ("FS-CP", "FS-DP")
        ),
        12,
    ),
    (Industry("Food & Beverage", ("Foods", "Dairy", "Breweries"), "plant", ("CA-OF", "FS-DP")), 14),
    (Industry("Chemicals", ("Chemicals", "Polymers"), "site", ("FS-DP", "FS-CP", "PM-RM")), 10),
    (Industry("Oil & Gas", ("Energy", "Offshore"), "terminal", ("FS-CP", "SV-ER", "PM-RM")), 5),
    (Industry("Power Generation", ("Power", "Heat & Power"), "station", ("CA-SC", "PM-EA")), 6),
    (Industry("Pharmaceuticals", ("Pharma", "Biotech"), "campus", ("CA-OF", "CA-AT", "SV-IC")), 6),
    (Industry("Marine & Shipping", ("Shipping", "Marine"), "yard", ("FS-CP", "SV-ER")), 5),
    (Industry("Steel & Metals", ("Steel", "Metals", "Foundry"), "works", ("CA-SC", "SV-OH")), 8),
    (
        Industry(
            "Buildings & Facilities",
            ("Facilities", "Property Services"),
            "site",
            ("SV-PM", "PM-SK"),
        ),
        15,
    ),
)


NAME_STEMS = (
    "Nordic", "Boreal", "Atlantic", "Baltic", "Alpine", "Hansa", "Vester", "Norrland", "Rhein",
    "Celtic", "Polar", "Granite", "Meridian", "Cobalt", "Fjord", "Tundra", "Delta", "Aurora",
    "Summit", "Harbor", "Kestrel", "Osprey", "Lindqvist", "Halvorsen", "Brandt", "Vogel",
    "Moreau", "Santos", "Kowalski", "Janssen", "Keller", "Falk", "Ekholm", "Rask", "Stern",
    "Beacon", "Crescent", "Evergreen", "Ironside", "Juniper", "Lodestar", "Northgate", "Pioneer",
    "Riverbend", "Silverline", "Tidewater", "Westmark", "Yarrow", "Zenith", "Arcadia", "Bergholm",
    "Castellan", "Dunmore", "Elbe", "Frontera", "Gullfoss", "Holmen", "Isar", "Kvarn", "Lumen",
)  # fmt: skip


#: Ranks of large customers that buy on price: a big vulture for the selection view.
PRICE_BUYERS = frozenset({9})


#: Ranks of large customers that buy only now and then: butterflies among the big ones.
OCCASIONAL_BUYERS = frozenset({11, 13})

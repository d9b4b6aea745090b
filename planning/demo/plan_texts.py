"""What the demo's account plans say: a few facts per industry, and the texts built from them.

The demo supplier sells pumps, compressors, field service and condition
monitoring to heavy industry (``accounts/demo/world.py``), so every plan talks
about the customer's sites, the equipment we look after there and what moves
their market. Texts are short, as a KAM would type them between two calls.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndustryFacts:
    output: str  # what they make or do
    site: str  # what they call a site
    driver: str  # what moves their market
    trend: str  # what is changing in how they work
    pressure: str  # what squeezes them
    rival: str  # who competes with us for their spend
    asset: str  # the equipment of ours that matters most there
    new_offer: str  # what we do not sell them yet
    new_use: str  # a department, site or use we could reach
    co_creation: str  # something to build with them


FACTS: dict[str, IndustryFacts] = {
    "Mining": IndustryFacts(
        "copper and zinc concentrate",
        "mine",
        "copper demand from grid and battery build-out",
        "remote operation centres and fewer people on site",
        "water permits and energy prices",
        "a global slurry-pump maker with its own service crews",
        "slurry and dewatering pumps",
        "condition monitoring on the concentrator",
        "the tailings dam's water recovery",
        "a remote pump-health dashboard for their operations centre",
    ),
    "Pulp & Paper": IndustryFacts(
        "board and tissue",
        "mill",
        "e-commerce packaging volumes",
        "fewer grades per mill and longer campaigns",
        "wood prices and falling graphic-paper demand",
        "the machine supplier's own service arm",
        "stock and process pumps",
        "planned-maintenance contracts on the wet end",
        "the recovery boiler's feedwater circuit",
        "an energy-saving retrofit package for the drying section",
    ),
    "Water & Wastewater": IndustryFacts(
        "drinking water and wastewater treatment",
        "treatment works",
        "the new EU rules on urban wastewater",
        "digital twins of the network and fewer night shifts",
        "capital budgets set by the regulator",
        "framework suppliers chosen by public tender",
        "dosing and process pumps",
        "remote monitoring of the pumping stations",
        "the sludge line at the two largest works",
        "a shared plan to cut energy per cubic metre treated",
    ),
    "Food & Beverage": IndustryFacts(
        "dairy and beverages",
        "plant",
        "private-label growth and shorter product cycles",
        "hygienic design and faster changeovers",
        "retailer price pressure and energy costs",
        "a hygienic-pump specialist with a strong distributor",
        "oil-free compressors and dosing pumps",
        "air-quality testing and certification",
        "the new aseptic line",
        "a compressed-air audit programme across their plants",
    ),
    "Chemicals": IndustryFacts(
        "polymers and speciality chemicals",
        "site",
        "demand from construction and automotive",
        "site consolidation and more automation",
        "gas prices and emission limits",
        "the large process-pump groups on global frame contracts",
        "process and dosing pumps",
        "reliability-centred maintenance studies",
        "the wastewater pre-treatment unit",
        "a leak-free pump standard for their new plants",
    ),
    "Oil & Gas": IndustryFacts(
        "storage and transfer of fuels",
        "terminal",
        "throughput at the import terminals",
        "electrification of offshore and terminal equipment",
        "carbon costs and ageing assets",
        "service companies bundling pumps with their rigs",
        "transfer pumps and rental compressors",
        "emergency rental agreements",
        "the vapour-recovery units",
        "an electrified compressor package for the terminal",
    ),
    "Power Generation": IndustryFacts(
        "heat and power",
        "station",
        "the move from coal to biomass and heat pumps",
        "flexible running and fewer full-time operators",
        "power-price swings and capacity payments",
        "the turbine maker's long-term service agreements",
        "cooling-water and boiler-feed pumps",
        "energy audits of the auxiliary systems",
        "the district-heating pumping stations",
        "a heat-pump pilot at one of their stations",
    ),
    "Pharmaceuticals": IndustryFacts(
        "biologics and sterile products",
        "campus",
        "biologics capacity coming on line",
        "continuous manufacturing and tighter validation",
        "validation cost and long qualification lead times",
        "a validated-equipment specialist already on their approved list",
        "oil-free compressors and clean utilities",
        "air-quality testing and validation support",
        "the new fill-and-finish building",
        "a validated utilities package for their next building",
    ),
    "Marine & Shipping": IndustryFacts(
        "ship repair and newbuilds",
        "yard",
        "retrofits for the new emission rules",
        "shorter dockings and more work done afloat",
        "steel prices and a thin order book",
        "the yard's long-time local pump repairer",
        "ballast and bilge pumps",
        "emergency repair call-outs",
        "the scrubber retrofit projects",
        "a standard retrofit kit for ballast-water treatment",
    ),
    "Steel & Metals": IndustryFacts(
        "steel and castings",
        "works",
        "the switch to electric-arc furnaces",
        "scrap-based production and hydrogen trials",
        "energy prices and carbon allowances",
        "a regional overhaul shop that works on price",
        "cooling-water pumps and blowers",
        "predictive maintenance on the cooling circuits",
        "the new electric-arc furnace line",
        "a water-cooling design for the hydrogen pilot",
    ),
    "Buildings & Facilities": IndustryFacts(
        "facility management of hospitals and offices",
        "site",
        "outsourcing of technical services by public clients",
        "building automation and remote fault handling",
        "fixed-price contracts and staff shortages",
        "local installers with low day rates",
        "booster and circulation pumps",
        "a service agreement covering all their sites",
        "the hospital portfolio they won last year",
        "a shared energy-saving guarantee for their clients",
    ),
}

DEFAULT_FACTS = FACTS["Chemicals"]


def facts_for(industry: str) -> IndustryFacts:
    return FACTS.get(industry, DEFAULT_FACTS)


def plan_texts(name: str, facts: IndustryFacts, years: int) -> dict[str, str]:
    """The plan's hand-typed texts by topic (PlanTopic values), for one account."""
    short = name.split()[0]
    return {
        "market": (
            f"{short} makes {facts.output}. Their market follows {facts.driver}; they expect"
            " modest growth next year and are choosing where to put new capacity."
        ),
        "trends": (
            f"Moving towards {facts.trend}. That favours suppliers who can watch equipment"
            " from a distance and come on site only when needed."
        ),
        "competitors": (
            f"Our main rival here is {facts.rival}. They win on price in tenders; we win"
            " where uptime and response time are measured."
        ),
        "strategy": (
            f"Their board wants every {facts.site} to run with fewer unplanned stops and less"
            f" energy. Investment goes first to {facts.new_use}."
        ),
        "financial": (
            f"Margins are under pressure from {facts.pressure}. Capital spending is approved"
            " per quarter; operating budgets are easier to reach than capital ones."
        ),
        "history": (
            f"Customer for {years} years. It started with {facts.asset} at one {facts.site};"
            " we now serve most of their sites, mainly with parts and call-out service."
        ),
        "buying": (
            "Procurement runs a framework every three years; the plant managers choose within"
            " it. Anything above the framework needs the operations director's signature."
        ),
        "enhance": (
            f"Turn call-out service on {facts.asset} into planned maintenance at every"
            f" {facts.site} we already serve."
        ),
        "expand": (
            f"Offer {facts.new_offer}: they buy it from nobody today, and it uses data"
            " our engineers already collect."
        ),
        "extend": f"Reach {facts.new_use}, where a new team decides and our name is not known yet.",
        "value_proposition": (
            f"Fewer unplanned stops on {facts.asset}, with response times written into the"
            f" contract, and {facts.co_creation} so they can show their board the savings."
        ),
    }


def swot_items(facts: IndustryFacts) -> list[tuple[str, str, str, str]]:
    """(kind, text, implication, the action that answers it)."""
    return [
        (
            "strength",
            f"Our engineers know their {facts.asset} better than anyone else.",
            "Lead every proposal with uptime figures from our own service records.",
            f"Compile last year's uptime figures on their {facts.asset}",
        ),
        (
            "strength",
            "The plant managers call us first when something breaks.",
            "Ask two of them to act as references for the framework renewal.",
            f"Ask two {facts.site} managers to be references",
        ),
        (
            "weakness",
            "Procurement sees us as the expensive option.",
            "Show cost per operating hour, not price per unit, in the next offer.",
            f"Build a cost-per-hour comparison for {facts.asset}",
        ),
        (
            "weakness",
            "We hardly know the people at head office who set the strategy.",
            "Bring our sales director to meet their operations director this quarter.",
            "Arrange a meeting between the two directors",
        ),
        (
            "opportunity",
            f"They plan to invest in {facts.new_use}.",
            "Get our application engineer into the project team before specifications freeze.",
            f"Offer a survey of {facts.new_use}",
        ),
        (
            "opportunity",
            f"Nobody sells them {facts.new_offer} yet.",
            "Run a paid pilot at one site and turn the results into a business case.",
            f"Propose a three-month pilot of {facts.new_offer}",
        ),
        (
            "threat",
            f"{facts.rival.capitalize()} is pushing for the framework renewal.",
            "Secure the renewal terms before the tender is written.",
            "Agree the renewal timetable with procurement",
        ),
    ]


#: Objectives: (title, horizon, kind, goal line, target or None, progress %).
OBJECTIVES: tuple[tuple[str, str, str, str, int | None, int], ...] = (
    ("Grow service revenue with the account by 12 %", "short", "volume", "growth", None, 55),
    ("Lift contribution margin on parts to 34 %", "medium", "margin", "growth", 34, 40),
    # Price: the measure is typed by the team (a contract's price is not in the sales yet).
    (
        "Sell the first monitoring contract at list price",
        "medium",
        "price",
        "new_offerings",
        48000,
        25,
    ),
    (
        "Build a co-creation project with their engineering team",
        "long",
        "mobilise",
        "innovation",
        None,
        10,
    ),
    ("Win the operations director as a sponsor", "short", "win_stakeholder", "", None, 60),
)

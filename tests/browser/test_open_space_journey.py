"""In a real browser: a KAM builds an Open Space and fills it like a spreadsheet.

Start the matrix from the empty state, type three potentials from the keyboard,
align a cell with a CSF in the side panel, paste a 3 x 2 block and a bad block
(nothing changes), undo the good block, switch to the priority view and watch
the UPV follow. A second test screenshots a 40 x 20 matrix in both themes.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus, Offering, SalesLine
from kam.tenancy.context import workspace_context
from planning.models import CriticalSuccessFactor, OpenSpaceCell
from tests.factories import build_world
from tests.planning.open_space.test_page import build_matrix

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_YEAR = timezone.localdate().year - 1


def _paste(page: Any, text: str) -> None:
    """What Ctrl+V delivers: a paste event carrying text/plain, as Excel puts it there."""
    page.evaluate(
        """(text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const event = new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            });
            document.getElementById("os-matrix").dispatchEvent(event);
        }""",
        text,
    )


def _potentials(workspace: Any, customer: Customer) -> dict[tuple[str, str], Decimal | None]:
    with workspace_context(workspace):
        return {
            (cell.segment.name, cell.column.label): cell.potential
            for cell in OpenSpaceCell.objects.filter(open_space__customer=customer).select_related(
                "segment", "column__offering"
            )
        }


def test_kam_fills_an_open_space_from_the_keyboard_and_by_pasting(
    open_page: Callable[..., Any], screenshot_dir: Path, transactional_db: None
) -> None:
    with transaction.atomic():
        world = build_world()
        workspace = world.a.workspace
        with workspace_context(workspace):
            customer = Customer.objects.create(
                external_id="KA-GULF",
                name="Gulf Oilfield",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=world.a.user("kam"),
            )
            CriticalSuccessFactor.objects.create(customer=customer, title="Grow offshore output")
            offerings = [
                Offering.objects.create(code=code, name=name, business_unit=unit)
                for code, name, unit in [
                    ("DRL", "Drilling", "Development BU"),
                    ("EVL", "Evaluation", "Exploration BU"),
                    ("PMP", "Pressure Pumping", "Production BU"),
                ]
            ]
            for index, segment in enumerate(["Africa", "Europe", "Middle East"]):
                SalesLine.objects.create(
                    customer=customer,
                    offering=offerings[0],
                    segment=segment,
                    date=datetime.date(LAST_YEAR, 4, 1),
                    net_sales=Decimal("2000000") if index == 0 else Decimal("0"),
                    cost_of_goods=Decimal("0"),
                    source_key=f"L{index}",
                )

    page = open_page(f"/accounts/{customer.pk}/open-space/", user=world.a.user("kam"))
    # Empty state: every suggested segment and offering is offered; choose them all.
    expect(page.get_by_role("heading", name="No Open Space yet")).to_be_visible()
    for label in ["Africa", "Europe", "Middle East", "Drilling", "Evaluation", "Pressure Pumping"]:
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Start the Open Space").click()
    matrix = page.locator("#os-matrix")
    expect(matrix).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "open-space-started.png"), full_page=True)
    # Columns in display order: Development BU (Drilling), Exploration BU, Production BU.
    heads = page.locator("thead .os-head-columns th").all_inner_texts()
    assert heads == ["Drilling", "Evaluation", "Pressure Pumping"]
    rows = page.locator("tbody tr[data-seg] th").all_inner_texts()
    assert rows == ["Africa", "Europe", "Middle East"]
    expect(page.locator("td.os-cell").first).to_have_class("os-cell is-incumbent")

    # Keyboard: the matrix takes focus on the first cell; type potentials into three cells.
    matrix.focus()
    page.keyboard.press("ArrowRight")  # Africa x Evaluation
    page.keyboard.type("1500000")
    page.keyboard.press("Enter")  # saves, moves down to Europe x Evaluation
    page.keyboard.type("750,000")
    page.keyboard.press("Tab")  # saves, moves right to Europe x Pressure Pumping
    page.keyboard.type("300000")
    page.keyboard.press("Enter")
    expect(page.locator("#os-status")).to_contain_text("Saved")
    expect(page.locator("[data-total-grand] .os-potential")).to_have_text("+2.6M")
    saved = _potentials(workspace, customer)
    assert saved[("Africa", "Evaluation")] == Decimal("1500000")
    assert saved[("Europe", "Evaluation")] == Decimal("750000")
    assert saved[("Europe", "Pressure Pumping")] == Decimal("300000")
    upv = page.locator("[data-upv=total]")
    expect(upv).to_contain_text("2,550,000")

    # Side panel: align Africa x Evaluation with the CSF -> a priority cell.
    page.locator("#c{}-{}".format(*_ids(page, "Africa", "Evaluation"))).click()
    panel = page.locator("#os-panel")
    expect(panel.locator("[data-panel=name]")).to_have_text("Africa \u00d7 Evaluation")
    panel.get_by_label("Critical success factor").select_option(label="Grow offshore output")
    panel.get_by_role("button", name="Save cell").click()
    expect(page.locator("[data-priority-count]")).to_have_text("1")
    expect(page.locator(".success-factors")).to_contain_text("1 aligned cell")

    # Paste a 3 x 2 block at Africa x Evaluation (Excel: tabs, CRLF, trailing newline).
    matrix.focus()
    _paste(page, "10\t20\r\n30\t40\r\n50\t60\r\n")
    expect(page.locator("#os-status")).to_contain_text("Pasted 3 \u00d7 2 values")
    after_paste = _potentials(workspace, customer)
    assert after_paste[("Middle East", "Pressure Pumping")] == Decimal("60")
    assert after_paste[("Africa", "Evaluation")] == Decimal("10")
    expect(upv).to_contain_text("210")

    # A bad block: listed by row and column, nothing changed.
    _paste(page, "1\tn/a\r\n-5\t2\r\n")
    errors = page.locator("#os-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("Row 1 of the paste (Africa), column 2 (Pressure Pumping)")
    expect(errors).to_contain_text("'n/a' is not a number")
    expect(errors).to_contain_text("cannot be below zero")
    assert _potentials(workspace, customer) == after_paste
    page.screenshot(path=str(screenshot_dir / "open-space-paste-error.png"), full_page=True)
    errors.get_by_role("button", name="Close").click()

    # Undo brings the three typed values back in one step.
    matrix.focus()
    page.keyboard.press("Control+z")
    expect(page.locator("#os-status")).to_contain_text("Undone")
    assert _potentials(workspace, customer)[("Africa", "Evaluation")] == Decimal("1500000")
    expect(upv).to_contain_text("2,550,000")

    # Priority view by key (outside the grid), remembered in the URL.
    page.keyboard.press("Escape")
    page.keyboard.press("3")
    expect(matrix).to_have_attribute("data-view", "priority")
    assert "view=priority" in page.url
    expect(page.locator("td.is-priority")).to_have_count(1)

    # UPV follows a change made in the priority view.
    matrix.focus()
    page.locator("#c{}-{}".format(*_ids(page, "Africa", "Evaluation"))).click()
    page.keyboard.press("Delete")
    expect(upv).to_contain_text("1,050,000")
    page.screenshot(path=str(screenshot_dir / "open-space-priority.png"), full_page=True)
    # The view is remembered when the page is opened again without ?view=.
    page.goto(f"/accounts/{customer.pk}/open-space/")
    expect(page.locator("#os-matrix")).to_have_attribute("data-view", "priority")


def _ids(page: Any, row: str, column: str) -> tuple[str, str]:
    segment = page.locator("tbody tr[data-seg]", has=page.locator(f"th:text-is('{row}')"))
    seg = segment.get_attribute("data-seg")
    col = page.locator(f"thead th[data-col]:text-is('{column}')").get_attribute("data-col")
    return str(seg), str(col)


def test_large_matrix_in_both_themes(
    open_page: Callable[..., Any], screenshot_dir: Path, transactional_db: None
) -> None:
    with transaction.atomic():
        world = build_world()
        customer, *_ = build_matrix(world.a, 40, 20, name="Large Oilfield")
    page = open_page(
        f"/accounts/{customer.pk}/open-space/?view=enhanced",
        user=world.a.user("kam"),
        width=1440,
        height=900,
    )
    expect(page.locator("td.os-cell")).to_have_count(800)
    page.locator("#os-matrix").focus()
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("End")
    expect(page.locator("td.is-selected")).to_have_count(1)
    page.screenshot(path=str(screenshot_dir / "open-space-40x20-light.png"))
    # "t" switches to the projector theme even in the matrix (letters do not start editing).
    page.keyboard.press("t")
    expect(page.locator("html")).to_have_attribute("data-theme", "projector")
    expect(page.locator(".os-editor")).to_have_count(0)
    page.keyboard.press("Escape")
    page.keyboard.press("3")
    page.screenshot(path=str(screenshot_dir / "open-space-40x20-projector.png"))
    page.keyboard.press("t")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.keyboard.press("1")
    page.screenshot(path=str(screenshot_dir / "open-space-40x20-plain.png"))
    page.locator("#layout summary").click()
    page.locator("#layout").screenshot(path=str(screenshot_dir / "open-space-layout.png"))
    # A viewer gets the same matrix, read-only; digits switch the view even in the matrix.
    viewer = open_page(
        f"/accounts/{customer.pk}/open-space/", user=world.a.user("viewer"), width=1440
    )
    viewer.locator("#os-matrix").focus()
    viewer.keyboard.press("ArrowRight")
    viewer.keyboard.press("2")
    expect(viewer.locator("#os-matrix")).to_have_attribute("data-view", "enhanced")
    viewer.keyboard.press("Delete")
    expect(viewer.locator(".os-editor")).to_have_count(0)
    viewer.screenshot(path=str(screenshot_dir / "open-space-viewer.png"))


def test_conflict_keep_mine_undo_redo_and_create_an_opportunity(
    open_page: Callable[..., Any], transactional_db: None
) -> None:
    from planning.models import Opportunity
    from planning.open_space.services import cells

    with transaction.atomic():
        world = build_world()
        customer, open_space, segs, cols = build_matrix(world.a, 3, 3, name="Conflict Mining")
    workspace = world.a.workspace
    page = open_page(f"/accounts/{customer.pk}/open-space/", user=world.a.user("kam"))
    target = page.locator(f"#c{segs[1].pk}-{cols[1].pk}")  # open, no row yet
    target.click()
    # Text in a number cell: refused, the typed text stays in the cell with the message.
    page.keyboard.press("F2")
    page.keyboard.type("lots")
    page.keyboard.press("Enter")
    expect(target).to_have_class(re.compile(r"\bis-error\b"))
    expect(target.locator(".os-potential")).to_have_text("+lots")
    expect(page.locator("#os-status")).to_contain_text("'lots' is not a number")
    target.click()
    page.keyboard.press("Enter")
    expect(page.locator(".os-editor")).to_have_value("lots")
    page.keyboard.press("Control+a")
    page.keyboard.type("500")
    page.keyboard.press("Enter")
    expect(page.locator("#os-status")).to_contain_text("Saved")
    # A colleague saves the same cell meanwhile.
    with workspace_context(workspace):
        cells.cell_save(
            open_space=open_space,
            segment_id=segs[1].pk,
            column_id=cols[1].pk,
            changes={"potential": "900"},
            expected_version=1,
            user=world.a.user("admin"),
        )
    target.click()
    page.keyboard.type("700")
    page.keyboard.press("Enter")
    box = page.locator("#os-conflict")
    expect(box).to_be_visible()
    expect(box).to_contain_text("Potential: theirs 900.00 EUR, yours 700")
    box.get_by_role("button", name="Keep mine").click()
    expect(box).to_be_hidden()
    expect(page.locator("#os-status")).to_contain_text("Saved:")
    expect(target.locator(".os-potential")).to_have_text("+700")

    def potential() -> Decimal | None:
        with workspace_context(workspace):
            cell = OpenSpaceCell.objects.get(segment=segs[1], column=cols[1])
            return cell.potential

    assert potential() == Decimal("700")
    page.locator("#os-matrix").focus()
    page.keyboard.press("Control+z")
    expect(page.locator("#os-status")).to_contain_text("Undone")
    expect(target.locator(".os-potential")).to_have_text("+900")
    assert potential() == Decimal("900")
    page.keyboard.press("Control+y")
    expect(page.locator("#os-status")).to_contain_text("Redone")
    expect(target.locator(".os-potential")).to_have_text("+700")
    assert potential() == Decimal("700")

    # Esc while typing cancels; Home / End / Tab move as in a spreadsheet.
    target.click()
    page.keyboard.type("9")
    expect(page.locator(".os-editor")).to_have_value("9")
    page.keyboard.press("Escape")
    expect(page.locator(".os-editor")).to_have_count(0)
    expect(target.locator(".os-potential")).to_have_text("+700")
    selected = page.locator("td.is-selected")
    page.keyboard.press("Home")
    expect(selected).to_have_id(f"c{segs[1].pk}-{cols[0].pk}")
    page.keyboard.press("End")
    expect(selected).to_have_id(f"c{segs[1].pk}-{cols[-1].pk}")
    page.keyboard.press("Tab")
    expect(selected).to_have_id(f"c{segs[2].pk}-{cols[0].pk}")
    page.keyboard.press("Shift+Tab")
    expect(selected).to_have_id(f"c{segs[1].pk}-{cols[-1].pk}")
    assert potential() == Decimal("700")

    # An open cell without a row yet becomes a push opportunity in one step.
    fresh = page.locator(f"#c{segs[2].pk}-{cols[0].pk}")
    fresh.click()
    create = page.get_by_role("button", name="Create opportunity")
    expect(create).to_be_visible()
    create.click()
    page.wait_for_url("**/opportunities/**")
    with workspace_context(workspace):
        opportunity = Opportunity.objects.get(customer=customer)
        assert opportunity.open_space_cell is not None
        assert opportunity.open_space_cell.segment_id == segs[2].pk

"""The tool's own blocks as people meet them: a GitHub body's tail and a Jira description's
panel keep the person's text and give our values back exactly (issue 13)."""

from __future__ import annotations

from tracker_bridge.adapters.github import body as bodies
from tracker_bridge.adapters.jira import tool_section as sections
from tracker_bridge.model.checklist import checklist_value, read_checklist, ticked
from tracker_bridge.model.spike_record import parse_record

RECORD = ("Started: 2026-11-02 09:00 UTC", "Extended: +3 days on 2026-11-06: GPU quota",
          "Outcome: abandoned", "Learning: the design moved to a list view")
CHECKS = checklist_value(["Runs nightly", "Alerts on failure"], ["Reviewed"])


def test_a_spike_body_round_trips_with_its_record_and_checklist() -> None:
    body = bodies.Body("Notes.\n- [x] my own box", "x.spike", "2026-11-10", None, "it helps",
                       True, (), tuple(ticked(CHECKS, ["Reviewed"])), RECORD)
    text = bodies.render(body)
    assert "Time-box: until 2026-11-10 (hypothesis: it helps)\n- Started: " in text
    assert bodies.parse(text) == body
    assert read_checklist(bodies.parse(text).checklist) == (CHECKS, ("Reviewed",))
    record = parse_record("\n".join(bodies.parse(text).spike_record))
    assert record.outcome is not None and record.outcome.value == "abandoned"
    assert [e.days for e in record.extensions] == [3]


def test_a_persons_list_at_the_end_of_a_description_is_not_ours() -> None:
    text = "Todo:\n- [ ] call ops\n- Outcome: nobody knows\n\n<!-- tracker-bridge:id=x.story -->"
    parsed = bodies.parse(text)
    assert parsed.description == "Todo:\n- [ ] call ops\n- Outcome: nobody knows"
    assert parsed.checklist == () and parsed.spike_record == ()


def test_the_jira_panel_keeps_text_on_both_sides() -> None:
    section = sections.ToolSection("it helps", 5, RECORD, tuple(ticked(CHECKS, [])))
    described = sections.Description("Before.\n", section, "After.")
    text = sections.join(described)
    assert sections.split(text) == described
    assert sections.split(text).text == "Before.\n\n\nAfter."
    renamed = sections.with_text(sections.split(text), "New before.\n\nAfter.")
    assert renamed.after == "After." and renamed.before == "New before."
    assert sections.split("Old text\n\nHypothesis: it helps") == sections.Description(
        "Old text", sections.ToolSection("it helps")
    )

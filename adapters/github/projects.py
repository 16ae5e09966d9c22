"""Projects v2 over GraphQL: find the project and its fields, add items, set and read values.

Add, then update, serially (GitHub cannot do both in one call). Iterations are matched by
start date and never created: replacing the iteration configuration wipes assignments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tracker_bridge.adapters.github.client import GitHubClient, GraphQLError
from tracker_bridge.adapters.github.mapping import GitHubMapping
from tracker_bridge.adapters.github.refinement import refinement_times
from tracker_bridge.adapters.github.translate import ProjectValues
from tracker_bridge.model import Stage
from tracker_bridge.tracker import AdapterError

FIELDS = """
query($login:String!,$n:Int!){ %s(login:$login){ projectV2(number:$n){ id title
  fields(first:50){ nodes{
    ... on ProjectV2FieldCommon { id name dataType }
    ... on ProjectV2SingleSelectField { id name options { id name } }
    ... on ProjectV2IterationField { id name configuration {
        iterations { id title startDate duration }
        completedIterations { id title startDate duration } } } } } } } }
"""
# Reached through owner + number and read by field *name*: a pull needs no schema query first.
ITEMS = """
query($login:String!,$n:Int!,$after:String){ %s(login:$login){ projectV2(number:$n){
  items(first:100, after:$after){
  pageInfo{ hasNextPage endCursor }
  nodes{ id updatedAt content{ ... on Issue{ id number repository{ nameWithOwner } %s } }
    fieldValues(first:20){ nodes{
      ... on ProjectV2ItemFieldSingleSelectValue{ name updatedAt
            field{ ... on ProjectV2FieldCommon{ name } } }
      ... on ProjectV2ItemFieldIterationValue{ iterationId startDate updatedAt
            field{ ... on ProjectV2FieldCommon{ name } } }
      ... on ProjectV2ItemFieldNumberValue{ number updatedAt
            field{ ... on ProjectV2FieldCommon{ name } } }
} } } } } } }
"""
# Coarse boards: the issue's last label changes, to tell a refinement label set after the
# Status value from one left over from before a person moved the card (refinement.py).
TIMELINE = """timelineItems(last:30, itemTypes:[LABELED_EVENT, UNLABELED_EVENT]){ nodes{
  __typename ... on LabeledEvent{ createdAt label{ name } }
  ... on UnlabeledEvent{ createdAt label{ name } } } }"""
ADD = """
mutation($p:ID!,$c:ID!){ addProjectV2ItemById(input:{projectId:$p, contentId:$c}){ item{ id } } }
"""
UPDATE = """
mutation($p:ID!,$i:ID!,$f:ID!,$v:ProjectV2FieldValue!){
  updateProjectV2ItemFieldValue(input:{projectId:$p,itemId:$i,fieldId:$f,value:$v}){
    projectV2Item{ id } } }
"""
CLEAR = """
mutation($p:ID!,$i:ID!,$f:ID!){
  clearProjectV2ItemFieldValue(input:{projectId:$p,itemId:$i,fieldId:$f}){ projectV2Item{ id } } }
"""


@dataclass
class Schema:
    project_id: str
    title: str
    fields: dict[str, dict[str, Any]]
    """By lower-cased name."""
    options: dict[Stage, str] = field(default_factory=dict)
    """Stage -> Status option id."""

    def field_id(self, name: str | None) -> str | None:
        found = self.fields.get(name.casefold()) if name else None
        return str(found["id"]) if found else None

    def iterations(self, name: str | None) -> list[dict[str, Any]]:
        found = self.fields.get(name.casefold()) if name else None
        config = (found or {}).get("configuration") or {}
        return [*config.get("iterations", []), *config.get("completedIterations", [])]


class ProjectBoard:
    """One Projects v2 board as the mapping names it."""

    def __init__(self, client: GitHubClient, mapping: GitHubMapping, owner: str, number: int,
                 repo_full_name: str) -> None:
        self.client = client
        self.mapping = mapping
        self.owner = owner
        self.number = number
        self.repo_full_name = repo_full_name.casefold()
        self._schema: Schema | None = None
        self._items: dict[str, str] = {}  # issue node id -> project item id
        self.status_by_item: dict[str, str | None] = {}
        """Project item id -> its Status option as last read (a move inside one option of a
        coarse board then sends no board mutation)."""

    @property
    def where(self) -> str:
        return f"project {self.owner}#{self.number}"

    def schema(self) -> Schema:
        """Project id, fields and Status options; a clear AdapterError for what is missing."""
        if self._schema is not None:
            return self._schema
        project = self._project(FIELDS, {})
        fields = {str(f["name"]).casefold(): f for f in project["fields"]["nodes"] if f}
        schema = Schema(str(project["id"]), str(project["title"]), fields)
        status_name = self.mapping.project.status_field
        status = fields.get(status_name.casefold())
        if status is None or "options" not in status:
            raise AdapterError(
                f"{self.where} has no single-select field {status_name!r}: fix "
                f"project.status_field in the mapping"
            )
        by_name = {str(o["name"]).casefold(): str(o["id"]) for o in status["options"]}
        for stage, option in self.mapping.project.status_options.items():
            if option.casefold() not in by_name:
                raise AdapterError(
                    f"{self.where} field {status_name!r} has no option {option!r}: fix "
                    f"project.status_options.{stage.value} in the mapping or add the option"
                )
            schema.options[stage] = by_name[option.casefold()]
        for entry, name in (("iteration_field", self.mapping.project.iteration_field),
                            ("points_field", self.mapping.project.points_field)):
            if name and name.casefold() not in fields:
                raise AdapterError(
                    f"{self.where} has no field {name!r}: fix project.{entry} in the mapping"
                )
        self._schema = schema
        return schema

    def status_option_names(self) -> list[str] | None:
        """The Status field's options as the board has them, without checking the mapping
        (None: no such single-select field); `doctor` uses it to recognise a coarse board."""
        project = self._project(FIELDS, {})
        name = self.mapping.project.status_field.casefold()
        found = next((f for f in project["fields"]["nodes"]
                      if f and str(f.get("name", "")).casefold() == name and "options" in f), None)
        return [str(o["name"]) for o in found["options"]] if found else None

    def _project(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The `projectV2` object of a query run through the owner; missing: AdapterError."""
        kind = self.mapping.project.owner_kind
        if query is ITEMS:
            query = ITEMS % (kind, TIMELINE if self.mapping.coarse else "")
        else:
            query = query % kind
        try:
            data = self.client.graphql(
                query, {"login": self.owner, "n": self.number, **variables}
            )
        except GraphQLError as exc:
            raise AdapterError(
                f"{self.where} not found ({exc.kind or 'error'}): fix project.owner, "
                f"project.number or project.owner_kind in the mapping (or the options)"
            ) from None
        project = ((data or {}).get(kind) or {}).get("projectV2")
        if not project:
            raise AdapterError(f"{self.where} not found: fix project.owner / project.number")
        found: dict[str, Any] = project
        return found

    # -- writes ----------------------------------------------------------------------------
    def item_for(self, issue_node_id: str) -> str:
        """The issue's project item (adding is idempotent: an existing item is returned)."""
        if issue_node_id not in self._items:
            data = self.client.graphql(ADD, {"p": self.schema().project_id, "c": issue_node_id})
            self._items[issue_node_id] = str(data["addProjectV2ItemById"]["item"]["id"])
        return self._items[issue_node_id]

    def known_item(self, issue_node_id: str) -> str | None:
        return self._items.get(issue_node_id)

    def _set(self, item_id: str, field_id: str, value: dict[str, Any] | None) -> None:
        variables = {"p": self.schema().project_id, "i": item_id, "f": field_id}
        if value is None:
            self.client.graphql(CLEAR, variables)
        else:
            self.client.graphql(UPDATE, {**variables, "v": value})

    def set_stage(self, item_id: str, stage: Stage) -> None:
        """Put the card on the stage's option; on a coarse board, nothing when it stands
        there already (a move inside one option changes only the refinement label)."""
        option = self.mapping.project.status_options[stage]
        known = self.status_by_item.get(item_id)
        if self.mapping.coarse and known is not None and known.casefold() == option.casefold():
            return
        schema = self.schema()
        field_id = schema.field_id(self.mapping.project.status_field)
        assert field_id is not None  # schema() checked it
        self._set(item_id, field_id, {"singleSelectOptionId": schema.options[stage]})
        self.status_by_item[item_id] = option

    def set_points(self, item_id: str, points: float | None) -> None:
        field_id = self.schema().field_id(self.mapping.project.points_field)
        if field_id is not None:
            self._set(item_id, field_id, None if points is None else {"number": float(points)})

    def set_iteration(self, item_id: str, iteration_id: str | None) -> None:
        field_id = self.schema().field_id(self.mapping.project.iteration_field)
        if field_id is None:
            raise AdapterError(f"{self.where}: set project.iteration_field in the mapping")
        value = None if iteration_id is None else {"iterationId": iteration_id}
        self._set(item_id, field_id, value)

    # -- reads -----------------------------------------------------------------------------
    def values(self) -> Iterator[tuple[int, str, ProjectValues]]:
        """(issue number, item updatedAt, values) for this repository's items, 100 a page."""
        names = {
            "status": self.mapping.project.status_field.casefold(),
            "iteration": (self.mapping.project.iteration_field or "").casefold(),
            "points": (self.mapping.project.points_field or "").casefold(),
        }
        after: str | None = None
        while True:
            page = self._project(ITEMS, {"after": after})["items"]
            for node in page["nodes"]:
                content = node.get("content") or {}
                repo = (content.get("repository") or {}).get("nameWithOwner", "")
                if "number" not in content or str(repo).casefold() != self.repo_full_name:
                    continue
                self._items[str(content["id"])] = str(node["id"])
                found: dict[str, Any] = {"item_id": str(node["id"])}
                for value in node["fieldValues"]["nodes"]:
                    name = str(((value or {}).get("field") or {}).get("name") or "").casefold()
                    if not name:
                        continue
                    # A field value's `updatedAt` is when it was set on the board: the
                    # time of a move made there (the item's `updatedAt` is any change).
                    if name == names["status"]:
                        found["status"] = value.get("name")
                        found["status_at"] = value.get("updatedAt")
                    elif name == names["iteration"]:
                        found["iteration_id"] = value.get("iterationId")
                        found["iteration_start"] = value.get("startDate")
                        found["iteration_at"] = value.get("updatedAt")
                    elif name == names["points"] and value.get("number") is not None:
                        found["points"] = float(value["number"])
                        found["points_at"] = value.get("updatedAt")
                self.status_by_item[str(node["id"])] = found.get("status")
                if self.mapping.coarse:
                    events = (content.get("timelineItems") or {}).get("nodes") or []
                    found["refinement"] = refinement_times(self.mapping, events)
                yield int(content["number"]), str(node["updatedAt"]), ProjectValues(**found)
            if not page["pageInfo"]["hasNextPage"]:
                return
            after = page["pageInfo"]["endCursor"]

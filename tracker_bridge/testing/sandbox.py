"""A whole tracker-bridge set-up on loopback: fake Jira, fake GitHub, a config file, a store.

The config it writes is an ordinary one (targets, `token_env`, options), so everything that
runs against a sandbox goes through the same settings, registry and adapters as production.
`tracker-bridge demo`, the end-to-end tests and the benchmarks use it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from tracker_bridge.model import Stage
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.fake_jira import FakeJira

JIRA_TOKEN_ENV = "TB_SANDBOX_JIRA_TOKEN"
GITHUB_TOKEN_ENV = "TB_SANDBOX_GITHUB_TOKEN"

_GITHUB_MARKER = re.compile(r"<!-- tracker-bridge:id=([^ ]+?) -->")


class Sandbox:
    def __init__(
        self,
        directory: Path,
        roadmap: Path,
        *,
        project: str = "trending-now",
        jira_project: str = "TREND",
        github_repo: str = "acme/trending-now",
        jira_flavour: Literal["cloud", "datacenter"] = "cloud",
        jira_workflow: str | Mapping[str, Any] | None = None,
        jira_mapping: Path | None = None,
        seed: int = 0,
        jira_options: Mapping[str, Any] | None = None,
        github_options: Mapping[str, Any] | None = None,
        github_mapping: Path | None = None,
        github_secondary_limit: int | None = None,
        max_change_ratio: float = 0.25,
        jira_port: int = 0,
        github_port: int = 0,
        jira_scope: Mapping[str, Any] | None = None,
        github_scope: Mapping[str, Any] | None = None,
        github_project_status: str | Sequence[str] = "mlops",
        jira_other_projects: Sequence[str] = (),
    ) -> None:
        """`jira_other_projects`: more projects on the same fake Jira, each a target of the
        project too (e.g. where issues are moved to)."""
        self.directory = directory
        self.roadmap = roadmap.resolve()
        self.project = project
        self.jira_project = jira_project
        self.github_repo = github_repo
        owner, repo = github_repo.split("/", 1)
        # The team in the roadmap are Jira users and the repository's collaborators.
        self.people = sorted(
            {i.assignee for i in load_roadmap(self.roadmap).roadmap.items if i.assignee}
        )
        self.jira = FakeJira(
            jira_flavour,
            projects=(jira_project, *jira_other_projects),
            seed=seed,
            port=jira_port,
            users=self.people,
            workflow=jira_workflow,
        )
        self.jira_mapping = jira_mapping
        self.jira_other_projects = tuple(jira_other_projects)
        self.github = FakeGitHub(
            owner=owner,
            repos=(repo,),
            seed=seed,
            port=github_port,
            secondary_limit_per_minute=github_secondary_limit,
            collaborators=("alice", "bob", "carol", *self.people),
            project_status=github_project_status,
        )
        self.jira_options = dict(jira_options or {})
        self.github_options = {"writes_per_minute": 6000, **(github_options or {})}
        self.github_mapping = github_mapping
        self.max_change_ratio = max_change_ratio
        self.scopes = {"jira": dict(jira_scope or {}), "github": dict(github_scope or {})}
        self.config_path = directory / "tracker-bridge.toml"

    @property
    def jira_tracker(self) -> str:
        return f"jira:{self.jira_project}"

    @property
    def github_tracker(self) -> str:
        return f"github:{self.github_repo}"

    @property
    def environ(self) -> dict[str, str]:
        """The secrets the config names, as the environment would hold them."""
        token = self.jira.api_token if self.jira.flavour == "cloud" else self.jira.pat
        return {JIRA_TOKEN_ENV: token, GITHUB_TOKEN_ENV: self.github.token}

    def start(self) -> Self:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.jira.start()
        self.github.start()
        self.config_path.write_text(self.config_text())
        return self

    def stop(self) -> None:
        self.jira.stop()
        self.github.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def config_text(self) -> str:
        username = self.jira.email if self.jira.flavour == "cloud" else None
        github_mapping = (
            f"mapping = {json.dumps(str(self.github_mapping))}\n" if self.github_mapping else ""
        )
        others = [
            line
            for key in self.jira_other_projects
            for line in (
                "[[projects.targets]]",
                f"tracker = {json.dumps('jira:' + key)}",
                f"url = {json.dumps(self.jira.url)}",
                f"username = {json.dumps(username)}" if username else "",
                f"token_env = {json.dumps(JIRA_TOKEN_ENV)}",
                f"mapping = {json.dumps(str(self.jira_mapping))}" if self.jira_mapping else "",
                f"options = {_inline_table(self.jira_options)}",
                "",
            )
        ]
        return "\n".join(
            [
                "# Written by tracker_bridge.testing.sandbox: fake trackers on loopback.",
                "[store]",
                f"url = {json.dumps('sqlite:///' + str(self.directory / 'state.sqlite'))}",
                "",
                "[reconcile]",
                f"max_change_ratio = {self.max_change_ratio}",
                "",
                "[[projects]]",
                f"name = {json.dumps(self.project)}",
                f"roadmap = {json.dumps(str(self.roadmap))}",
                "",
                "[[projects.targets]]",
                f"tracker = {json.dumps(self.jira_tracker)}",
                f"url = {json.dumps(self.jira.url)}",
                f"username = {json.dumps(username)}" if username else "",
                f"token_env = {json.dumps(JIRA_TOKEN_ENV)}",
                f"mapping = {json.dumps(str(self.jira_mapping))}" if self.jira_mapping else "",
                f"options = {_inline_table(self.jira_options)}",
                f"scope = {_inline_table(self.scopes['jira'])}",
                "# Roadmap handles -> Jira users (account ids on Cloud).",
                "people = "
                + _inline_table({name: self.jira.account_id(name) for name in self.people}),
                "",
                "[[projects.targets]]",
                f"tracker = {json.dumps(self.github_tracker)}",
                f"url = {json.dumps(self.github.url)}",
                f"token_env = {json.dumps(GITHUB_TOKEN_ENV)}",
                github_mapping + f"options = {_inline_table(self.github_options)}",
                f"scope = {_inline_table(self.scopes['github'])}",
                "",
                *others,
            ]
        )

    # -- acting like the team in the trackers' UIs -----------------------------------------
    def jira_key(self, item_id: str) -> str:
        marker = f"tb-id:{item_id}"
        for issue in self.jira.issues(self.jira_project):
            if marker in issue["fields"].get("labels", []):
                return str(issue["key"])
        raise KeyError(f"no Jira issue carries {marker}")

    def github_number(self, item_id: str) -> int:
        for issue in self.github.issues(self.github_repo):
            found = _GITHUB_MARKER.search(issue.get("body") or "")
            if found and found.group(1) == item_id:
                return int(issue["number"])
        raise KeyError(f"no GitHub issue carries the marker of {item_id}")

    def jira_fields(self, item_id: str) -> dict[str, Any]:
        """The fields of the item's Jira issue, as the REST API returns them."""
        fields: dict[str, Any] = self.jira.issue_json(self.jira_key(item_id))["fields"]
        return fields

    def github_issue(self, item_id: str) -> dict[str, Any]:
        """The item's GitHub issue, as the REST API returns it."""
        return self._github_numbered(self.github_number(item_id))

    def _github_numbered(self, number: int) -> dict[str, Any]:
        return next(i for i in self.github.issues(self.github_repo) if i["number"] == number)

    def jira_move(self, item_id: str, stage: Stage, *, refine: bool = True) -> None:
        """Drag the card along the Jira board, one workflow transition at a time. Where the
        mapping puts several stages on one status, a person also sets the stage's label
        (`refine=False`: moves only the status, as a person unaware of the labels would)."""
        from tracker_bridge.adapters.jira.mapping import load_mapping

        mapping = load_mapping(self.jira_mapping)
        key = self.jira_key(item_id)
        self.jira.human_transition(key, mapping.target_status(stage))
        if not (refine and mapping.shares_status(stage)):
            return
        labels = self.jira.issue_json(key)["fields"]["labels"]
        refinements = set(mapping.refinement_labels())
        kept = [label for label in labels if label not in refinements]
        self.jira.human_edit(key, labels=[*kept, mapping.refinement.label(stage)])

    def jira_edit(self, item_id: str, **fields: Any) -> None:
        self.jira.human_edit(self.jira_key(item_id), **fields)

    def github_move(self, item_id: str, stage: Stage, *, refine: bool = True) -> None:
        """Move the issue as a person would: the Status field, or the stage label (and close).
        Where the board puts several stages on one option, a person also sets the stage's
        label (`refine=False`: moves only the card, as a person unaware of the labels would;
        the option's first stage needs no label, so a person takes the others off)."""
        from tracker_bridge.adapters.github.mapping import load_mapping

        mapping = load_mapping(self.github_mapping)
        number = self.github_number(item_id)
        if mapping.mode == "projects":
            option = mapping.project.status_options[stage]
            self.github.human_set_project_status(self.github_repo, number, option)
            if refine and mapping.shares_option(stage):
                issue = self._github_numbered(number)
                stage_labels = {name.casefold() for name in mapping.labels.stages.values()}
                kept = [x["name"] for x in issue["labels"]
                        if x["name"].casefold() not in stage_labels]
                wanted = mapping.stage_label(stage)
                if wanted and any(x["name"] == wanted for x in issue["labels"]):
                    # Left from before: a label means something only once set after the
                    # move, so the person takes it off and puts it on again.
                    self.github.human_edit_issue(self.github_repo, number, labels=kept)
                self.github.human_edit_issue(
                    self.github_repo, number, labels=[*kept, *([wanted] if wanted else [])]
                )
            return
        issue = self._github_numbered(number)
        stage_labels = {name.casefold() for name in mapping.labels.stages.values()}
        kept = [x["name"] for x in issue["labels"] if x["name"].casefold() not in stage_labels]
        changes: dict[str, Any] = {"labels": [*kept, mapping.labels.stages[stage]]}
        if stage is Stage.DONE:
            changes.update(state="closed", state_reason="completed")
        elif issue["state"] == "closed":
            changes.update(state="open", state_reason="reopened")
        self.github.human_edit_issue(self.github_repo, number, **changes)

    def github_edit(self, item_id: str, **changes: Any) -> None:
        self.github.human_edit_issue(self.github_repo, self.github_number(item_id), **changes)

    def markers(self) -> dict[str, Counter[str]]:
        """How often each item id's marker is on each tracker (1 everywhere: no duplicates)."""
        jira = Counter(
            label.removeprefix("tb-id:")
            for issue in self.jira.issues(self.jira_project)
            for label in issue["fields"].get("labels") or ()
            if label.startswith("tb-id:")
        )
        github = Counter(
            marker
            for issue in self.github.issues(self.github_repo)
            for marker in _GITHUB_MARKER.findall(issue.get("body") or "")
        )
        return {self.jira_tracker: jira, self.github_tracker: github}

    def counts(self) -> dict[str, int]:
        return {
            self.jira_tracker: self.jira.issue_count(self.jira_project),
            self.github_tracker: self.github.issue_count(self.github_repo),
        }


def _inline_table(values: Mapping[str, Any]) -> str:
    return "{ " + ", ".join(f"{key} = {json.dumps(value)}" for key, value in values.items()) + " }"

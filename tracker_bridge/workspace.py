"""Opens what a command needs: settings, the store, a project's roadmap and its adapters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tracker_bridge.config import ProjectSettings, Settings, load_settings
from tracker_bridge.errors import UserError
from tracker_bridge.locations import DEFAULT_CONFIG, config_path
from tracker_bridge.store import Store

if TYPE_CHECKING:  # adapters and the reconciler load with the commands that sync, not `status`
    from tracker_bridge.reconcile.run_report import SyncOptions
    from tracker_bridge.tracker import Adapter

NO_PROJECTS = "no projects configured: add a [[projects]] table to the config file"


@dataclass
class Workspace:
    settings: Settings
    store: Store
    adapters: dict[str, Adapter] = field(default_factory=dict)

    def project(self, name: str | None) -> ProjectSettings:
        projects = self.settings.projects
        if not projects:
            raise UserError(NO_PROJECTS)
        if name is None:
            if len(projects) == 1:
                return projects[0]
            names = ", ".join(p.name for p in projects)
            raise UserError(f"several projects are configured ({names}): pass --project")
        for candidate in projects:
            if candidate.name == name:
                return candidate
        raise UserError(f"no project named {name!r} in the config")

    def open_adapters(
        self, project: ProjectSettings, only: Sequence[str] = ()
    ) -> dict[str, Adapter]:
        targets = [t for t in project.targets if not only or t.tracker in only]
        unknown = set(only) - {t.tracker for t in project.targets}
        if unknown:
            raise UserError(
                f"target {sorted(unknown)[0]!r} is not configured for project {project.name!r}"
            )
        if not targets:
            raise UserError(f"project {project.name!r} has no targets configured")
        from tracker_bridge.people import with_people
        from tracker_bridge.registry import factory_for
        from tracker_bridge.tracker import AdapterError

        for target in targets:
            factory = factory_for(target.tracker.split(":", 1)[0])
            try:
                adapter = factory.open(
                    target.tracker,
                    settings=target.adapter_settings(),
                    mapping_path=target.mapping,
                )
            except AdapterError as exc:
                raise UserError(f"{target.tracker}: {exc}") from exc
            self.adapters[target.tracker] = with_people(adapter, target.people)
        return dict(self.adapters)

    def sync_options(
        self,
        *,
        apply: bool,
        kind: str,
        force: bool = False,
        checksum: str | None = None,
        project: ProjectSettings | None = None,
    ) -> SyncOptions:
        """Run options with the configured conflict policy and change-ratio guard, and the
        project's tracker-born policies (`mirror`, `on_remote_delete`)."""
        from tracker_bridge.reconcile.run_report import SyncOptions

        reconcile = self.settings.reconcile
        return SyncOptions(
            mirror=project.mirror if project else "roadmap",
            on_remote_delete=project.on_remote_delete if project else "unlink",
            apply=apply,
            force=force,
            checksum=checksum,
            max_change_ratio=reconcile.max_change_ratio,
            policy=reconcile.conflict_policy,
            kind=kind,
        )

    def close(self) -> None:
        for adapter in self.adapters.values():
            adapter.close()
        self.store.close()


def no_config_found() -> UserError:
    """Where the config was looked for, so a person can put it there or name it."""
    return UserError(
        "no config file found: looked for --config/-c (not given), $TB_CONFIG (not set) and "
        f"{Path.cwd() / DEFAULT_CONFIG} (not there); copy config/tracker-bridge.example.toml "
        "there, or pass -c FILE"
    )


@contextmanager
def open_workspace(
    config: Path | None, *, environ: Mapping[str, str] | None = None
) -> Iterator[Workspace]:
    """`environ`: read settings and secrets from this mapping instead of os.environ."""
    path = config_path(config)
    if path is None:
        raise no_config_found()
    settings = load_settings(path, environ=environ)
    if not settings.projects:
        # Before the store opens: a run without a config must not leave a database behind.
        raise UserError(NO_PROJECTS)
    workspace = Workspace(settings, Store.open(settings.store.url))
    try:
        yield workspace
    finally:
        workspace.close()

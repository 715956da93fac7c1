"""The prompts of a batch and their dependency graph, shared by the request rules and the worker."""

from collections.abc import Sequence
from typing import TypedDict


class Prompt(TypedDict):
    """One question of a batch, stored as is in ``BatchJob.prompts`` (JSON)."""

    name: str
    value: str
    dependencies: list[str]


def find_cycle(prompts: Sequence[Prompt]) -> list[str] | None:
    """The first dependency cycle met walking the prompts in request order, closed on itself."""
    graph = {prompt["name"]: prompt["dependencies"] for prompt in prompts}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for dependency in graph[name]:
            cycle = visit(dependency, [*path, name])
            if cycle:
                return cycle
        done.add(name)
        return None

    for prompt in prompts:
        cycle = visit(prompt["name"], [])
        if cycle:
            return cycle
    return None


def dependency_order(prompts: Sequence[Prompt]) -> list[Prompt]:
    """Prompts ordered so dependencies come first; ties keep the request order."""
    remaining = list(prompts)
    placed: set[str] = set()
    ordered: list[Prompt] = []
    while remaining:
        for index, prompt in enumerate(remaining):
            if all(dependency in placed for dependency in prompt["dependencies"]):
                ordered.append(prompt)
                placed.add(prompt["name"])
                del remaining[index]
                break
        else:
            raise ValueError("prompt dependencies form a cycle")
    return ordered

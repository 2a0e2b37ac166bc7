"""Core's parts and the one way their imports run, read from the source with `ast`.

Every import counts: at the top of a module, inside a function, and under `if TYPE_CHECKING:`
(a cycle hidden in any of them is still two modules that cannot be read one without the other).
What does not count is the import of a package's `__init__` that Python makes on the way to one
of its modules: only the module named is taken.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"

# From the top down; a module may import from its own part and from the parts below it.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("entry", ("core.service", "core.roster")),
    ("conversation", ("core.conversation",)),
    ("staff", ("core.staff",)),
    ("desk", ("core.desk",)),
    ("cases", ("core.cases",)),
    ("turn", ("core.context", "core.callbacks", "core.throttle")),
    ("channels", ("core.channels",)),
    (
        "base",
        (
            *("core.states", "core.ports", "core.engines", "core.views", "core.models"),
            *("core.messages", "core.texts", "core.office"),
        ),
    ),
)
# What core never imports: the adapters and storage, and the libraries they wrap.
OUTSIDE = frozenset(
    {"telegram", "aiosqlite", "jieba", "rjieba", "storage", "handlers", "nlp", "similar"}
    | {"documents", "cli", "bot", "config", "apscheduler", "aiohttp", "httpx"}
)


def module_name(path: Path) -> str:
    """The dotted name of a source file of the project."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def core_modules() -> dict[str, Path]:
    """Every module of core by name."""
    return {module_name(path): path for path in sorted(CORE.rglob("*.py"))}


def imported(path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """The modules a file imports (every import statement, wherever it is), with the line."""
    tree = ast.parse(path.read_text(), str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield (candidate if candidate in known else base), node.lineno


def part_of(module: str) -> int | None:
    """The rank of a core module's part (0 is the top), None if it belongs to none."""
    for rank, (_, prefixes) in enumerate(PARTS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None


def graph() -> dict[str, set[str]]:
    """Core's modules and the core modules each imports."""
    modules = core_modules()
    known = set(modules)
    return {
        name: {m for m, _ in imported(path, known) if m in known and m != name}
        for name, path in modules.items()
    }


def test_every_module_of_core_belongs_to_a_part() -> None:
    loose = [name for name in core_modules() if name != "core" and part_of(name) is None]
    assert loose == [], f"place these in a part (tests/test_layering.py PARTS): {loose}"


def test_imports_run_downward_only() -> None:
    modules = core_modules()
    upward = []
    for name, path in modules.items():
        own = part_of(name)
        if own is None:
            continue
        for target, line in imported(path, set(modules)):
            rank = part_of(target)
            if rank is not None and rank < own:
                upward.append(
                    f"{path.relative_to(ROOT)}:{line} ({PARTS[own][0]}) imports {target}"
                    f" ({PARTS[rank][0]})"
                )
    assert upward == [], "imports from a part above:\n" + "\n".join(upward)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as the modules along it, or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for target in sorted(edges.get(node, ())):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done:
                found = visit(target)
                if found:
                    return found
        on_path.discard(path.pop())
        done.add(node)
        return None

    for start in sorted(edges):
        if start not in done:
            found = visit(start)
            if found:
                return found
    return None


def test_no_two_modules_of_core_import_each_other_by_any_way_round() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "an import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle_through_three_modules() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_core_never_imports_the_adapters_storage_or_the_libraries_they_wrap() -> None:
    modules = core_modules()
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in modules.values()
        for target, line in imported(path, set(modules))
        if target.split(".")[0] in OUTSIDE
    ]
    assert found == []


@pytest.mark.parametrize("init", sorted(CORE.glob("*/__init__.py")), ids=lambda p: p.parent.name)
def test_each_part_says_in_one_line_what_lives_there_and_what_it_may_import(init: Path) -> None:
    docstring = ast.get_docstring(ast.parse(init.read_text())) or ""
    first = docstring.split("\n", 1)[0]
    assert first and first.endswith(".") and "import" in first, first


# Every role check goes through these (models.py defines the properties they use).
ROLE_RULES = {"core.cases.access", "core.cases.lifecycle", "core.models"}


def is_role(node: ast.expr) -> bool:
    """True for a person's role (x.role) or one of the roles (Role.X)."""
    if not isinstance(node, ast.Attribute):
        return False
    return node.attr == "role" or (isinstance(node.value, ast.Name) and node.value.id == "Role")


def checks_role(node: ast.expr) -> bool:
    """True for reading is_member or is_coordinator, or comparing a role."""
    if isinstance(node, ast.Attribute):
        return node.attr in ("is_member", "is_coordinator")
    if isinstance(node, ast.Compare):
        return any(is_role(part) for part in (node.left, *node.comparators))
    return False


def role_checks(path: Path) -> Iterator[int]:
    """Lines where a module checks a role itself (person.is_member, person.role == Role.X)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.expr) and checks_role(node):
            yield node.lineno


def test_every_role_check_goes_through_access_or_lifecycle() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for name, path in core_modules().items()
        if name not in ROLE_RULES
        for line in role_checks(path)
    ]
    assert found == [], "role checks outside core.cases.access and lifecycle:\n" + "\n".join(found)

"""The order of layers, read from every module's imports (top level and inside functions).

Lowest first; a module may import its own layer and the layers below it, never above, and no two modules
may import each other, directly or around a circle. The core and storage know no transport: they never
import telegram, aiohttp or click. Settings are read in one place: no os.environ outside bot/settings.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"

LAYERS = (
    ("bot", "bot.clock", "bot.i18n", "bot.logs", "bot.settings"),
    ("bot.storage",),
    ("bot.core", "bot.core.replies", "bot.core.commands", "bot.core.text"),
    ("bot.core.knowledge",),
    ("bot.core.matching",),
    ("bot.core.roles", "bot.core.flood", "bot.core.sessions"),
    ("bot.core.curation", "bot.core.hearings"),
    ("bot.core.delivery",),
    ("bot.core.dialogue",),
    ("bot.console", "bot.telegram", "bot.web", "bot.ops"),
    ("bot.cli", "bot.__main__"),
)
TRANSPORTS = ("telegram", "aiohttp", "click")


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in BOT.rglob("*.py")}


def layer(module: str) -> int:
    """The layer of the longest prefix that names it."""
    best, rank = -1, None
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, rank = len(name), i
    assert rank is not None, f"{module} is in no layer: add it to LAYERS"
    return rank


def imports(path: Path) -> tuple[set[str], set[str]]:
    """(modules of bot imported, top-level packages imported from outside bot)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    internal, external = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from bot.core.matching import policy` imports the module policy, not the package.
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                     for alias in node.names]
        else:
            continue
        for name in names:
            if name == "bot" or name.startswith("bot."):
                internal.add(name)
            else:
                external.add(name.split(".")[0])
    return internal, external


GRAPH = {name: imports(path) for name, path in MODULES.items()}


def test_every_module_imports_only_its_layer_and_below():
    wrong = []
    for name, (internal, _) in GRAPH.items():
        for target in internal:
            if layer(target) > layer(name):
                wrong.append(f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_circles():
    graph = {name: {t for t in internal if t in MODULES and t != name} for name, (internal, _) in GRAPH.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert not circles, "import circles: " + "; ".join(" <-> ".join(c) for c in circles)


def test_core_and_storage_know_no_transport():
    wrong = [f"{name} imports {package}" for name, (_, external) in GRAPH.items()
             if name.startswith(("bot.core", "bot.storage")) for package in external if package in TRANSPORTS]
    assert not wrong, "\n".join(sorted(wrong))


def test_settings_are_read_in_one_place():
    readers = [str(path.relative_to(BOT.parent)) for name, path in MODULES.items()
               if name != "bot.settings" and re.search(r"os\.environ|os\.getenv", path.read_text(encoding="utf-8"))]
    assert not readers, f"read settings through bot/settings.py, not os.environ: {readers}"


def test_the_layer_test_sees_a_violation():
    """The checks above would fail on an import upwards: the graph is read, not assumed."""
    assert "bot.core.dialogue.router" in GRAPH["bot.cli"][0] or any(
        t.startswith("bot.core.dialogue")
        for t in set().union(*(GRAPH[m][0] for m in MODULES if m.startswith("bot.cli"))))
    assert layer("bot.core.dialogue.router") > layer("bot.core.matching.ranker") > layer("bot.storage.db")

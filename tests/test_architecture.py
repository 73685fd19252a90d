"""The compiler's layout as the README's map draws it: every module imports only modules of its own package or of a
lower layer (down the pipeline, or a shared leaf), never back up; only the MkDocs adapter imports MkDocs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from build_tools.layers import LAYERS as DESCRIBED

PACKAGE = Path(__file__).resolve().parent.parent / "build_tools"

#: Lowest first (build_tools/layers.py). A module may import a module of a lower layer, or of its own top-level
#: package in the same layer.
LAYERS: tuple[tuple[str, ...], ...] = tuple(names for names, _ in DESCRIBED)


def _layer(module: str) -> tuple[int, str]:
    """(layer, package) of a module path relative to build_tools, e.g. "render.site" -> (6, "render")."""
    for depth, names in enumerate(LAYERS):
        for name in names:
            if module == name or module.startswith(name + "."):
                best = (depth, name)
    return best


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported module relative to build_tools) of every import of build_tools, also inside functions."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [f"{target}.{a.name}".strip(".") for a in node.names] if not node.module else [target]
            elif (node.module or "").startswith("build_tools"):
                names = [node.module.removeprefix("build_tools").lstrip(".")]
            else:
                continue
            found += [(node.lineno, name) for name in names if name]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name.removeprefix("build_tools.")) for a in node.names if a.name.startswith("build_tools.")]
    return found


def _known(target: str, modules: dict[str, Path]) -> str:
    """`from . import aside` names a module; `from .site import Site` a module too: the longest known prefix."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_pipeline(module):
    layer, package = _layer(module)
    wrong = []
    for line, target in _imports(module, MODULES[module]):
        target = _known(target, MODULES)
        if not target:
            continue
        their_layer, their_package = _layer(target)
        if their_layer < layer or (their_layer == layer and their_package == package):
            continue
        wrong.append(f"build_tools/{MODULES[module].relative_to(PACKAGE)}:{line}: imports {target} (layer {their_layer}, {their_package}) from layer {layer}")
    assert not wrong, "\n".join(wrong)


def test_every_module_has_a_layer():
    assert {name for names in LAYERS for name in names if "." not in name} >= {m.split(".")[0] for m in MODULES}


def test_only_the_adapter_imports_mkdocs():
    importing = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            if any(n == "mkdocs" or n.startswith("mkdocs.") or n.startswith("material") for n in names):
                importing.append(module)
    assert importing and all(m.startswith("mkdocs_adapter") for m in importing), importing


def test_a_lower_layer_importing_a_higher_one_is_caught(tmp_path):
    """The check itself: model importing publish would be an import back up the pipeline."""
    path = tmp_path / "catalogue.py"
    path.write_text("from ..publish import build\n", encoding="utf-8")
    (line, target), = _imports("model.catalogue", path)
    assert _layer(_known(target, MODULES))[0] > _layer("model.catalogue")[0]


def test_only_the_staff_index_imports_whoosh():
    """Whoosh is unmaintained: one module to rewrite if the staff search changes engine."""
    importing = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            if any(n == "whoosh" or n.startswith("whoosh.") for n in names):
                importing.append(module)
    assert sorted(set(importing)) == ["search.staff.index"], importing

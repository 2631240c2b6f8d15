"""The analyst's notebook (docs/notebooks/inspection.ipynb) runs clean on the demo log.

Issue 14: the notebook answers an inspector's questions on the demo municipality; the
suite executes it in a real Jupyter kernel (nbclient), so a change to the frames or the
API that breaks it fails here. Its outputs are never committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbclient import NotebookClient

if TYPE_CHECKING:
    import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "inspection.ipynb"


def _read() -> Any:  # noqa: ANN401 - nbformat's notebook node is untyped
    return nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]


def test_the_committed_notebook_has_no_outputs() -> None:
    """Outputs are made by running it, never kept in git (they would go stale)."""
    notebook = _read()
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source[:60]
            assert cell.execution_count is None, cell.source[:60]


def test_the_notebook_runs_clean_on_the_demo(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every cell runs without an error; the plot is drawn; the answers are printed."""
    monkeypatch.setenv("CASELOG_NOTEBOOK_DB", str(demo_copy))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = _read()
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the plot is drawn"
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "duties judged on 2026-06-30" in printed
    assert "as the records showed that day" in printed
    assert (tmp_path / "inspection-frames" / "obligations.parquet").is_file()

"""Output folder faults: full disk or read-only while writing the batch's summary and index."""

from __future__ import annotations

import errno
import shutil

from conftest import PARAMS, SAMPLES

from merchant_playbooks import index
from merchant_playbooks.cli import main


def test_a_full_disk_while_writing_the_summary_is_reported_and_keeps_finished_outputs(tmp_path, monkeypatch,
                                                                                      capsys):
    params = tmp_path / "params"
    params.mkdir()
    shutil.copy(PARAMS / "huayang-zh.yaml", params)
    shutil.copytree(SAMPLES, tmp_path / "data" / "samples")
    out = tmp_path / "out"
    calls = {"n": 0}
    real = index.atomic_write_json

    def full_after_first(path, data):  # noqa: ANN001
        calls["n"] += 1
        if calls["n"] > 1:  # the first summary (before any notebook) fits; then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(index, "atomic_write_json", full_after_first)
    code = main(["run", str(params), "--out", str(out), "-j", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot write to" in err and "No space left on device" in err and "Traceback" not in err
    # the finished handout is intact and no temporary file is left behind
    handouts = list(out.rglob("*.html"))
    assert any(p.name == "first_event_bargaining.html" for p in handouts)
    assert not [p for p in out.rglob("*.tmp")]

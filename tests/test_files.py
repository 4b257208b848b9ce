"""nnlib's one way of replacing a file: all of the new content, or the old file untouched."""

import os

import pytest

from nnlib._files import atomic_file


def test_the_new_content_replaces_the_old_file_only_at_the_end(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("old")
    with atomic_file(path, "w", encoding="utf-8") as file:
        file.write("new")
        file.flush()
        assert path.read_text() == "old"  # not yet replaced
        assert open(file.name).read() == "new"  # the temporary file can be read back
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_an_error_in_the_block_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"old model")
    with pytest.raises(KeyboardInterrupt), atomic_file(path, "wb", durable=True) as file:
        file.write(b"half a new")
        raise KeyboardInterrupt
    assert path.read_bytes() == b"old model"
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def test_a_new_file_gets_0644_and_a_replaced_one_keeps_its_mode(tmp_path):
    fresh, kept = tmp_path / "fresh", tmp_path / "kept"
    kept.write_bytes(b"")
    os.chmod(kept, 0o600)
    for path in (fresh, kept):
        with atomic_file(path, "wb", durable=True) as file:
            file.write(b"x")
    assert fresh.stat().st_mode & 0o777 == 0o644
    assert kept.stat().st_mode & 0o777 == 0o600

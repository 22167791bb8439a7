"""Hostile and broken zips are refused with a clear reason, and nothing lands outside."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from airflow_jobs_provider.runner import errors
from airflow_jobs_provider.runner.errors import ArchiveError
from airflow_jobs_provider.runner.unpack import ArchiveLimits, unpack_zip

from .support import asset_for, plan_json, run_runner

LINK = stat.S_IFLNK | 0o777
REGULAR = stat.S_IFREG


def _entry(name: str, *, mode: int = REGULAR | 0o644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    info.create_system = 3
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _zip(path: Path, entries: Sequence[tuple[zipfile.ZipInfo | str, bytes | str]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def _tree(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """A workspace in a folder with a neighbour, so escapes would be seen."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("untouched")
    return {
        "root": tmp_path,
        "archive": tmp_path / "archives" / "evil.zip",
        "destination": tmp_path / "ws" / "jobs" / "1-evil",
    }


def _refused(
    layout: dict[str, Path], entries: Sequence[tuple[zipfile.ZipInfo | str, bytes | str]], **limits: float
) -> str:
    layout["archive"].parent.mkdir(exist_ok=True)
    _zip(layout["archive"], entries)
    return _refused_as_built(layout, **limits)


def _refused_as_built(layout: dict[str, Path], **limits: float) -> str:
    before = _tree(layout["root"])

    with pytest.raises(ArchiveError) as refusal:
        unpack_zip(layout["archive"], layout["destination"], ArchiveLimits(**limits))  # type: ignore[arg-type]

    assert not layout["destination"].exists(), "a refused archive leaves nothing behind"
    assert _tree(layout["root"]) - before == {"ws", "ws/jobs"}
    assert (layout["root"] / "outside" / "keep.txt").read_text() == "untouched"
    message = str(refusal.value)
    assert "\n" not in message
    assert message.startswith("archive 'evil.zip' refused: ")
    return message


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("../escape.txt", "has a '..' component"),
        ("job/../../escape.txt", "has a '..' component"),
        ("..\\escape.txt", "has a '..' component"),
        ("/tmp/absolute.txt", "is an absolute path"),
        ("\\\\server\\share\\x.txt", "is an absolute path"),
        ("C:\\Windows\\evil.txt", "starts with a drive letter"),
        ("c:/evil.txt", "starts with a drive letter"),
    ],
)
def test_path_traversal_is_refused(layout: dict[str, Path], name: str, rule: str) -> None:
    message = _refused(layout, [("job/fine.txt", "ok"), (_entry(name), "evil")])

    assert f"entry {name!r} {rule}" in message


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        (
            [(_entry("link", mode=LINK), "../../outside")],
            "symlink entry 'link' points to '../../outside', outside",
        ),
        ([(_entry("link", mode=LINK), "/etc/passwd")], "points to '/etc/passwd', not a relative path"),
        (
            # up -> d1 stays inside; up/x -> ../../.. climbs out from where up really leads
            [(_entry("d1/d2/up", mode=LINK), ".."), (_entry("d1/d2/up/x", mode=LINK), "../../..")],
            "symlink entry 'd1/d2/up/x' points to '../../..', outside",
        ),
        (
            # x looks inside while "later" does not exist yet; once later -> . exists, it is not
            [(_entry("x", mode=LINK), "later/../outside"), (_entry("later", mode=LINK), ".")],
            "symlink entry 'x' points to 'later/../outside', outside",
        ),
        (
            # files come first, so no file is written through a link; the link then finds a folder
            [(_entry("out", mode=LINK), "sub"), (_entry("out/planted.txt"), "data")],
            "cannot create symlink entry 'out': File exists",
        ),
    ],
)
def test_symlinks_that_escape_are_refused(
    layout: dict[str, Path], entries: list[tuple[zipfile.ZipInfo, str]], problem: str
) -> None:
    message = _refused(layout, entries)

    assert problem in message


def test_symlink_inside_the_archive_is_kept(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "ok.zip",
        [("MyJob/MyJob_run.sh", "echo hi\n"), (_entry("MyJob/latest.sh", mode=LINK), "MyJob_run.sh")],
    )

    unpack_zip(archive, tmp_path / "out", ArchiveLimits())

    link = tmp_path / "out" / "MyJob" / "latest.sh"
    assert os.readlink(link) == "MyJob_run.sh"
    assert link.read_text() == "echo hi\n"


def test_high_compression_ratio_is_refused(layout: dict[str, Path]) -> None:
    message = _refused(layout, [("bomb.bin", b"\0" * (20 << 20))])

    assert "entry 'bomb.bin' expands" in message
    assert "more than the limit of 200 (JOB_RUNNER_MAX_RATIO)" in message


def test_small_highly_compressible_files_are_fine(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "ok.zip", [("blank.txt", b" " * 500_000)])

    unpack_zip(archive, tmp_path / "out", ArchiveLimits())

    assert (tmp_path / "out" / "blank.txt").stat().st_size == 500_000


def test_too_many_entries_are_refused(layout: dict[str, Path]) -> None:
    message = _refused(layout, [(f"f{index}.txt", "x") for index in range(11)], max_entries=10)

    assert "it holds 11 entries, more than the limit of 10 (JOB_RUNNER_MAX_ENTRIES)" in message


def test_too_many_declared_bytes_are_refused(layout: dict[str, Path]) -> None:
    message = _refused(
        layout, [("a.bin", os.urandom(600)), ("b.bin", os.urandom(600))], max_unpacked_bytes=1000
    )

    assert (
        "declares 1200 bytes unpacked, more than the limit of 1000 (JOB_RUNNER_MAX_UNPACKED_BYTES)" in message
    )


def test_header_that_understates_the_size_is_refused(layout: dict[str, Path]) -> None:
    layout["archive"].parent.mkdir()
    with zipfile.ZipFile(layout["archive"], "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("liar.bin", b"\0" * (5 << 20))
        archive.filelist[0].file_size = 100  # the central directory now claims 100 bytes

    with pytest.raises(ArchiveError, match=r"entry 'liar.bin' is damaged or unsupported: Bad CRC-32"):
        unpack_zip(layout["archive"], layout["destination"], ArchiveLimits())
    assert not layout["destination"].exists()


def _flood_on_read(layout: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive whose header says 4 bytes, read by a zip reader that yields 3 MiB."""
    layout["archive"].parent.mkdir()
    _zip(layout["archive"], [("small.txt", "tiny")])
    flood = b"\0" * (3 << 20)
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, info, *args, **kwargs: io.BytesIO(flood))


def test_bytes_are_counted_as_written_not_taken_from_headers(
    layout: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the zip reader trusted a lying header, the running count still stops the flood."""
    _flood_on_read(layout, monkeypatch)

    message = _refused_as_built(layout, max_unpacked_bytes=2 << 20, max_ratio=1e9)

    assert "it holds more than that unpacked, more than the limit of 2097152" in message


def test_ratio_is_measured_on_real_bytes_too(
    layout: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _flood_on_read(layout, monkeypatch)

    message = _refused_as_built(layout)

    assert "entry 'small.txt' expands" in message


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicate_entries_are_refused(layout: dict[str, Path]) -> None:
    message = _refused(layout, [("run.sh", "echo 1"), ("run.sh", "echo 2")])

    assert "entry 'run.sh' appears twice" in message


def _damaged(layout: dict[str, Path], compression: int) -> None:
    """One entry compressed with ``compression`` whose compressed bytes are overwritten."""
    layout["archive"].parent.mkdir()
    _zip_with(layout["archive"], compression, [("run.sh", b"echo hello " * 2000)])
    data = bytearray(layout["archive"].read_bytes())
    info = zipfile.ZipFile(layout["archive"]).infolist()[0]
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 12 : start + 20] = b"\xff" * 8
    layout["archive"].write_bytes(bytes(data))


def _zip_with(path: Path, compression: int, entries: Sequence[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("compression", "problem"),
    [(zipfile.ZIP_LZMA, "Corrupt input data"), (zipfile.ZIP_BZIP2, "Invalid data stream")],
    ids=["lzma", "bzip2"],
)
def test_damaged_compressed_entry_is_refused_naming_the_problem(
    layout: dict[str, Path], compression: int, problem: str
) -> None:
    _damaged(layout, compression)

    message = _refused_as_built(layout)

    assert message == f"archive 'evil.zip' refused: entry 'run.sh' is damaged or unsupported: {problem}"


def _name_flagged_utf8_but_not(path: Path) -> Path:
    """A zip whose entry name has the UTF-8 flag set and bytes that are not UTF-8."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("café.sh", "echo hi\n")  # a non-ASCII name: stored as UTF-8, flagged so
    path.write_bytes(buffer.getvalue().replace("café".encode(), b"caf\xff\xfe"))
    return path


def test_name_flagged_utf8_that_is_not_is_refused(layout: dict[str, Path]) -> None:
    layout["archive"].parent.mkdir()
    _name_flagged_utf8_but_not(layout["archive"])

    message = _refused_as_built(layout)

    assert (
        message
        == "archive 'evil.zip' refused: an entry's name is flagged UTF-8 but is not (invalid start byte)"
    )


@pytest.mark.parametrize("damage", ["lzma", "utf-8 name"])
def test_damage_through_the_command_line_exits_92_with_the_reason_logged(tmp_path: Path, damage: str) -> None:
    layout = {"archive": tmp_path / "archives" / "evil.zip"}
    if damage == "lzma":
        _damaged(layout, zipfile.ZIP_LZMA)
    else:
        layout["archive"].parent.mkdir()
        _name_flagged_utf8_but_not(layout["archive"])
    log = tmp_path / "termination-log"

    result = run_runner(
        "fetch",
        "--workspace",
        str(tmp_path / "ws"),
        "--plan",
        plan_json([asset_for(layout["archive"])]),
        env={"JOB_RUNNER_TERMINATION_LOG": str(log)},
    )

    assert result.returncode == errors.ARCHIVE_REFUSED, result.stderr
    assert "Traceback" not in result.stderr
    assert log.read_text().startswith("archive 'evil.zip' refused: ")


def test_not_a_zip_is_refused(layout: dict[str, Path]) -> None:
    layout["archive"].parent.mkdir()
    layout["archive"].write_bytes(b"this is not a zip")

    with pytest.raises(ArchiveError, match=r"archive 'evil.zip' refused: it is not a readable zip"):
        unpack_zip(layout["archive"], layout["destination"], ArchiveLimits())


def test_permission_bits_are_kept_but_never_setuid_or_setgid(tmp_path: Path) -> None:
    archive = tmp_path / "modes.zip"
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr(_entry("bin/run.sh", mode=REGULAR | 0o755), "echo run")
        writer.writestr(
            _entry("bin/suid.sh", mode=REGULAR | stat.S_ISUID | stat.S_ISGID | 0o755), "echo suid"
        )
        writer.writestr(_entry("conf/readonly.txt", mode=REGULAR | 0o444), "ro")
        writer.writestr("windows.txt", "no unix mode")
        writer.filelist[-1].external_attr = 0  # as zips made on Windows have it

    unpack_zip(archive, tmp_path / "out", ArchiveLimits())

    def mode(name: str) -> int:
        return stat.S_IMODE((tmp_path / "out" / name).stat().st_mode)

    assert mode("bin/run.sh") == 0o755
    assert mode("bin/suid.sh") == 0o755
    assert mode("conf/readonly.txt") == 0o644  # the owner may always read and write
    assert mode("windows.txt") == 0o644


def test_unpacking_again_replaces_the_previous_unpack(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "job.zip", [("new.sh", "echo new")])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "stale.sh").write_text("echo stale")

    unpack_zip(archive, tmp_path / "out", ArchiveLimits())

    assert _tree(tmp_path / "out") == {"new.sh"}


def test_refusal_through_the_command_line_exits_92_with_the_reason(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "evil.zip", [(_entry("../../escape.sh"), "echo gotcha")])
    log = tmp_path / "termination-log"
    workspace = tmp_path / "ws"

    result = run_runner(
        "fetch",
        "--workspace",
        str(workspace),
        "--plan",
        plan_json([asset_for(archive)]),
        env={"JOB_RUNNER_TERMINATION_LOG": str(log)},
    )

    assert result.returncode == errors.ARCHIVE_REFUSED
    reason = "archive 'evil.zip' refused: entry '../../escape.sh' has a '..' component"
    assert f"[job-runner] failed: {reason}" in result.stderr
    assert log.read_text() == reason + "\n"
    assert not list(tmp_path.rglob("escape.sh"))


def test_entry_limit_is_read_from_the_environment(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "many.zip", [(f"f{index}.sh", "x") for index in range(6)])

    result = run_runner(
        "fetch",
        "--workspace",
        str(tmp_path / "ws"),
        "--plan",
        plan_json([asset_for(archive)]),
        env={"JOB_RUNNER_MAX_ENTRIES": "5"},
    )

    assert result.returncode == errors.ARCHIVE_REFUSED
    assert "it holds 6 entries, more than the limit of 5 (JOB_RUNNER_MAX_ENTRIES)" in result.stderr


def test_a_bad_limit_setting_is_a_usage_error(tmp_path: Path) -> None:
    result = run_runner("exec", "--workspace", str(tmp_path), env={"JOB_RUNNER_MAX_RATIO": "lots"})

    assert result.returncode == errors.USAGE
    assert "JOB_RUNNER_MAX_RATIO='lots' is not a number" in result.stderr

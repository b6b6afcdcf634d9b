"""``warta doctor``: checks a Warta installation and says, in Indonesian, what to fix.

Checks: konfigurasi, profil (the office's profile: :mod:`shared.doctor.profile`), basis_data,
migrasi, broker, topologi, kunci, fon, mesin_suara, folder_keluaran, ruang_disk (database, output
and archive disks), integritas (SQLite ``PRAGMA integrity_check``), izin_berkas (the database, keys
and inboxes are mode 0600). On a
worker-only host (``WARTA_HOST_ROLE=worker``, or ``run_checks(host_role="worker")``) the database
and profile checks pass as not needed, and nothing is created where a database would be. Each
yields a :class:`Check` with status ``ok``, ``warn`` or ``fail``. Things ``shared`` may not import
(pika, the channels' assets, the backbone's topology) are passed in by the composition root
(``warta/cmd_ops.py``).
"""

from __future__ import annotations

from pathlib import Path

from shared.doctor.checks import (BrokerProbe, Check, check_broker, check_config, check_database,
                                  check_disk, check_file_modes, check_folders, check_fonts,
                                  check_integrity, check_keys, check_speech)
from shared.doctor.definitions import default_topology
from shared.doctor.policies import check_policies
from shared.doctor.profile import check_profile, not_needed_on_worker, worker_host

CHECK_NAMES = ("konfigurasi", "profil", "basis_data", "migrasi", "broker", "topologi", "kebijakan",
               "kunci", "fon", "mesin_suara", "folder_keluaran", "ruang_disk", "integritas", "izin_berkas")
"""Every check, in the order they run and are shown."""

__all__ = ["CHECK_NAMES", "BrokerProbe", "Check", "run_checks", "summary"]


def run_checks(topology: dict | None = None, probe: BrokerProbe | None = None,
               font_dir: Path | None = None, disk_warn_mb: int = 1024,
               disk_fail_mb: int = 200, host_role: str | None = None) -> list[Check]:
    """Run every check against the current environment. A broken configuration stops the checks
    that need it (they are reported as failed, pointing at the configuration). ``host_role``
    (``server`` or ``worker``) overrides ``WARTA_HOST_ROLE``."""
    config, cfg = check_config()
    if cfg is not None and host_role:
        cfg = cfg.with_overrides(host_role=host_role)
    results = [config]
    if cfg is None:
        blocked = "Tidak diperiksa karena konfigurasi tidak sah."
        results += [Check(name, "fail", blocked, "Perbaiki konfigurasi terlebih dahulu.")
                    for name in CHECK_NAMES[1:CHECK_NAMES.index("kunci") + 1]]
    else:
        results.append(check_profile(cfg))
        worker = worker_host(cfg)  # no central database here: never open (create) one
        results += ([not_needed_on_worker(n) for n in ("basis_data", "migrasi")] if worker
                    else check_database(cfg))
        results += check_broker(cfg, topology or default_topology(cfg.amqp_prefix), probe)
        results.append(check_policies(cfg, topology or default_topology(cfg.amqp_prefix)))
        results.append(check_keys(cfg))
    results.append(check_fonts(font_dir))
    results.append(check_speech(cfg.radio.voice, cfg.radio.tts) if cfg is not None else check_speech())
    if cfg is not None:
        results.append(check_folders(cfg))
        results.append(check_disk(cfg, disk_warn_mb, disk_fail_mb))
        results.append(not_needed_on_worker("integritas") if worker_host(cfg) else check_integrity(cfg))
        results.append(check_file_modes(cfg))
    return results


def summary(checks: list[Check]) -> dict:
    """The JSON document of ``warta doctor --json``: ``ok`` is false when any check failed."""
    return {"ok": all(c.status != "fail" for c in checks),
            "counts": {s: sum(c.status == s for c in checks) for s in ("ok", "warn", "fail")},
            "checks": [c.as_dict() for c in checks]}

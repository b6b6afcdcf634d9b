"""Benchmark of the records area: sealing and verifying a month's archive folder of many proof
files, and rendering the monthly report (PDF with two charts, XLSX) from report data.

    python -m bench.records_bench [--files 3000] [--size 40000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.config import load_profile, DEMO_PROFILE
from shared.records import archive_seal, report_docs
from shared.records.pdf import Signer


def _month_folder(root: Path, files: int, size: int) -> None:
    # items of 4 channels with a proof and a manifest each, as the archiver files them
    per_item = 8
    for i in range(files // per_item):
        for channel in ("videotron", "radio", "web", "print"):
            folder = root / "2026" / "09" / f"{i:03d}-peng-diskominfo-ix-2026" / channel
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "bukti.bin").write_bytes(os.urandom(size))
            (folder / "manifest.json").write_text('{"files": []}')


def _report(n: int) -> dict:
    channels = [{"channel": c, "label": c.title(), "total": n, "confirmed": n - 2, "failed": 1,
                 "parked": 1, "open": 0, "retries": 3} for c in ("videotron", "radio", "web", "print")]
    sla = [{"step": s, "label": s, "target_min": 60, "n": n, "median_min": 42.0, "met": n - 1,
            "share": (n - 1) / n} for s in ("drafting", "review_kabid", "review_sekretaris",
                                             "review_kadis", "dissemination", "disposition")]
    items = [{"id": i, "number": f"{i:03d}/PENG/DISKOMINFO/IX/2026", "title": f"Pengumuman nomor {i}",
              "klasifikasi": "berkala", "klasifikasi_label": "Berkala", "sasaran": "masyarakat",
              "state": "disseminated", "approved_at": "10/09/2026 08.00 WIB",
              "channels": ["Videotron", "Radio"], "proof_dir": f"2026/09/{i:03d}/", "proof_uri": "",
              "web_url": "", "sha256": []} for i in range(n)]
    return {"month": "2026-09", "label": "September 2026", "generated_at": "",
            "totals": {k: n for k in ("created", "approved", "disseminated", "revoked", "returned",
                                      "deliveries", "confirmed", "failed", "parked", "retries")},
            "by_klasifikasi": [{"key": "berkala", "label": "Berkala", "count": n}],
            "by_sasaran": [{"key": "masyarakat", "label": "Masyarakat", "count": n}],
            "channels": channels, "sla": sla, "failures": [], "items": items}


def main() -> None:
    """Run and print the figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--size", type=int, default=40_000)
    ap.add_argument("--items", type=int, default=200)
    args = ap.parse_args()
    key = Ed25519PrivateKey.generate()
    profile = load_profile(DEMO_PROFILE)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        _month_folder(root, args.files, args.size)
        t = time.perf_counter()
        res = archive_seal.close_month(root, "2026-09", key, "Asia/Jakarta", "bench")
        close_s = time.perf_counter() - t
        t = time.perf_counter()
        rep = archive_seal.verify_month(root, "2026-09", key.public_key())
        verify_s = time.perf_counter() - t
        assert rep.ok and rep.checked == res.files
        print(f"seal {res.files} files x {args.size} B: close {close_s:.2f} s, verify {verify_s:.2f} s")
        data = _report(args.items)
        for fmt in ("pdf", "xlsx"):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                if fmt == "pdf":
                    report_docs.write_pdf(data, profile, "Asia/Jakarta", Path(tmp) / "r.pdf",
                                          Signer("PPID", "Nama", "1"))
                else:
                    report_docs.write_xlsx(data, profile, Path(tmp) / "r.xlsx")
                times.append(time.perf_counter() - t)
            print(f"monthly report {fmt}, {args.items} announcements: "
                  f"median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()

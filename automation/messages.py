"""The e-mails people receive (Indonesian), built from a notify effect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from automation.ports import Message
from automation.sop import Sop


@dataclass(frozen=True)
class ItemLinks:
    row: str
    folder: str


def render(sop: Sop, key: str, params: Mapping[str, str], item_id: str, title: str, due: str,
           links: ItemLinks) -> Message:
    step = sop.step(int(params["step"]))
    template = params["template"]
    name = params.get("to_name", "")
    greeting = f"Yth. {name}," if name else "Yth. Bapak/Ibu,"
    where = [f"Register (baris {item_id}): {links.row}"]
    if links.folder:
        where.append(f"Folder aset: {links.folder}")

    if template in ("task", "revision", "reassigned"):
        lead = {
            "task": "Ada tugas baru untuk Anda",
            "revision": "Konten dikembalikan kepada Anda untuk revisi",
            "reassigned": "Tugas ini dialihkan kepada Anda",
        }[template]
        subject = f"[sop-konten] {lead}: {step.label} - {item_id} {title}"
        allowed = " / ".join(step.statuses)
        lines = [
            greeting, "",
            f"{lead} pada SOP \"{sop.name}\".", "",
            f"Konten   : {item_id} - {title}",
            f"Langkah  : {step.label} ({step.activity})",
            f"Kelengkapan: {step.requirement}",
            f"Waktu baku: {step.minutes} menit",
        ]
        if due:
            lines.append(f"Tenggat  : {due} WIB")
        lines += [
            "",
            f"Setelah selesai, isi kolom \"{step.label} - Status\" dengan: {allowed}.",
            "",
            *where,
        ]
    elif template == "reminder":
        subject = f"[sop-konten] Pengingat: {step.label} melewati waktu baku - {item_id} {title}"
        lines = [
            greeting, "",
            f"Langkah {step.label} ({step.activity}) untuk konten {item_id} - {title} sudah menunggu sejak "
            f"{params.get('started', '')} WIB dan melewati waktu baku {step.minutes} menit "
            f"(tenggat {params.get('due', '')} WIB).",
            f"Mohon segera diselesaikan lalu isi kolom \"{step.label} - Status\" dengan: "
            f"{' / '.join(step.statuses)}.", "",
            *where,
        ]
    elif template == "escalation":
        assignee = params.get("assignee") or "(belum ada pelaksana)"
        subject = f"[sop-konten] Eskalasi: {step.label} tertunda - {item_id} {title}"
        lines = [
            greeting, "",
            f"Langkah {step.label} untuk konten {item_id} - {title} belum selesai: menunggu sejak "
            f"{params.get('started', '')} WIB, tenggat {params.get('due', '')} WIB "
            f"(waktu baku {step.minutes} menit). Pelaksana: {assignee}.",
            "Mohon ditindaklanjuti atau dialihkan ke petugas lain (ubah kolom Pelaksana di register).", "",
            *where,
        ]
    elif template == "rejected":
        subject = f"[sop-konten] Ide konten ditolak: {item_id} {title}"
        lines = [
            greeting, "",
            f"Ide konten Anda \"{title}\" ({item_id}) tidak dilanjutkan: ditolak pada langkah {step.label}.",
            "Alasan dan catatan dapat dilihat di register.", "",
            *where,
        ]
    elif template == "published":
        subject = f"[sop-konten] Konten terbit: {item_id} {title}"
        published = params.get("links", "")
        lines = [
            greeting, "",
            f"Konten \"{title}\" ({item_id}) yang Anda ajukan sudah terbit.",
        ]
        if published:
            lines += ["", "Tautan publikasi:", *published.splitlines()]
        lines += ["", *where]
    else:
        raise ValueError(f"unknown message template {template!r}")

    lines += ["", "--", f"Pesan otomatis sop-konten - {sop.identity.get('unit', '')}".rstrip(" -")]
    return Message(key=key, to=params.get("to", ""), to_name=name, subject=subject, body="\n".join(lines) + "\n")

"""Realistic register content for the benchmark: what a city office's register looks like after years.

Every row has every column a person or the daemon fills in real use: an Indonesian title, type,
source, platforms, schedule, a caption of a real post's length, the asset folder link, the
Pelaksana / Status / Waktu of each step done, the stage, the due time of the open step and the
publication links. Most rows are finished (published, some rejected); the rest are open at
steps 2 to 6 with the step's actor assigned and the status "Menunggu".

Pure functions of a seed: the same size gives the same register in every run.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from automation.adapters.local.folders import safe_folder_name
from automation.domain.contract import Contract
from automation.domain.sop import load_sop

SOP = load_sop()
CONTRACT = Contract(SOP)
HEADERS = CONTRACT.register_headers
TIME_FORMAT = "%Y-%m-%d %H:%M"

# The people of the office (tab Petugas): name, e-mail, role. The first of each role is also the
# person who edits that role's status cells in the benchmark.
ROSTER = [
    ("Rina Kontributor", "rina@kontributor.example", "Kontributor"),
    ("Dimas Desainer", "dimas@kominfo.example", "Desainer/Editor"),
    ("Sari Tim Konten", "sari@kominfo.example", "Tim Konten"),
    ("Budi Ketua Tim", "budi@kominfo.example", "Ketua Tim Kerja Humas & Publikasi"),
    ("Ratna Kabid IKP", "kabid@kominfo.example", "Kabid IKP"),
    ("Andi Admin Medsos", "andi@kominfo.example", "Admin Medsos"),
]
MORE_PEOPLE = [  # a real office has more than one person per role, and people who left
    ("Yusuf Pratama", "yusuf@kominfo.example", "Desainer/Editor", "Ya"),
    ("Wulan Sekar Arum", "wulan@kominfo.example", "Tim Konten", "Ya"),
    ("Heru Santoso", "heru@kominfo.example", "Desainer/Editor", "Tidak"),
    ("Fitri Handayani", "fitri@kominfo.example", "Admin Medsos", "Ya"),
]
NAMES_BY_STEP = {
    2: ["Sari Tim Konten", "Wulan Sekar Arum"],
    3: ["Sari Tim Konten", "Wulan Sekar Arum"],
    4: ["Dimas Desainer", "Yusuf Pratama", "Heru Santoso"],
    5: ["Budi Ketua Tim"],
    6: ["Ratna Kabid IKP"],
    7: ["Andi Admin Medsos", "Fitri Handayani"],
}
CONTRIBUTORS = [
    "rina@kontributor.example", "humas.dinkes@jogjakota.go.id", "dishub@jogjakota.go.id",
    "kemantren.jetis@jogjakota.go.id", "bpbd@jogjakota.go.id", "disdikpora@jogjakota.go.id",
    "dpmpp@jogjakota.go.id", "dlh@jogjakota.go.id", "Rina Kontributor",
]

TOPICS = [
    "Jadwal Layanan KTP-el Keliling", "Pencegahan Demam Berdarah Dengue", "Festival Kuliner Malioboro",
    "Pembayaran PBB Secara Daring", "Pendaftaran Magang Pemerintah Kota", "Penutupan Sementara Jalan",
    "Imunisasi Anak Sekolah", "Pasar Murah Menjelang Ramadan", "Hari Jadi Kota Yogyakarta",
    "Gerakan Zero Sampah Anorganik", "Posyandu Lansia", "Layanan Jogja Smart Service",
    "Penerimaan Peserta Didik Baru", "Peringatan Dini Cuaca Ekstrem", "Program Gandeng Gendong",
    "Layanan Aduan Warga", "Kawasan Tanpa Rokok", "Uji Emisi Kendaraan Gratis",
    "Car Free Day Jalan Jenderal Sudirman",
    "Bedah Rumah Tidak Layak Huni", "Beasiswa Pendidikan Kota", "Vaksinasi Hewan Penular Rabies",
    "Lomba Kampung Panca Tertib", "Pelatihan UMKM Digital", "Rekrutmen PPPK", "Pengolahan Sampah di Depo",
    "Pemeriksaan Kesehatan Gratis", "Sosialisasi Pemilu Damai", "Jam Operasional Pelayanan Publik Lebaran",
    "Pengumuman Libur Nasional dan Cuti Bersama", "Kampung Sayur Perkotaan", "Bulan Bhakti Gotong Royong",
]
PLACES = [
    "Danurejan", "Gedongtengen", "Gondokusuman", "Gondomanan", "Jetis", "Kotagede", "Kraton", "Mantrijeron",
    "Mergangsan", "Ngampilan", "Pakualaman", "Tegalrejo", "Umbulharjo", "Wirobrajan",
]
KINDS = ["Infografis", "Infografis", "Video"]
SOURCES = SOP.sources
PLATFORM_SETS = ["Instagram, Facebook", "Instagram", "Instagram, Facebook, X", "YouTube", "Instagram, TikTok",
                 "Instagram, Facebook, X, TikTok", "Facebook"]
SENTENCES = [
    "Pemerintah Kota Yogyakarta mengajak seluruh warga untuk ikut serta dalam kegiatan {topic} "
    "di Kemantren {place}.",
    "Kegiatan ini terbuka untuk umum dan tidak dipungut biaya apa pun.",
    "Warga diharapkan membawa fotokopi KTP dan Kartu Keluarga saat datang ke lokasi.",
    "Pelayanan dibuka mulai pukul 08.00 hingga 14.00 WIB, atau sampai kuota harian terpenuhi.",
    "Untuk menghindari antrean panjang, warga dapat mendaftar lebih dahulu melalui aplikasi "
    "Jogja Smart Service.",
    "Informasi lengkap mengenai persyaratan dan jadwal dapat dilihat pada tautan di bio.",
    "Mari bersama-sama menjaga Kota Yogyakarta tetap bersih, aman, dan nyaman bagi semua.",
    "Kegiatan ini merupakan bagian dari program prioritas Pemerintah Kota Yogyakarta tahun ini.",
    "Bagi warga yang berhalangan hadir, layanan serupa akan kembali diadakan pada bulan berikutnya.",
    "Pastikan informasi yang Anda terima berasal dari kanal resmi Pemerintah Kota Yogyakarta.",
    "Simak infografis berikut untuk mengetahui alur dan lokasi layanan terdekat dari rumah Anda.",
    "Terima kasih kepada seluruh pihak yang telah mendukung terselenggaranya kegiatan ini.",
]
HASHTAGS = "#JogjaKotaku #PemkotYogyakarta #DiskominfosandiJogja #SegoroAmarto #YogyakartaKotaNyaman"
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
NOTES = ["", "", "", "", "", "", "Jadwal tayang disesuaikan dengan agenda Wali Kota.",
         "Caption sudah dikoreksi ejaan.", "Materi dari OPD diterima lewat surel."]
REJECT_STEPS = (2, 6)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def _title(rnd: random.Random, kind: str) -> str:
    topic, place = rnd.choice(TOPICS), rnd.choice(PLACES)
    month = rnd.choice(MONTHS)
    return f"{kind} {topic} di Kemantren {place} {month}"


def _caption(rnd: random.Random, title: str) -> str:
    topic = title.split(" di Kemantren ")[0].split(" ", 1)[1]
    place = title.split(" di Kemantren ")[1].rsplit(" ", 1)[0]
    count = rnd.randint(3, 8)
    body = " ".join(s.format(topic=topic.lower(), place=place) for s in rnd.sample(SENTENCES, count))
    return f"{title}.\n\n{body}\n\nInfo lebih lanjut: https://jogjakota.go.id\n\n{HASHTAGS}"


def _folder_link(rnd: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "https://drive.google.com/drive/folders/1" + "".join(rnd.choice(alphabet) for _ in range(32))


def _post_links(rnd: random.Random, platforms: str, item_id: str) -> str:
    lines = []
    for platform in [p.strip() for p in platforms.split(",")]:
        code = "".join(rnd.choice(CODE_ALPHABET) for _ in range(11))
        url = {"Instagram": f"https://www.instagram.com/p/{code}/",
               "Facebook": f"https://www.facebook.com/pemkotjogja/posts/{rnd.randint(10**15, 10**16)}",
               "X": f"https://x.com/pemkotjogja/status/{rnd.randint(10**18, 10**19)}",
               "YouTube": f"https://www.youtube.com/watch?v={code}",
               "TikTok": f"https://www.tiktok.com/@pemkotjogja/video/{rnd.randint(10**18, 10**19)}"}[platform]
        lines.append(f"{platform}: {url}")
    return "\n".join(lines)


def _stamp(at: datetime) -> str:
    return at.strftime(TIME_FORMAT)


def open_count(size: int) -> int:
    """Items in the pipeline: a tenth of a big register, but enough for 100 changes per poll."""
    return min(size // 2, max(size // 10, 300))


def item_folder(row: dict[str, str], root: Path) -> Path:
    """Where the local asset store keeps the item's folder: `<root>/<stage folder>/<ID> <Judul>`."""
    stage = row["Tahap"]
    if stage == "Terbit":
        folder = SOP.published_stage
    elif stage == "Ditolak":
        folder = SOP.rejected_stage
    else:
        folder = SOP.stage_of(int(stage.split(".", 1)[0]))
    return root / folder / safe_folder_name(row["ID"], row["Judul"])


def make_rows(size: int, now: datetime, seed: int = 2026,
              folder_root: Path | None = None) -> list[dict[str, str]]:
    """`size` register rows, oldest first; the last `open_count(size)` rows are open items. With
    `folder_root`, "Folder Aset" links to the item's folder in the local asset store there (which the
    caller creates), as the daemon writes it; else to a Drive folder."""
    rnd = random.Random(seed * 100003 + size)
    opened = open_count(size)
    first = now - timedelta(days=max(30, size // 8))  # ~8 items a day, as a busy office
    rows = []
    sequence_by_year: dict[int, int] = {}
    for n in range(size):
        proposed = first + (now - first - timedelta(days=3)) * (n / max(size, 1))
        minute = rnd.choice([0, 10, 15, 20, 30, 40, 45, 50])
        proposed = proposed.replace(hour=rnd.randint(7, 15), minute=minute)
        year = proposed.year
        sequence_by_year[year] = sequence_by_year.get(year, 0) + 1
        item_id = f"K-{year}-{sequence_by_year[year]:04d}"
        kind = rnd.choice(KINDS)
        title = _title(rnd, kind)
        platforms = rnd.choice(PLATFORM_SETS)
        row = {h: "" for h in HEADERS}
        row.update({"ID": item_id, "Judul": title, "Jenis": kind, "Sumber": rnd.choice(SOURCES),
                    "Platform": platforms, "Caption": _caption(rnd, title), "Folder Aset": _folder_link(rnd),
                    "Catatan Sistem": rnd.choice(NOTES)})
        row[CONTRACT.actor(1)] = rnd.choice(CONTRIBUTORS)
        is_open = n >= size - opened
        if is_open:
            active = 2 + (n % 5)  # steps 2..6, spread evenly
            end, outcome = active, "open"
        elif rnd.random() < 0.06:
            end, outcome = rnd.choice(REJECT_STEPS), "rejected"
        else:
            end, outcome = 7, "published"
        at = proposed
        for step in CONTRACT.step_numbers:
            if step == 1:
                row[CONTRACT.status(1)] = "Diajukan"
                row[CONTRACT.time(1)] = _stamp(at)
                continue
            if step > end:
                break
            row[CONTRACT.actor(step)] = rnd.choice(NAMES_BY_STEP[step][:2])
            if is_open and step == end:
                row[CONTRACT.actor(step)] = NAMES_BY_STEP[step][0]
                row[CONTRACT.status(step)] = "Menunggu"
                row["Tahap"] = SOP.step(step).label
                row["Tenggat"] = _stamp(now + timedelta(hours=rnd.randint(1, 40)))
                break
            at = at + timedelta(minutes=rnd.randint(20, 600))
            if outcome == "rejected" and step == end:
                status = "Ditolak"
            else:
                status = SOP.step(step).outcomes[0].status
            row[CONTRACT.status(step)] = status
            row[CONTRACT.time(step)] = _stamp(at)
        if outcome == "published":
            row["Tahap"] = "Terbit"
            row["Jadwal Tayang"] = _stamp(at)
            row["Tautan Publikasi"] = _post_links(rnd, platforms, item_id)
            row[CONTRACT.actor(7)] = rnd.choice(NAMES_BY_STEP[7][:2])
            row[CONTRACT.status(7)] = "Terbit"
        elif outcome == "rejected":
            row["Tahap"] = "Ditolak"
        if folder_root is not None:
            row["Folder Aset"] = item_folder(row, folder_root).resolve().as_uri()
        rows.append(row)
    return rows


def outcome_for(step: int, rnd: random.Random, spare: int) -> str:
    """The status a person sets on a waiting step. Items end (published / rejected) only while
    the pool of open items has `spare` > 0 items more than the benchmark needs; otherwise
    revisions keep them open (step 5 and 6 send an item back to step 4)."""
    if step == 2:
        return "Ditolak" if spare > 0 and rnd.random() < 0.05 else "Diterima"
    if step in (3, 4):
        return "Selesai"
    if step == 5:
        return "Revisi" if rnd.random() < 0.25 else "Sesuai"
    if step == 6:
        draw = rnd.random()
        if spare > 0 and draw < 0.3:
            return "Disetujui"
        if spare > 0 and draw < 0.35:
            return "Ditolak"
        return "Revisi"
    raise ValueError(f"no person edits step {step}")


def actor_email(step: int) -> str:
    """Who types the status of `step` (someone holding the step's role, allowed by the protections)."""
    role = SOP.step(step).role
    return next(email for _, email, r in ROSTER if r == role)

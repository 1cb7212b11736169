"""The messages people receive: Jinja2 templates, one per kind; plain text as before, HTML autoescaped."""

from __future__ import annotations

from pathlib import Path

import pytest

import automation
from automation.domain.sop import load_sop
from automation.ports import Message
from automation.service.messages import (
    KIND_LABELS,
    KINDS,
    ItemLinks,
    RenderedMessage,
    Renderer,
    kind_of,
    linkify,
    message_core,
    render,
    render_digest,
)

SOP = load_sop()
LINKS = ItemLinks(row="https://docs.google.com/spreadsheets/d/abc/edit#gid=0&range=A2",
                  folder="https://drive.google.com/drive/folders/xyz")
UNIT = "Dinas Komunikasi Informatika dan Persandian Kota Yogyakarta"
TEMPLATES = Path(automation.__file__).parent / "domain" / "texts" / "mail"

PARAMS = {
    "task": {"step": "2"},
    "revision": {"step": "4"},
    "reassigned": {"step": "3"},
    "approval_changed": {"step": "6", "changes": "berkas poster.png diubah\nCaption diubah"},
    "reminder": {"step": "2", "due": "2026-11-30 09:10", "started": "2026-11-30 09:00"},
    "escalation": {"step": "2", "due": "2026-11-30 09:10", "started": "2026-11-30 09:00",
                   "assignee": "Sari Tim Konten"},
    "rejected": {"step": "2"},
    "published": {"step": "7", "links": "Instagram: https://instagram.com/p/1\nFacebook: https://fb.com/2"},
    "publish_failed": {"step": "7", "platform": "Instagram", "problem": "Token akses ditolak (HTTP 401)."},
    "publish_unconfirmed": {"step": "7", "platform": "Facebook", "problem": "Waktu tunggu habis."},
    "publish_manual": {"step": "7", "platform": "TikTok", "note": "Buka kotak masuk TikTok lalu terbitkan video.",
                       "caption": "Selamat Hari Jadi #jogja", "files": "video.mp4\nsampul.jpg"},
    "review_revised": {"step": "5", "round": "2"},
    "received": {"step": "1"},
    "accepted": {"step": "2"},
    "publish_result": {"step": "7", "links": "Instagram: https://instagram.com/p/1"},
    "token_expiry": {"platform": "Instagram", "expires": "2026-12-01 09:00", "days": "7",
                     "account": "@pemkotjogja"},
}


def make(kind: str, title: str = "Hari Jadi Kota", due: str = "2026-11-30 09:10", name: str = "Sari Tim Konten",
         **extra: str) -> RenderedMessage:
    params = {"template": kind, "to": "sari@ikp.example", "to_name": name, **PARAMS[kind], **extra}
    item_id, links = ("", ItemLinks("", "")) if kind == "token_expiry" else ("K-2026-0001", LINKS)
    return render(SOP, f"K-2026-0001/2/1/{kind}", params, item_id, title, due, links)


# --- the texts that were there before the templates: unchanged ------------------

def test_new_task_text_is_unchanged():
    message = make("task")
    assert message.subject == "[sop-konten] Ada tugas baru untuk Anda: 2. Pertimbangan - K-2026-0001 Hari Jadi Kota"
    assert message.body == (
        "Yth. Sari Tim Konten,\n"
        "\n"
        "Ada tugas baru untuk Anda pada SOP \"Pembuatan Konten Informasi di Media Sosial Pemerintah Kota "
        "Yogyakarta\".\n"
        "\n"
        "Konten   : K-2026-0001 - Hari Jadi Kota\n"
        "Langkah  : 2. Pertimbangan (Memberikan pertimbangan pada ide konten)\n"
        "Kelengkapan: Bahan informasi, foto, video\n"
        "Waktu baku: 10 menit\n"
        "Tenggat  : 2026-11-30 09:10 WIB\n"
        "\n"
        "Setelah selesai, isi kolom \"2. Pertimbangan - Status\" dengan: Diterima / Ditolak.\n"
        "\n"
        f"Register (baris K-2026-0001): {LINKS.row}\n"
        f"Folder aset: {LINKS.folder}\n"
        "\n"
        "--\n"
        f"Pesan otomatis sop-konten - {UNIT}\n"
    )
    assert (message.key, message.to, message.to_name, message.kind) == (
        "K-2026-0001/2/1/task", "sari@ikp.example", "Sari Tim Konten", "task")
    assert isinstance(message, Message)


def test_escalation_text_is_unchanged():
    message = make("escalation", name="Budi Ketua Tim")
    assert message.subject == "[sop-konten] Eskalasi: 2. Pertimbangan tertunda - K-2026-0001 Hari Jadi Kota"
    assert message.body.split("\n")[:5] == [
        "Yth. Budi Ketua Tim,",
        "",
        "Langkah 2. Pertimbangan untuk konten K-2026-0001 - Hari Jadi Kota belum selesai: menunggu sejak "
        "2026-11-30 09:00 WIB, tenggat 2026-11-30 09:10 WIB (waktu baku 10 menit). Pelaksana: Sari Tim Konten.",
        "Mohon ditindaklanjuti atau dialihkan ke petugas lain (ubah kolom Pelaksana di register).",
        "",
    ]
    assert "Pelaksana: (belum ada pelaksana)." in make("escalation", assignee="").body


@pytest.mark.parametrize(("kind", "words"), [
    ("revision", "[sop-konten] Konten dikembalikan kepada Anda untuk revisi: 4. Desain - K-2026-0001"),
    ("reassigned", "[sop-konten] Tugas ini dialihkan kepada Anda: 3. Konsep - K-2026-0001"),
    ("reminder", "[sop-konten] Pengingat: 2. Pertimbangan melewati waktu baku - K-2026-0001"),
    ("rejected", "[sop-konten] Ide konten ditolak: K-2026-0001"),
    ("published", "[sop-konten] Konten terbit: K-2026-0001"),
])
def test_subjects_of_the_existing_kinds(kind, words):
    assert make(kind).subject.startswith(words)


def test_optional_lines():
    without_due = make("task", due="")
    assert "Tenggat" not in without_due.body
    no_folder = render(SOP, "k", {"template": "task", "to": "a@b.c", "step": "2"}, "K-2026-0001", "T", "",
                       ItemLinks(row="r", folder=""))
    assert "Folder aset" not in no_folder.body
    assert no_folder.body.startswith("Yth. Bapak/Ibu,\n\n")
    published = make("published")
    assert "Tautan publikasi:\nInstagram: https://instagram.com/p/1\nFacebook: https://fb.com/2\n" in published.body
    assert "Tautan publikasi" not in make("published", links="").body


def test_footer_without_a_unit():
    sop = load_sop()
    sop.identity.pop("unit", None)
    message = render(sop, "k", {"template": "rejected", "to": "a@b.c", "step": "2"}, "K-1", "T", "", LINKS)
    assert message.body.endswith("--\nPesan otomatis sop-konten\n")


# --- every kind -----------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_subject_a_text_and_an_html_body(kind):
    message = make(kind)
    assert message.kind == kind and kind in KIND_LABELS
    assert message.subject.startswith("[sop-konten] ") and "\n" not in message.subject
    assert message.body.startswith("Yth. Sari Tim Konten,\n\n")
    assert message.body.endswith(f"--\nPesan otomatis sop-konten - {UNIT}\n")
    assert "\n\n\n" not in message.body and " \n" not in message.body
    for text in (message.subject, message.body, message.html):
        assert "{{" not in text and "{%" not in text and "None" not in text
    assert message.html.startswith("<!DOCTYPE html>") and "Sari Tim Konten" in message.html
    assert (TEMPLATES / f"{kind}.txt").is_file()


def test_new_kinds_say_what_to_do():
    failed = make("publish_failed")
    assert failed.subject == "[sop-konten] Publikasi gagal: Instagram - K-2026-0001 Hari Jadi Kota"
    assert "gagal diunggah ke Instagram" in failed.body and "Penyebab: Token akses ditolak (HTTP 401)." in failed.body

    unsure = make("publish_unconfirmed")
    assert unsure.subject.startswith("[sop-konten] Perlu Dicek: hasil unggahan ke Facebook tidak pasti")
    assert "PERLU DICEK" in unsure.body and "tidak mengunggahnya ulang secara otomatis" in unsure.body
    assert "Mohon buka akun Facebook" in unsure.body
    assert "Hubungi Andi." in make("publish_unconfirmed", instructions="Hubungi Andi.").body
    assert "mencoba mengunggahnya lagi secara otomatis" in make("publish_failed", retry="ya").body
    assert "mencoba mengunggahnya lagi" not in failed.body

    manual = make("publish_manual")
    assert manual.subject == "[sop-konten] Unggah manual: TikTok - K-2026-0001 Hari Jadi Kota"
    assert "Buka kotak masuk TikTok lalu terbitkan video.\n\nBerkas:\n- video.mp4\n- sampul.jpg\n" in manual.body
    assert "Caption:\nSelamat Hari Jadi #jogja\n" in manual.body

    token = make("token_expiry")
    assert token.subject == "[sop-konten] Token Instagram akan kedaluwarsa pada 2026-12-01 09:00"
    assert "(akun @pemkotjogja)" in token.body and "(dalam 7 hari)" in token.body
    assert "Register" not in token.body  # not about an item
    assert token.item_id == ""


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown message template"):
        render(SOP, "k", {"template": "ucapan", "to": "a@b.c", "step": "2"}, "K-1", "T", "", LINKS)


# --- escaping ---------------------------------------------------------------------

def test_html_is_autoescaped_and_text_is_not():
    title = 'Lomba <script>alert("x")</script> & "Kirab"'
    message = make("task", title=title)
    assert title in message.subject and f"K-2026-0001 - {title}" in message.body  # text stays readable
    assert "<script>" not in message.html
    assert "Lomba &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Kirab&#34;" in message.html
    assert f'<a href="{LINKS.folder}">' in message.html
    assert 'href="https://docs.google.com/spreadsheets/d/abc/edit#gid=0&amp;range=A2"' in message.html


def test_values_are_never_templates():
    message = make("task", title="{{ 7*7 }} {% if true %}x{% endif %}")
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in message.body
    assert "49" not in message.body


def test_linkify_only_links_web_and_file_urls():
    html = str(linkify('javascript:alert(1) <b> https://a.example/x?y=1&z=2. file:///srv/x'))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://a.example/x?y=1&amp;z=2">' in html  # the full stop is the sentence's
    assert '<a href="file:///srv/x">' in html


# --- kinds of plain messages, digest parts, overrides ---------------------------------

@pytest.mark.parametrize(("key", "kind"), [
    ("K-2026-0001/2/1/task:sari@ikp.example", "task"),
    ("K-2026-0001/2/1/remind", "reminder"),
    ("K-2026-0001/2/1/escalate", "escalation"),
    ("K-2026-0001/7/1/published:rina@x", "published"),
    ("K-2026-0001/2/1/rejected:rina@x", "rejected"),
    ("K-2026-0001/7/1/publish-failed:Instagram", "publish_failed"),
    ("K-2026-0001/7/1/publish-unconfirmed:Facebook", "publish_unconfirmed"),
    ("K-2026-0001/7/1/publish-manual:TikTok", "publish_manual"),
    ("token/Instagram/2026-12-01/token:andi@ikp.example", "token_expiry"),
    ("digest/sari@ikp.example/2026-11-30", "digest"),
    ("something", ""),
])
def test_kind_of_a_plain_message(key, kind):
    assert kind_of(Message(key=key, to="a@b.c", to_name="", subject="s", body="b")) == kind


def test_kind_of_a_rendered_message_is_its_own():
    assert kind_of(make("publish_failed")) == "publish_failed"


def test_message_core_drops_greeting_and_signature():
    core = message_core(make("reminder").body)
    assert core.startswith("Langkah 2. Pertimbangan")
    assert "Yth." not in core and "Pesan otomatis" not in core and not core.endswith("\n")
    assert message_core("tanpa salam\n") == "tanpa salam"


def test_digest_lists_every_message():
    items = [make("task"), make("reminder", title="Kedua")]
    digest = render_digest("digest/sari@ikp.example/2026-11-30", "sari@ikp.example", "Sari Tim Konten",
                           "2026-11-30", items, unit=UNIT)
    assert digest.kind == "digest" and digest.to == "sari@ikp.example"
    assert digest.subject == "[sop-konten] Ringkasan harian 2026-11-30: 2 pemberitahuan"
    body = digest.body
    assert "1. Ada tugas baru untuk Anda: 2. Pertimbangan - K-2026-0001 Hari Jadi Kota" in body
    assert "2. Pengingat: 2. Pertimbangan melewati waktu baku - K-2026-0001 Kedua" in body
    assert "=== 1. Tugas baru ===" in body and "=== 2. Pengingat ===" in body
    assert "Waktu baku: 10 menit" in body  # the details are all there
    assert body.count("Yth.") == 1 and body.count("Pesan otomatis") == 1
    assert "Pesan mendesak" not in body  # no urgent kinds given
    urgent = render_digest("d", "a@b.c", "A", "2026-11-30", items, urgent=["escalation", "publish_failed"])
    assert "Pesan mendesak (Eskalasi, Publikasi gagal) tetap dikirim langsung" in urgent.body


def test_an_office_can_override_a_template(tmp_path):
    (tmp_path / "rejected.txt").write_text(
        '{% extends "_base.txt" %}\n{% block subject %}[sop-konten] Maaf: {{ title }}{% endblock %}\n'
        "{% block content %}\nIde {{ title }} belum bisa kami proses.\n{% endblock %}\n", encoding="utf-8")
    renderer = Renderer(tmp_path)
    message = renderer.render(SOP, "k", {"template": "rejected", "to": "a@b.c", "to_name": "Rina", "step": "2"},
                              "K-1", "Pameran", "", LINKS)
    assert message.subject == "[sop-konten] Maaf: Pameran"
    assert "Ide Pameran belum bisa kami proses." in message.body
    assert render(SOP, "k", {"template": "rejected", "to": "a@b.c", "step": "2"}, "K-1", "Pameran", "",
                  LINKS).subject.startswith("[sop-konten] Ide konten ditolak")


def test_templates_are_package_data():
    names = {p.name for p in TEMPLATES.iterdir()}
    assert {f"{kind}.txt" for kind in (*KINDS, "digest")} <= names
    assert {"_base.txt", "_assignment.txt", "message.html"} <= names
    assert all(not p.is_dir() for p in TEMPLATES.iterdir() if p.name != "__pycache__")  # "mail/*" covers all


def test_a_reopened_approval_says_what_changed():
    message = make("approval_changed")
    assert message.subject == ("[sop-konten] Persetujuan diminta ulang: 6. Persetujuan - K-2026-0001 Hari Jadi Kota")
    assert "berubah sebelum diunggah, sehingga tidak diunggah" in message.body
    assert "Yang berubah:\n- berkas poster.png diubah\n- Caption diubah\n" in message.body
    assert 'Isi kolom "6. Persetujuan - Status" dengan: Disetujui / Revisi / Ditolak.' in message.body

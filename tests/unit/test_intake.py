"""kontributor.txt and the uploaded files tell who sent an idea, from where, and what it is."""

from __future__ import annotations

import pytest

from automation.domain.intake import contributor_details, kind_of_files, unit_source
from automation.domain.sop import load_sop

SOP = load_sop()


def test_the_second_line_is_the_unit_and_tells_the_source():
    details = contributor_details("\ufeffBudi <budi@dinkes.jogjakota.go.id>\r\nDinas Kesehatan Kota Yogyakarta\r\n", SOP)
    assert details.contact == "budi@dinkes.jogjakota.go.id"
    assert details.unit == "Dinas Kesehatan Kota Yogyakarta"
    assert details.source == "Pemkot Yogyakarta"


def test_explicit_fields_win():
    details = contributor_details("humas@kemenkes.example\nUnit: Biro Komunikasi\nsumber: lembaga\nJenis: video\n", SOP)
    assert (details.contact, details.unit, details.source, details.kind) == (
        "humas@kemenkes.example", "Biro Komunikasi", "Lembaga", "Video")


@pytest.mark.parametrize(("unit", "source"), [
    ("Kementerian Kesehatan", "Kementerian"), ("Biro Umum Pemda DIY", "Pemda DIY"),
    ("Kemantren Gondokusuman", "Pemkot Yogyakarta"), ("Badan Pusat Statistik", "Lembaga"),
    ("pemkot yogyakarta", "Pemkot Yogyakarta"), ("Komunitas Sepeda", ""), ("", "")])
def test_a_unit_name_maps_to_a_source_or_to_nothing(unit, source):
    assert unit_source(unit, SOP) == source


def test_a_name_without_an_address_is_kept_and_empty_text_is_empty():
    assert contributor_details("Budi Santoso\n", SOP).contact == "Budi Santoso"
    assert contributor_details("", SOP) == contributor_details("\n\n", SOP)
    assert contributor_details("", SOP).contact == ""


@pytest.mark.parametrize(("names", "kind"), [
    (["poster.PNG", "kontributor.txt"], "Infografis"), (["klip.mp4", "sampul.jpg"], "Video"),
    (["naskah.docx"], ""), ([], "")])
def test_the_kind_follows_the_files(names, kind):
    assert kind_of_files(names, SOP) == kind

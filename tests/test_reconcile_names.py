"""The name rules reconciliation relies on (graph/names.py), pinned so a rework cannot drop one silently."""
import pytest

from coopkg.graph.names import normalise, similarity


@pytest.mark.parametrize("variant, name", [
    ("Koperasi Riset Purusha", "Koperasi Riset Purusha.id"),  # web-domain suffix glued to a brand
    ("Beceer", "Beceer.com"),
    ("Lab. Koperasi FEB Unsoed", "Laboratorium Koperasi FEB Unsoed"),
    ("Dinkop Jateng", "Dinas Koperasi Jawa Tengah"),
    ("Universitas Mercu Buana Jogja", "Universitas Mercu Buana Yogyakarta"),
    ("ICA Asia Pacific", "ICA Asia-Pasifik"),
    ("Univ. Mercu Buana Yogyakarta", "Universitas Mercu Buana Yogyakarta"),
    ("Kab. Bandung", "Kabupaten Bandung"),
    ("PT. Sakti Kinerja Kolaborasindo", "Sakti Kinerja Kolaborasindo"),
    ("Kementerian Koperasi dan Usaha Kecil dan Menengah", "Kementerian Koperasi dan UKM"),
])
def test_variants_normalise_alike(variant, name):
    assert normalise(variant) == normalise(name)


@pytest.mark.parametrize("a, b", [
    ("Kota Bandung", "Kabupaten Bandung"),
    ("Kementerian Keuangan", "Kementerian Koperasi"),
    ("Dinas Koperasi Jawa Timur", "Dinas Koperasi Jawa Tengah"),
    ("Universitas Amikom Yogyakarta", "Universitas Mercu Buana Yogyakarta"),
])
def test_near_misses_stay_apart(a, b):
    assert normalise(a) != normalise(b)
    assert similarity(a, b) < 0.92

"""The home page says what coopkg is, in both languages, and links every way in that exists."""
import requests


def test_home_page_in_both_languages_links_the_ways_in(live_server):
    indonesian = requests.get(live_server.url + "/?lang=id", timeout=10)
    english = requests.get(live_server.url + "/?lang=en", timeout=10)
    assert indonesian.status_code == english.status_code == 200
    assert "Graf Pengetahuan Inovasi Koperasi" in indonesian.text and "Mulai dari sini" in indonesian.text
    assert "Cooperative Innovation Knowledge Graph" in english.text and "Where to start" in english.text
    for path in ("/directory", "/search", "/query", "/dataset", "/contribute"):
        assert f'href="{path}"' in english.text, path

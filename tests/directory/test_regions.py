from halyq.directory.models import CouncilLevel, Region

KATO = {
    "10": "Abai Region",
    "11": "Akmola Region",
    "15": "Aktobe Region",
    "19": "Almaty Region",
    "23": "Atyrau Region",
    "27": "West Kazakhstan Region",
    "31": "Zhambyl Region",
    "33": "Jetisu Region",
    "35": "Karaganda Region",
    "39": "Kostanay Region",
    "43": "Kyzylorda Region",
    "47": "Mangystau Region",
    "55": "Pavlodar Region",
    "59": "North Kazakhstan Region",
    "61": "Turkistan Region",
    "62": "Ulytau Region",
    "63": "East Kazakhstan Region",
    "71": "Astana",
    "75": "Almaty",
    "79": "Shymkent",
}


def test_the_twenty_regions_ship_with_their_kato_codes(db):
    regions = {region.code: region for region in Region.objects.all()}
    assert {code: region.name_en for code, region in regions.items()} == KATO
    assert all(region.name_kk and region.name_ru for region in regions.values())
    assert {code for code, region in regions.items() if region.is_city} == {"71", "75", "79"}
    assert len({region.abbreviation for region in regions.values()}) == 20


def test_council_levels_are_data(db):
    assert list(CouncilLevel.objects.values_list("code", flat=True)) == [
        "parliament",
        "regional",
        "district",
    ]

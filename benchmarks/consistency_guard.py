"""The consistency guard (service.matching.differences) on pairs written for it (issue 14).

Each changed pair states a fact and the same fact with one figure, date, negation or named party
changed: the guard must name a difference, which keeps the pair from being confirmed as the same
claim. Each control pair says the same thing in other words: the guard should name nothing.
Prints what it caught and its false alarms, by kind.

    .venv/bin/python benchmarks/consistency_guard.py
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.matching import differences

CHANGED: list[tuple[str, str, str]] = [
    ("figure", "The council spent 120 million euros on roads.", "The council spent 150 million euros on roads."),
    ("figure", "Unemployment in Tartu fell to 6 percent.", "Unemployment in Tartu fell to 8 percent."),
    ("figure", "The ferry carries 2,400 passengers a day.", "The ferry carries 4,200 passengers a day."),
    ("figure", "Bus fares rose by 3.5 percent.", "Bus fares rose by 5.3 percent."),
    ("figure", "The hospital has 640 beds.", "The hospital has 460 beds."),
    ("figure", "About 18,500 vehicles cross the bridge each day.", "About 28,500 vehicles cross the bridge each day."),
    ("figure", "The port handled 3 million tonnes of grain.", "The port handled 30 million tonnes of grain."),
    ("figure", "Turnout was 61 percent.", "Turnout was 16 percent."),
    ("figure", "The airline cut 900 jobs.", "The airline cut 9,000 jobs."),
    ("figure", "The new line has 48 stops.", "The new line has 84 stops."),
    ("date", "The tram line opened in 2019.", "The tram line opened in 2024."),
    ("date", "Inflation peaked in 2022 at 19 percent.", "Inflation peaked in 2023 at 19 percent."),
    ("date", "The treaty was signed in 1995.", "The treaty was signed in 1959."),
    ("date", "The mine closed in 2008 after a flood.", "The mine closed in 2018 after a flood."),
    ("date", "Voters approved the levy in 2021.", "Voters approved the levy in 2012."),
    ("negation", "The mayor has signed the budget.", "The mayor has not signed the budget."),
    ("negation", "The vaccine contains mercury.", "The vaccine does not contain mercury."),
    ("negation", "The minister attended the summit.", "The minister never attended the summit."),
    ("negation", "Police found evidence of fraud.", "Police found no evidence of fraud."),
    ("negation", "The company can pay its debts.", "The company cannot pay its debts."),
    ("negation", "The law applies to farmers.", "The law doesn't apply to farmers."),
    ("negation", "The airport will reopen in May.", "The airport won't reopen in May."),
    ("negation", "Turnout was higher than in the last election.",
     "Turnout was not higher than in the last election."),
    ("party", "Lindqvist approved the port deal.", "Haugen approved the port deal."),
    ("party", "Finland closed its border with Russia.", "Norway closed its border with Russia."),
    ("party", "The mayor of Tartu resigned.", "The mayor of Narva resigned."),
    ("party", "Volvo recalled 40,000 cars.", "Saab recalled 40,000 cars."),
    ("party", "The European Union banned the pesticide.", "The United States banned the pesticide."),
    ("party", "Estonia expelled two Russian diplomats.", "Latvia expelled two Russian diplomats."),
    ("party", "Greenpeace sued the ministry.", "Amnesty sued the ministry."),
    ("party", "Prime Minister Kallas visited Kyiv.", "Prime Minister Michal visited Kyiv."),
    # Harder: a month, a weekday, an office named in lower case.
    ("date", "The strike began in May 2020.", "The strike began in June 2020."),
    ("date", "The vote was held on Tuesday.", "The vote was held on Thursday."),
    ("party", "The mayor approved the budget.", "The governor approved the budget."),
    # The same subject, another statement about it.
    ("statement", "The oldest bakery in Tartu is Kaneel.",
     "Kaneel bakery in Tartu sells four thousand rye loaves a week."),
    ("statement", "The mayor of Narva owns a sauna.", "The mayor of Narva was fined for speeding."),
    ("statement", "The ferry to Hiiumaa runs every hour.", "The ferry to Hiiumaa was built in Poland."),
    ("statement", "The minister resigned over the tender.", "The minister denied any role in the tender."),
    ("statement", "The vaccine causes infertility.", "The vaccine was tested on pregnant women."),
    ("statement", "Senator Ruiz wrote the water bill.", "Senator Ruiz voted against the water bill."),
    ("statement", "Tallinn airport is the busiest in the Baltics.", "Tallinn airport banned liquids in hand luggage."),
    ("statement", "The new bridge in Pärnu is too narrow for buses.",
     "The new bridge in Pärnu was designed by a Finnish firm."),
    ("statement", "The prime minister owns a yacht.", "The prime minister sold his yacht."),
    ("statement", "Greenpeace funds the protest.", "Greenpeace condemned the protest."),
]

SAME: list[tuple[str, str]] = [
    ("The council spent 120 million euros on roads in 2022.", "In 2022 the council spent 120 million euros on roads."),
    ("The mayor has not signed the budget.", "The budget has not been signed by the mayor."),
    ("Finland closed its border with Russia in 2023.", "In 2023, Finland closed its border with Russia."),
    ("Volvo recalled 40,000 cars.", "Volvo has recalled 40,000 of its cars, the company said."),
    ("Turnout was 61 percent.", "Some 61 percent of voters turned out."),
    ("The tram line opened in 2019.", "The tram line has been running since it opened in 2019."),
    ("Police found no evidence of fraud.", "No evidence of fraud was found by police."),
    ("Lindqvist approved the port deal.", "The port deal was approved by Lindqvist."),
    ("Kaneel is the oldest bakery in Tartu.", "The oldest bakery in Tartu is Kaneel."),
    ("The vaccine causes infertility.", "The vaccine can cause infertility in women."),
    ("The mayor of Narva was fined for speeding.", "A speeding fine was given to the mayor of Narva."),
    ("Senator Ruiz voted against the water bill.", "Senator Ruiz voted no on the water bill."),
    ("The ferry to Hiiumaa runs every hour.", "Every hour a ferry runs to Hiiumaa."),
    ("Greenpeace condemned the protest.", "The protest was condemned by Greenpeace."),
    ("The airline cut 900 jobs in 2023.", "In 2023 the airline cut 900 jobs, its chief executive said."),
    ("Tallinn airport banned liquids in hand luggage.", "Liquids are banned from hand luggage at Tallinn airport."),
    ("The minister resigned over the tender.", "The minister quit because of the tender."),
    ("Unemployment in Tartu fell to 6 percent.", "Tartu's unemployment rate dropped to 6 percent."),
]


def main() -> None:
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for kind, first, second in CHANGED:
        total[kind] += 1
        found = differences(first, second)
        if found:
            caught[kind] += 1
        else:
            print(f"missed ({kind}): {first!r} / {second!r}")
    false_alarms = []
    for first, second in SAME:
        found = differences(first, second)
        if found:
            false_alarms.append(found)
            print(f"false alarm: {first!r} / {second!r}: {found}")
    print(f"changed pairs kept out of 'confirmed': {sum(caught.values())}/{len(CHANGED)} "
          + ", ".join(f"{kind} {caught[kind]}/{total[kind]}" for kind in total))
    print(f"same-claim pairs with a difference named (false alarms): {len(false_alarms)}/{len(SAME)}")


if __name__ == "__main__":
    main()

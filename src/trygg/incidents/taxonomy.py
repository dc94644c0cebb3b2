"""The default taxonomy (DESIGN.md §9): (code, Swedish label, English label, public-place flag).

Codes are stable; partnerships may add their own categories beside these.
"""

DEFAULT_TAXONOMY = [
    (
        "VALD",
        "Våld och hot",
        "Violence and threats",
        [
            ("VALD.MISSHANDEL", "Misshandel/slagsmål", "Assault/fight", True),
            ("VALD.HOT", "Hot/hotfullt beteende", "Threats/threatening behaviour", True),
            ("VALD.RAN", "Rån", "Robbery", True),
            ("VALD.VAPEN", "Kniv/vapen", "Knife/weapon", True),
            ("VALD.SKOTT", "Skottlossning/explosion", "Shooting/explosion", True),
            (
                "VALD.PERSONAL",
                "Hot eller våld mot personal",
                "Threats or violence against staff",
                False,
            ),
        ],
    ),
    (
        "NARK",
        "Narkotika",
        "Drugs",
        [
            ("NARK.FORSALJNING", "Misstänkt försäljning", "Suspected dealing", True),
            ("NARK.BRUK", "Påverkan/bruk", "Use/under the influence", True),
            ("NARK.FYND", "Fynd av narkotika/tillbehör", "Drugs or paraphernalia found", False),
        ],
    ),
    (
        "TRAFIK",
        "Trafik och fordon",
        "Traffic and vehicles",
        [
            (
                "TRAFIK.OLOVLIG",
                "Olovlig körning/buskörning",
                "Illegal/reckless riding (moped, EPA, cross)",
                True,
            ),
            ("TRAFIK.VARDSLOS", "Vårdslös körning", "Careless driving", False),
            (
                "TRAFIK.OVERGIVEN",
                "Övergivet/felparkerat fordon",
                "Abandoned/illegally parked vehicle",
                False,
            ),
        ],
    ),
    (
        "ORDNING",
        "Ordningsstörning",
        "Public disorder",
        [
            (
                "ORDNING.UNGDOMSSAMLING",
                "Otrygghetsskapande ungdomssamling",
                "Intimidating youth gathering",
                True,
            ),
            ("ORDNING.BRAK", "Bråk/störning", "Disturbance", True),
            ("ORDNING.BERUSNING", "Berusning", "Drunkenness", True),
            ("ORDNING.FYRVERKERI", "Fyrverkerier/smällare", "Fireworks/bangers", True),
        ],
    ),
    (
        "SKADA",
        "Skadegörelse",
        "Criminal damage",
        [
            ("SKADA.KLOTTER", "Klotter", "Graffiti", True),
            (
                "SKADA.VANDALISERING",
                "Vandalisering/krossade rutor",
                "Vandalism/broken windows",
                True,
            ),
            ("SKADA.FORDON", "Skadegörelse på fordon", "Damage to vehicles", True),
        ],
    ),
    (
        "BRAND",
        "Brand",
        "Fire",
        [
            ("BRAND.ANLAGD", "Anlagd brand", "Arson", True),
            ("BRAND.FORDON", "Fordonsbrand", "Vehicle fire", True),
            ("BRAND.AVFALL", "Brand i container/soprum", "Fire in a container/refuse room", True),
            ("BRAND.OVRIG", "Övrig brand", "Other fire", False),
        ],
    ),
    (
        "STOLD",
        "Stöld och inbrott",
        "Theft and burglary",
        [
            (
                "STOLD.INBROTT",
                "Inbrott (förråd, källare, lägenhet)",
                "Burglary (storage, cellar, flat)",
                False,
            ),
            ("STOLD.STOLD", "Stöld", "Theft", False),
            ("STOLD.FORDON", "Fordonsstöld", "Vehicle theft", False),
        ],
    ),
    (
        "MILJO",
        "Otrygg miljö",
        "Unsafe environment",
        [
            ("MILJO.BELYSNING", "Bristande belysning", "Poor lighting", False),
            ("MILJO.VEGETATION", "Skymmande vegetation", "Obstructing vegetation", False),
            ("MILJO.NEDSKRAPNING", "Nedskräpning", "Littering", False),
            (
                "MILJO.FARLIGT",
                "Farliga föremål (sprutor, glas)",
                "Dangerous objects (syringes, glass)",
                False,
            ),
        ],
    ),
    (
        "SOCIAL",
        "Social oro",
        "Social unrest",
        [
            (
                "SOCIAL.ORO",
                "Oro bland unga på platsen",
                "Unrest among young people at the place",
                False,
            ),
            (
                "SOCIAL.RYKTEN",
                "Rykten/oro i sociala medier",
                "Rumours/unrest on social media",
                False,
            ),
            (
                "SOCIAL.NATVERK",
                "Tecken på kriminella nätverk (rekrytering, tystnadskultur)",
                "Signs of criminal networks (recruitment, culture of silence)",
                False,
            ),
            (
                "SOCIAL.EXTREMISM",
                "Tecken på våldsbejakande extremism",
                "Signs of violent extremism",
                False,
            ),
        ],
    ),
    (
        "OVRIGT",
        "Övrigt",
        "Other",
        [
            ("OVRIGT.ARRANGEMANG", "Planerat arrangemang", "Planned event", False),
            ("OVRIGT.ANNAT", "Annat", "Other", False),
        ],
    ),
]


def install_default_taxonomy(Category):
    """Create or update the default categories; takes the model so migrations can use it."""
    order = 0
    for code, sv, en, children in DEFAULT_TAXONOMY:
        order += 100
        group, _ = Category.objects.update_or_create(
            partnership=None,
            code=code,
            defaults={
                "label_sv": sv,
                "label_en": en,
                "parent": None,
                "sort_order": order,
                "public_place": False,
            },
        )
        for i, (ccode, csv, cen, public) in enumerate(children, start=1):
            Category.objects.update_or_create(
                partnership=None,
                code=ccode,
                defaults={
                    "label_sv": csv,
                    "label_en": cen,
                    "parent": group,
                    "sort_order": order + i,
                    "public_place": public,
                },
            )

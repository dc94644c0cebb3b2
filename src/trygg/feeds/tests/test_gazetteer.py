"""The place matcher on made-up gazetteers (no database)."""

from trygg.feeds.gazetteer import Gazetteer, Place, hyphen_parts

G = Gazetteer(
    [
        Place("Valsta", None, "D-Valsta"),
        Place("Märsta", None, "D-Märsta"),
        Place("Centrala Valsta", "R-CV", "D-Valsta"),
        Place("Märsta centrum", "R-CM", "D-Märsta"),
        Place("Tingvalla", "R-T", "D-Märsta"),
        Place("Arlanda", "R-A", "D-Land"),
        Place("Rosersberg", None, "D-Rosersberg"),
        Place("Rosersberg", "R-R", "D-Rosersberg"),
        Place("Steninge", None, "D-Steninge"),
    ]
)


def test_one_leaf_named_is_the_place():
    m = G.match("17 januari 08.35, Rån", "En man rånades vid Märsta centrum.")
    assert (m.leaf, m.district, m.words) == ("R-CM", "D-Märsta", ("Märsta centrum",))


def test_a_district_name_alone_is_only_a_hint():
    m = G.match("Bråk i Valsta på fredagskvällen.")
    assert (m.leaf, m.district) == (None, "D-Valsta")


def test_names_are_whole_words_case_insensitive_with_a_genitive_s():
    assert G.match("i VALSTAS centrum").district == "D-Valsta"
    assert G.match("Valstabor klagade").words == ()
    assert G.match("på Arlandas terminal").leaf == "R-A"


def test_a_street_named_after_a_place_is_not_the_place():
    assert G.match("på Steninge allé i Valsta").district == "D-Valsta"
    assert G.match("längs Tingvalla väg").words == ()


def test_a_leaf_beats_a_district_only_entry_of_the_same_name():
    assert G.match("Inbrott i Rosersberg").leaf == "R-R"


def test_conflicting_leaves_leave_the_place_unknown():
    m = G.match("Bråk vid Arlanda och i Tingvalla")
    assert m.leaf is None and m.district is None
    assert set(m.words) == {"Arlanda", "Tingvalla"}


def test_one_leaf_wins_over_district_names_used_loosely_around_it():
    assert G.match("Tingvalla i Märsta").leaf == "R-T"
    m = G.match("Rosersbergs station, polisen i Märsta")
    assert (m.leaf, m.district) == ("R-R", "D-Rosersberg")
    # Two leaves of the same district: unknown, with the district as the hint.
    m = G.match("Från Märsta centrum, förbi Tingvalla")
    assert (m.leaf, m.district) == ("R-T", "D-Märsta")  # "Från": a reference point
    m = G.match("Märsta centrum och Tingvalla")
    assert (m.leaf, m.district) == (None, "D-Märsta")


def test_whitespace_inside_a_name_may_be_any_space():
    assert G.match("vid Märsta\xa0centrum").leaf == "R-CM"


def test_no_names_no_match():
    m = G.match("i Sigtuna kommun", "")
    assert (m.leaf, m.district, m.words) == (None, None, ())
    assert Gazetteer([]).match("Valsta").words == ()


def test_parts_of_compound_area_names():
    assert hyphen_parts("Malmen-Pilsbo") == ["Malmen", "Pilsbo"]
    assert hyphen_parts("Til-Munkholmen") == ["Munkholmen"]
    assert hyphen_parts("Rosersberg") == []


def test_a_name_used_as_a_reference_point_is_only_its_district():
    m = G.match("Skott strax norr om Märsta centrum.")
    assert (m.leaf, m.district, m.words) == (None, "D-Märsta", ("Märsta centrum",))
    assert G.match("E4 vid trafikplats 181 Arlanda").leaf is None
    assert G.match("på ett tåg i höjd med Arlanda").district == "D-Land"
    assert G.match("Trafikolycka på väg mot Arlanda").leaf is None
    # "vid" and "på" name the place itself.
    assert G.match("Rån vid Märsta centrum").leaf == "R-CM"
    assert G.match("Stöld på Arlanda").leaf == "R-A"


def test_the_airport_train_is_not_the_airport():
    assert G.match("En resenär på Arlanda Express").words == ()

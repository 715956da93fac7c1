"""The language profile (spec careers.md §6): the lexicon's rules, the counting table, the
tokenizer, and the recompute command."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from modules.careers.models import Media, MediaStatus
from modules.careers.profile import (
    CATEGORIES,
    LEXICON_PATH,
    load_lexicon,
    representational_system,
    stem,
    stem_index,
    tokens,
)
from tests.careers.conftest import make_story
from tests.conftest import make_user


def words(text):
    return text.split()


def counts(visual=0, auditory=0, kinesthetic=0, auditory_digital=0):
    return {
        "visual": visual,
        "auditory": auditory,
        "kinesthetic": kinesthetic,
        "auditory_digital": auditory_digital,
    }


# The spec's table, row by row.

TABLE = [
    ("I see a bright picture and I look at the view.", counts(visual=5)),
    ("I hear the music, I listen and talk.", counts(auditory=4)),
    ("I feel the touch, grasp and hold it.", counts(kinesthetic=4)),
    ("I think, know, decide and understand.", counts(auditory_digital=4)),
    ("Looking, seeing, hearing, feeling, thinking.", counts(2, 1, 1, 1)),
    ("Good morning.", counts()),
    ("I see\nthe music", counts(visual=1, auditory=1)),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_the_spec_table(text, expected):
    assert representational_system(text) == expected


def test_all_four_keys_are_always_present():
    assert representational_system("") == counts()
    assert list(representational_system("")) == list(CATEGORIES)
    assert representational_system("the and of") == counts()


def test_the_lexicon_is_loaded_and_stemmed_once_per_process():
    assert stem_index() is stem_index()
    assert stem_index()["look"] == "visual"
    assert stem_index()["decid"] == "auditory_digital"


def test_a_newline_separates_words_rather_than_merging_them():
    assert tokens("I see\nthe music") == ["i", "see", "the", "music"]
    assert representational_system("see\nhear\r\nfeel\tthink") == counts(1, 1, 1, 1)


# Tokens: NFKC, lowercase, maximal runs of letters.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don't look", ["don", "t", "look"]),
        ("hands-on, see2hear", ["hands", "on", "see", "hear"]),
        ("LOOK. Listen!", ["look", "listen"]),
        ("  ", []),
        ("snake_case", ["snake", "case"]),
        ("café Zürich", ["café", "zürich"]),
    ],
)
def test_tokens_are_runs_of_letters(text, expected):
    assert tokens(text) == expected


def test_unicode_is_nfkc_normalised_before_counting():
    # Fullwidth letters, a ligature and a decomposed accent all become plain words.
    assert tokens("\uff2c\uff2f\uff2f\uff2b \ufb02ash") == ["look", "flash"]
    assert tokens("cafe\u0301") == ["café"]
    assert representational_system(
        "\uff29 \uff33\uff25\uff25 the \ufb02ash; I \uff28\uff25\uff21\uff32"
    ) == counts(visual=2, auditory=1)
    # Punctuation of other scripts separates like ASCII punctuation does.
    assert representational_system("look\u2019s\u2014feel\u00a0think\u3001hear") == counts(
        1, 1, 1, 1
    )
    # Digits of any script separate too (NFKC maps fullwidth digits to ASCII).
    assert tokens("see\uff11hear\u0663feel") == ["see", "hear", "feel"]


# Inflections: each entry matches itself and its inflections.


def test_each_entry_matches_itself_in_its_category_only():
    for category, words in load_lexicon().items():
        for word in words:
            assert representational_system(word) == counts(**{category: 1}), word
            assert representational_system(word.upper()) == counts(**{category: 1}), word


INFLECTIONS = {
    "visual": words(
        """
        looks looked looking sees seeing pictures pictured views viewed viewing brighter
        brightest focused focusing shows showing watched watches watching glimpses colours
        coloured colors colored appears appeared imagined imagining observes observed
        noticed noticing illustrated revealing sparkling flashes focuses lenses darker
        darkest clearer paler prettier dimmer silhouetted
        """
    ),
    "auditory": words(
        """
        hears hearing listens listened listening sounds sounded sounding tells telling says
        saying talks talked talking rings ringing tunes tuned voices voiced speaks speaking
        calls called shouted whispering whispered songs singing echoes echoed discussed
        discussing asked asking louder loudest quieter quietest noisier choruses
        """
    ),
    "kinesthetic": words(
        """
        feels feeling feelings touches touched touching grasps grasped grasping holds
        holding handles handled handling warmer warmed warming pressed pressing pushed pulls
        gripped gripping grabbed carries carried lifted stretched hugging relaxed relaxing
        moved moving squeezed balanced warmest hotter heavier softer gentlest rougher drier
        """
    ),
    "auditory_digital": words(
        """
        thinks thinking knows knowing decides decided deciding understands understanding
        considers considered considering processes processed processing learns learned
        learning analysed analyzed analysing reasons reasoned reasoning planned planning
        solved remembered remembering believes believed realised realized decisions
        concluded ideas theories hypotheses analyses wiser smartest
        """
    ),
}


@pytest.mark.parametrize("category", CATEGORIES)
def test_inflections_of_entries_count_in_their_category(category):
    for word in INFLECTIONS[category]:
        assert representational_system(word) == counts(**{category: 1}), word
    text = " ".join(INFLECTIONS[category])
    assert representational_system(text) == counts(**{category: len(INFLECTIONS[category])})


def test_irregular_forms_are_entries_of_their_own():
    # Porter strips regular endings only: irregular forms and comparatives are listed.
    lexicon = load_lexicon()
    assert {"saw", "seen", "shown", "brighter", "brightest"} <= set(lexicon["visual"])
    assert {"heard", "told", "said", "spoke", "spoken", "rang"} <= set(lexicon["auditory"])
    assert {"felt", "held", "caught", "warmer"} <= set(lexicon["kinesthetic"])
    assert {"thought", "knew", "known", "understood", "chose"} <= set(lexicon["auditory_digital"])


# The lexicon's rules.

# Closed-class English words: articles, determiners, quantifiers, pronouns, prepositions,
# conjunctions, auxiliaries and modals, particles, wh-words and the commonest adverbs of degree,
# place, time and negation. None may be (or stem to) a sensory predicate.
FUNCTION_WORDS = words(
    """
a an the this that these those such what which whose whatever whichever
all any both each either every few many much more most neither no none several some
enough little less least other another own same
i me my mine myself we us our ours ourselves you your yours yourself yourselves
he him his himself she her hers herself it its itself they them their theirs themselves
one ones oneself someone somebody something anyone anybody anything everyone everybody
everything nobody nothing who whom whoever whomever
about above across after against along amid among around as at before behind below beneath
beside besides between beyond by despite down during except for from in inside into like
near of off on onto opposite out outside over past per plus round since than through
throughout till to toward towards under underneath unlike until unto up upon via with within
without
and but or nor so yet if unless because although though while whereas whether lest once
whenever wherever
be am is are was were been being have has had having do does did doing done
will would shall should can could may might must ought need dare
not never n t s d ll re ve m o
how when where why there here then now thus hence therefore however also too very just
only even still already again ever quite rather almost always often sometimes soon
perhaps maybe yes indeed else instead anyway somewhat
well oh ah um uh
"""
)


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def test_the_file_has_exactly_the_four_categories_as_lists(lexicon):
    raw = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    assert list(raw) == list(CATEGORIES)
    assert raw == lexicon
    for words in raw.values():
        assert isinstance(words, list)


def test_entries_are_single_lowercase_letter_only_words(lexicon):
    for words in lexicon.values():
        for word in words:
            assert re.fullmatch(r"[a-z]+", word), word


def test_entries_are_unique_within_their_category(lexicon):
    for category, words in lexicon.items():
        assert len(words) == len(set(words)), category


def test_each_category_has_at_least_100_distinct_stems(lexicon):
    for category, words in lexicon.items():
        assert len({stem(word) for word in words}) >= 100, category


def test_no_stem_is_in_two_categories(lexicon):
    owners: dict[str, set[str]] = {}
    for category, words in lexicon.items():
        for word in words:
            owners.setdefault(stem(word), set()).add(category)
    shared = {s: cats for s, cats in owners.items() if len(cats) > 1}
    assert shared == {}


def test_no_function_words_good_or_morning(lexicon):
    stems = {stem(word) for words in lexicon.values() for word in words}
    banned = [*FUNCTION_WORDS, "good", "morning"]
    for word in banned:
        assert word not in lexicon["visual"] + lexicon["auditory"], word
        assert word not in lexicon["kinesthetic"] + lexicon["auditory_digital"], word
        assert stem(word) not in stems, word
    assert representational_system(" ".join(banned)) == counts()
    assert representational_system("Good mornings, good morning!") == counts()


def test_the_required_words_are_there(lexicon):
    required = {
        "visual": {"see", "look", "picture", "view", "bright"},
        "auditory": {"hear", "music", "listen", "talk"},
        "kinesthetic": {"feel", "touch", "grasp", "hold"},
        "auditory_digital": {"think", "know", "decide", "understand"},
    }
    for category, words in required.items():
        assert words <= set(lexicon[category]), category


def test_a_malformed_lexicon_is_refused(tmp_path):
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps({"visual": ["see"]}))
    with pytest.raises(ValueError, match="must map exactly"):
        load_lexicon(path)
    path.write_text(json.dumps({c: ["see"] if c != "auditory" else "hear" for c in CATEGORIES}))
    with pytest.raises(ValueError, match="auditory must be a list"):
        load_lexicon(path)


# The recompute command.


@pytest.mark.django_db
def test_recompute_rewrites_transcribed_stories_only():
    owner = make_user()
    stale = make_story(owner, transcript="I see and hear.", system=counts(visual=9))
    empty = make_story(owner, transcript="I feel, I think", system=None)
    current = make_story(owner, transcript="Look!", system=counts(visual=1))
    untouched = {
        status: make_story(owner, status=status, transcript="I see it.", system=counts(auditory=7))
        for status in MediaStatus.values
        if status != MediaStatus.TRANSCRIBED
    }
    current_stamp = Media.objects.get(pk=current.pk).update_date
    before = {
        pk: (status, system, stamp)
        for pk, status, system, stamp in Media.objects.filter(
            pk__in=[m.pk for m in untouched.values()]
        ).values_list("pk", "status", "representational_system", "update_date")
    }

    out = StringIO()
    call_command("careers_recompute_profiles", "--batch-size", "1", stdout=out)

    assert out.getvalue() == "Recomputed 3 transcribed stories: 2 changed.\n"
    assert Media.objects.get(pk=stale.pk).representational_system == counts(1, 1, 0, 0)
    assert Media.objects.get(pk=empty.pk).representational_system == counts(0, 0, 1, 1)
    refreshed = Media.objects.get(pk=current.pk)
    assert refreshed.representational_system == counts(visual=1)
    assert refreshed.update_date == current_stamp
    assert Media.objects.get(pk=stale.pk).update_date > stale.update_date
    after = {
        pk: (status, system, stamp)
        for pk, status, system, stamp in Media.objects.filter(
            pk__in=[m.pk for m in untouched.values()]
        ).values_list("pk", "status", "representational_system", "update_date")
    }
    assert after == before
    assert all(system == counts(auditory=7) for _status, system, _stamp in after.values())
    assert len(after) == len(MediaStatus.values) - 1


@pytest.mark.django_db
def test_recompute_is_idempotent():
    owner = make_user()
    stories = [
        make_story(owner, transcript=f"I see {n} pictures and hear {n} songs", system=None)
        for n in range(7)
    ]
    call_command("careers_recompute_profiles", stdout=StringIO())
    state = list(
        Media.objects.order_by("pk").values_list("pk", "representational_system", "update_date")
    )
    assert [system for _pk, system, _stamp in state] == [counts(2, 2, 0, 0)] * len(stories)

    out = StringIO()
    call_command("careers_recompute_profiles", "--batch-size", "3", stdout=out)

    assert out.getvalue() == "Recomputed 7 transcribed stories: 0 changed.\n"
    assert (
        list(
            Media.objects.order_by("pk").values_list("pk", "representational_system", "update_date")
        )
        == state
    )


@pytest.mark.django_db
def test_recompute_with_nothing_to_do_and_a_bad_batch_size():
    out = StringIO()
    call_command("careers_recompute_profiles", stdout=out)
    assert out.getvalue() == "Recomputed 0 transcribed stories: 0 changed.\n"
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("careers_recompute_profiles", "--batch-size", "0", stdout=StringIO())

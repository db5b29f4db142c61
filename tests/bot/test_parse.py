"""The `/po` command and what people say to podesk in mentions and DMs (no database, no Slack)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.parse import (
    Dashboard, Help, List, New, NewPo, Receive, Show, Unknown, closest, parse_command, parse_message,
)

COMMANDS = [
    ("nothing", "", Help()),
    ("help", "help", Help()),
    ("help in capitals with spaces", "  HELP  ", Help()),
    ("help about a command", "help list", Help()),
    ("new", "new", New()),
    ("New PO", "New PO", New()),
    ("a bare PO number", "PO-00042", Show("PO-00042")),
    ("show a PO number", "show PO-00042", Show("PO-00042")),
    ("SHOW in capitals, number as written", "SHOW po-00042", Show("po-00042")),
    ("a year/sequence PO number", "2026/0042", Show("2026/0042")),
    ("list", "list", List("mine")),
    ("list mine", "list mine", List("mine")),
    ("list my POs", "list my POs", List("mine")),
    ("list pending", "list pending", List("pending")),
    ("list exceptions", "list exceptions", List("exceptions")),
    ("list exception", "LIST Exception", List("exceptions")),
    ("receive", "receive PO-00042", Receive("PO-00042")),
    ("dashboard", "dashboard", Dashboard()),
]


@pytest.mark.parametrize(("text", "command"), [c[1:] for c in COMMANDS], ids=[c[0] for c in COMMANDS])
def test_the_slash_command_understands_its_grammar(text, command):
    assert parse_command(text) == command


UNKNOWN_COMMANDS = [
    ("a swapped ie", "recieve PO-1", "receive", None),
    ("a dropped letter", "dashbord", "dashboard", None),
    ("swapped letters", "hlep", "help", None),
    ("swapped letters in list", "lsit pending", "list", None),
    ("show with a typo", "shwo PO-00042", "show", None),
    ("pending without list", "pending", "list pending", None),
    ("status, which is show here", "status PO-00042", "show", None),
    ("a scope with a typo", "list pnding", "list pending", "list mine | list pending | list exceptions"),
    ("an unknown scope", "list everything", None, "list mine | list pending | list exceptions"),
    ("show without a number", "show", None, "show PO-00042"),
    ("receive without a number", "receive", None, "receive PO-00042"),
    ("receive two numbers", "receive PO-1 PO-2", None, "receive PO-00042"),
    ("dashboard with more words", "dashboard please", "dashboard", None),
    ("nothing like a command", "approve everything", None, None),
]


@pytest.mark.parametrize(("text", "suggestion", "usage"), [c[1:] for c in UNKNOWN_COMMANDS],
                         ids=[c[0] for c in UNKNOWN_COMMANDS])
def test_an_unknown_slash_command_suggests_the_closest_command(text, suggestion, usage):
    assert parse_command(text) == Unknown(text, suggestion, usage)


MESSAGES = [
    ("status", "status PO-00042", Show("PO-00042")),
    ("status after a mention", "<@U123ABC> status PO-00042", Show("PO-00042")),
    ("status of, with a question mark", "<@U123ABC> status of PO-00042?", Show("PO-00042")),
    ("status for", "Status for PO-00042", Show("PO-00042")),
    ("a PO number and a question mark", "PO-00042?", Show("PO-00042")),
    ("a named mention and a colon", "<@U123ABC|podesk>: PO-00042", Show("PO-00042")),
    ("pending", "<@U123ABC> pending", List("pending")),
    ("pending?", "pending?", List("pending")),
    ("my POs", "<@U123ABC> my POs", List("mine")),
    ("my pos in lower case", "my pos", List("mine")),
    ("mine", "mine", List("mine")),
    ("exceptions", "<@U123ABC> exceptions", List("exceptions")),
    ("two mentions", "<@U1> <@U2> exceptions!", List("exceptions")),
    ("help", "<@U123ABC> help", Help()),
    ("only a mention", "<@U123ABC>", Help()),
    ("the slash grammar works too", "list pending", List("pending")),
    ("receive", "receive PO-00042", Receive("PO-00042")),
    ("dashboard", "dashboard", Dashboard()),
    ("new PO", "<@U123ABC> new PO?", New()),
]


@pytest.mark.parametrize(("text", "command"), [c[1:] for c in MESSAGES], ids=[c[0] for c in MESSAGES])
def test_a_mention_or_dm_is_understood(text, command):
    assert parse_message(text) == command


UNKNOWN_MESSAGES = [
    ("status with a typo", "<@U123ABC> stauts PO-00042", "stauts PO-00042", "status", None),
    ("pending with a typo", "pnding", "pnding", "pending", None),
    ("exceptions with a typo", "exeptions", "exeptions", "exceptions", None),
    ("my POs with a typo", "my pso", "my pso", "my POs", None),
    ("help with a typo", "<@U123ABC> hlep", "hlep", "help", None),
    ("status without a number", "status", "status", None, "status PO-00042"),
    ("a thank you", "<@U123ABC> thanks a lot", "thanks a lot", None, None),
    ("a mention in the middle stays", "show <@U2> PO-1", "show <@U2> PO-1", None, "show PO-00042"),
]


@pytest.mark.parametrize(("text", "seen", "suggestion", "usage"), [c[1:] for c in UNKNOWN_MESSAGES],
                         ids=[c[0] for c in UNKNOWN_MESSAGES])
def test_an_unknown_message_suggests_the_closest_command(text, seen, suggestion, usage):
    assert parse_message(text) == Unknown(seen, suggestion, usage)


def test_a_very_long_unknown_message_is_shortened_in_the_answer():
    command = parse_message("blah " * 2000)
    assert isinstance(command, Unknown) and len(command.text) == 201 and command.text.endswith("…")


def test_commands_are_frozen_values():
    with pytest.raises(AttributeError):
        Show("PO-1").po_number = "PO-2"  # type: ignore[misc]
    assert {Show("PO-1"), Show("PO-1"), List()} == {Show("PO-1"), List("mine")}


@pytest.mark.parametrize(("word", "found"), [
    ("recieve", ["receive"]),
    ("RECIEVE", ["receive"]),
    ("lst", ["list"]),
    ("xyz", []),
    ("", []),
], ids=["a typo", "a typo in capitals", "a missing letter", "nothing close", "an empty word"])
def test_closest_finds_the_command_words_like_a_word(word, found):
    assert closest(word, ["help", "new", "show", "list", "receive", "dashboard"]) == found


def test_closest_puts_the_best_match_first_and_honours_the_cutoff():
    assert closest("PO-00043", ["PO-99999", "PO-00413", "PO-00043"]) == ["PO-00043", "PO-00413"]
    assert closest("nwe", ["new"]) == []
    assert closest("nwe", ["new"], cutoff=60) == ["new"]


@given(st.text(max_size=500))
def test_any_text_at_all_becomes_a_command_never_an_error(text):
    for command in (parse_command(text), parse_message(text)):
        assert isinstance(command, (Help, New, Show, List, Receive, Dashboard, NewPo, Unknown))

"""The measures, checked against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from hemicycle.subjects.metrics import evaluate, f1_at, ndcg_at, precision_at


def test_precision_counts_hits_over_k():
    assert precision_at({"a", "b"}, ["a", "x", "b", "y", "z"], 1) == 1.0
    assert precision_at({"a", "b"}, ["a", "x", "b", "y", "z"], 3) == pytest.approx(2 / 3)
    assert precision_at({"a"}, ["x"], 5) == 0.0  # fewer suggestions than k still divide by k


def test_f1_at_five():
    # 2 hits in 5 suggestions, 4 gold: P = 0.4, R = 0.5
    assert f1_at({"a", "b", "c", "d"}, ["a", "x", "b", "y", "z", "c"], 5) == pytest.approx(
        2 * 0.4 * 0.5 / 0.9)
    assert f1_at({"a"}, [], 5) == 0.0


def test_ndcg_rewards_early_hits():
    gold = {"a", "b"}
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at(gold, ["a", "b"], 10) == pytest.approx(1.0)
    assert ndcg_at(gold, ["x", "a", "b"], 10) == pytest.approx(
        (1 / math.log2(3) + 1 / math.log2(4)) / ideal)


def test_evaluate_skips_documents_without_gold_and_checks_lengths():
    scores = evaluate([{"a"}, set()], [["a"], ["b"]])
    assert scores["documents"] == 1 and scores["P@1"] == 1.0
    with pytest.raises(ValueError):
        evaluate([{"a"}], [])

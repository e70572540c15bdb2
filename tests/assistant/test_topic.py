"""The topic check: off-topic questions that abstain get what the assistant covers; BHYT questions keep their answers.

Questions here are written for the tests (not from the question files the check was fitted or tested on).
"""

from __future__ import annotations

import json

import pytest

from assistant.topic import TOPIC_FEATURES, load_topic_step


def test_the_fitted_file_names_its_features_and_a_stale_one_is_refused(tmp_path):
    step = load_topic_step()
    assert step.model.features == TOPIC_FEATURES
    stale = tmp_path / "topic.json"
    stale.write_text(json.dumps({"format": 1, "model": {**step.model.to_json(), "features": ["x"]}}), encoding="utf-8")
    with pytest.raises(ValueError, match="fit"):
        load_topic_step(stale)


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "thời tiết Đà Nẵng cuối tuần này có mưa không?",
    "cach nau pho bo ngon tai nha",
    "Giá xe máy điện ở Hà Nội hiện nay bao nhiêu?",
])
def test_an_off_topic_question_is_told_what_the_assistant_covers(assistant_service, question):
    answer = assistant_service.ask(question)
    assert answer.abstained and answer.off_topic
    assert "ngoài phạm vi" in answer.answer and "ví dụ" in answer.answer
    assert "không có kế hoạch của" not in answer.answer
    assert answer.citations == ()
    assert answer.to_json()["off_topic"] is True


@pytest.mark.slow
def test_a_bhyt_question_about_a_place_without_a_plan_keeps_its_reason(assistant_service):
    answer = assistant_service.ask("Xã Ia Grai đặt chỉ tiêu bao phủ BHYT năm 2026 là bao nhiêu?")
    assert answer.abstained and not answer.off_topic
    assert "không có kế hoạch của xã Ia Grai" in answer.answer


@pytest.mark.slow
def test_answered_questions_are_never_reworded(assistant_service):
    answer = assistant_service.ask("muc ho tro dong bhyt cho ho can ngheo")
    assert not answer.off_topic


@pytest.mark.slow
def test_threshold_zero_turns_the_check_off(built_index):
    from assistant.service import Assistant
    from settings import load_settings

    service = Assistant.from_index(built_index, load_settings(environ={}, index_dir=str(built_index.directory),
                                                              off_topic_threshold=0.0))
    assert not service.ask("thời tiết Đà Nẵng cuối tuần này có mưa không?").off_topic

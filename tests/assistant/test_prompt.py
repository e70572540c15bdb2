"""Tests for assistant/prompt.py and prompts/answer.md: declared variables are enforced."""

import pytest

from assistant.prompt import PromptError, load_prompt, parse_prompt

TEXT = "---\nvariables: question, clauses\n---\n[system]\nChỉ dùng đoạn trích.\n[user]\n{{ clauses }}\nHỏi: {{question}}\n"


def test_render_fills_every_section():
    messages = parse_prompt(TEXT, "t").render(question="Ai chủ trì?", clauses="[1] Sở Y tế")
    assert [(m.role, m.content) for m in messages] == [
        ("system", "Chỉ dùng đoạn trích."), ("user", "[1] Sở Y tế\nHỏi: Ai chủ trì?")]


def test_missing_variable_is_an_error_naming_it():
    with pytest.raises(PromptError, match="missing variables: clauses"):
        parse_prompt(TEXT, "t").render(question="Ai?")


def test_unknown_variable_is_an_error():
    with pytest.raises(PromptError, match="unknown variables: locality"):
        parse_prompt(TEXT, "t").render(question="Ai?", clauses="", locality="Huế")


def test_undeclared_or_unused_variables_fail_at_load():
    with pytest.raises(PromptError, match="undeclared variables: question"):
        parse_prompt(TEXT.replace("variables: question, clauses", "variables: clauses"), "t")
    with pytest.raises(PromptError, match="unused variables: extra"):
        parse_prompt(TEXT.replace("question, clauses", "question, clauses, extra"), "t")
    with pytest.raises(PromptError, match="must start with"):
        parse_prompt("[user]\n{{ question }}", "t")


def test_the_answer_prompt_declares_question_and_clauses():
    prompt = load_prompt("answer")
    assert prompt.variables == ("question", "clauses")
    system, user = prompt.render(question="Q?", clauses="[1] X")
    assert "tiếng Việt" in system.content and "[1]" in system.content
    assert "Q?" in user.content and "[1] X" in user.content


def test_missing_prompt_file(tmp_path):
    with pytest.raises(PromptError, match="not found"):
        load_prompt("nope", tmp_path)

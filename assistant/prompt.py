"""Prompt files with declared variables (``prompts/*.md``).

A prompt file starts with a front-matter block that declares its variables,
then one or more message sections::

    ---
    variables: question, clauses
    ---
    [system]
    Trả lời bằng tiếng Việt ...
    [user]
    Câu hỏi: {{ question }}

Loading fails when the body uses a variable it does not declare or declares
one it never uses; rendering fails when a declared variable is missing or an
unknown one is given (as simonw/llm ``Template`` and Haystack ``PromptBuilder``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from settings import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"
ROLES = ("system", "user", "assistant")
_FRONT_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_SECTION_RE = re.compile(r"^\[(system|user|assistant)\]\s*$", re.MULTILINE)
_VAR_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class PromptError(ValueError):
    """A prompt file is malformed, or a render call lacks or misnames a variable."""


@dataclass(frozen=True)
class PromptMessage:
    """One rendered chat message."""

    role: str
    content: str


@dataclass(frozen=True)
class PromptTemplate:
    """A parsed prompt file.

    Attributes:
        name: File stem, e.g. "answer".
        variables: Declared variable names, in declaration order.
        sections: (role, template text) pairs, in file order.
    """

    name: str
    variables: tuple[str, ...]
    sections: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        if not self.sections:
            raise PromptError(f"prompt {self.name!r} has no [system]/[user] section")
        used = {v for _, text in self.sections for v in _VAR_RE.findall(text)}
        undeclared = sorted(used - set(self.variables))
        if undeclared:
            raise PromptError(f"prompt {self.name!r} uses undeclared variables: {', '.join(undeclared)}")
        unused = sorted(set(self.variables) - used)
        if unused:
            raise PromptError(f"prompt {self.name!r} declares unused variables: {', '.join(unused)}")

    def render(self, **values: str) -> tuple[PromptMessage, ...]:
        """Fill every declared variable and return the chat messages.

        Raises:
            PromptError: If a declared variable is missing or an unknown one is given.
        """
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise PromptError(f"prompt {self.name!r} is missing variables: {', '.join(missing)}")
        unknown = sorted(set(values) - set(self.variables))
        if unknown:
            raise PromptError(f"prompt {self.name!r} got unknown variables: {', '.join(unknown)}")
        return tuple(PromptMessage(role, _VAR_RE.sub(lambda m: str(values[m.group(1)]), text).strip())
                     for role, text in self.sections)


def parse_prompt(text: str, name: str = "prompt") -> PromptTemplate:
    """Parse prompt-file ``text`` (front matter + sections) into a :class:`PromptTemplate`."""
    front = _FRONT_RE.match(text)
    if not front:
        raise PromptError(f"prompt {name!r} must start with a '---' block declaring 'variables:'")
    declared: tuple[str, ...] = ()
    for line in front.group(1).splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "variables":
            declared = tuple(v.strip() for v in value.split(",") if v.strip())
    body = text[front.end():]
    marks = list(_SECTION_RE.finditer(body))
    sections = tuple((m.group(1), body[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(body)])
                     for i, m in enumerate(marks))
    return PromptTemplate(name=name, variables=declared, sections=sections)


def load_prompt(name: str, directory: Path | str = PROMPTS_DIR) -> PromptTemplate:
    """Load ``<directory>/<name>.md``.

    Raises:
        PromptError: If the file is missing or malformed.
    """
    path = Path(directory) / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"prompt file not found: {path}")
    return parse_prompt(path.read_text(encoding="utf-8"), name=name)

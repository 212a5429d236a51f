"""click's own words (usage, help, errors) in Chinese.

click marks its messages with ``gettext``; each of its modules binds ``_`` and ``ngettext`` at
import. ``install()`` rebinds them in those modules to a lookup in the catalogue below (click's
English message id → Chinese, with the same ``{placeholders}``); a message not in the catalogue
stays as click wrote it. Call it before the commands are declared, since some texts (the help of
``--help`` and ``--version``) are looked up when the decorators run.
"""

from __future__ import annotations

import importlib
from typing import Any

CATALOGUE: dict[str, str] = {
    "Usage:": "用法：",  # click adds a space after it
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "可用“{command} {option}”查看帮助。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name}。",
    "No such command {name!r}.": "没有命令 {name}。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "{value!r} is not {choice}.": "{value!r} 不是可选的值（只能是 {choice}）。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选的值（可选：{choices}）。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值（可用：{states}）。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "“{filename}”是文件，这里需要文件夹。",
    "{name} {filename!r} is a directory.": "“{filename}”是文件夹，这里需要文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”不可读。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”不可写。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "unknown error": "未知错误",
    "Aborted!": "已中止。",
    "Value must be an iterable.": "取值必须是多个值。",
}

_MODULES = ("core", "exceptions", "formatting", "decorators", "types", "parser", "termui", "utils")


def gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def _help_formatter() -> Any:
    import click

    class ChineseHelpFormatter(click.HelpFormatter):
        """Section headings end with a full-width colon (click writes "Options:")."""

        def write_heading(self, heading: str) -> None:
            self.write(f"{'':>{self.current_indent}}{heading}：\n")

    return ChineseHelpFormatter


def install() -> None:
    """Rebind click's ``_`` / ``ngettext`` to the Chinese catalogue, name the value types in
    Chinese (shown as metavars: 整数, 数, 文本) and use Chinese section headings (idempotent)."""
    import click
    import click.types

    click.types.IntParamType.name = "整数"
    click.types.FloatParamType.name = "数"
    click.types.StringParamType.name = "文本"
    click.Context.formatter_class = _help_formatter()
    for name in _MODULES:
        try:
            module: Any = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext

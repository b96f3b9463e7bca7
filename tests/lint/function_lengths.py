#!/usr/bin/env python3
"""Lists C++ function bodies longer than a limit (lines from the opening to the closing brace).

A lexer-level reader, not a compiler: it strips comments, strings and preprocessor lines, then treats a `{`
as a function body when the statement before it has a parameter list and does not start with a control or
type keyword. Lambdas count toward the function that holds them. Good enough for our own style; clang-tidy's
readability-function-size gives the same order (it is too slow to run on every test).

usage: function_lengths.py [--max N] [--top K] DIR...   exit 1 when a body is longer than --max
"""
import argparse
import os
import re
import sys

SCOPE_WORDS = {"namespace", "class", "struct", "union", "enum", "extern"}
CONTROL_WORDS = {"if", "for", "while", "switch", "do", "else", "try", "catch", "return"}


def strip(text):
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        elif c == "#" and (i == 0 or text[text.rfind("\n", 0, i) + 1:i].strip() == ""):
            j = i
            while True:
                k = text.find("\n", j)
                if k < 0:
                    j = n
                    break
                if text[k - 1] == "\\":
                    j = k + 1
                    out.append("\n")
                    continue
                j = k
                break
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def matching_brace(text, i, line):
    """The index of the `}` closing the `{` at i, and the line number there."""
    depth, j = 0, i
    while j < len(text):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                break
        elif text[j] == "\n":
            line += 1
        j += 1
    return j, line


def functions(path):
    text = strip(open(path, encoding="utf-8", errors="replace").read())
    results = []
    stmt = ""        # text of the current statement at a non-function level
    stmt_line = 1
    line = 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        if c in ";}":
            stmt = ""
            i += 1
            continue
        if c != "{":
            if not stmt.strip() and not c.isspace():
                stmt_line = line
            stmt += c
            i += 1
            continue
        head = stmt.strip()
        first = re.match(r"[A-Za-z_]\w*", head)
        first = first.group(0) if first else ""
        if first == "template":
            first = re.sub(r"^template\s*<.*?>\s*", "", head, flags=re.S)
            first = (re.match(r"[A-Za-z_]\w*", first) or [""])[0]
        prev = head[-1:] if head else ""
        is_body = ("(" in head and first not in SCOPE_WORDS and first not in CONTROL_WORDS
                   and (prev == ")" or re.search(r"(\)|\bconst|\boverride|\bnoexcept|\bfinal|\bmutable|->\s*[\w:<>,\s*&]+)$", head))
                   and not re.search(r"=\s*$", head))
        is_scope = first in SCOPE_WORDS or re.search(r"\b(class|struct|union|enum)\b[^(]*$", head)
        if not is_scope and not is_body and (prev in "=,(" or prev.isalnum() or prev in "_>]"):
            # brace initialiser inside a statement: skip it, keep the statement going
            j, line = matching_brace(text, i, line)
            stmt += "{}"
            i = j + 1
            continue
        if is_body and not is_scope:
            start = line
            j, line = matching_brace(text, i, line)
            after = text[j + 1:j + 200].lstrip()[:1]
            if after in (",", ")"):  # `m_x(Foo()) {…},` in a constructor's initialiser list: not the body
                stmt += "{}"
                i = j + 1
                continue
            name = re.search(r"([~\w:]+(?:operator\S*)?)\s*\((?:[^()]|\([^()]*\))*\)[^()]*$", head)
            results.append((line - start + 1, path, stmt_line, name.group(1) if name else head[:40]))
            stmt = ""
            i = j + 1
            continue
        stmt = ""  # a scope (namespace, class, enum...) opens: its members are statements of their own
        i += 1
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=0)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    found = []
    for d in args.dirs:
        for root, _, files in os.walk(d):
            for f in files:
                if f.endswith((".cpp", ".h")):
                    found += functions(os.path.join(root, f))
    found.sort(key=lambda r: -r[0])
    over = [r for r in found if args.max and r[0] > args.max]
    for length, path, ln, name in (over if args.max else found[: args.top]):
        print(f"{length:4d}  {path}:{ln}  {name}")
    if args.max:
        print(f"{len(over)} function(s) over {args.max} lines; longest: " +
              ", ".join(f"{r[3]} {r[0]}" for r in found[: args.top]))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

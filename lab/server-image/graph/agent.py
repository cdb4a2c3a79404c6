"""The lab's `echo` graph: deterministic, no model, no network.

Input ``{"text": "hello"}`` gives the final state
``{"text": "hello", "reversed": "olleh", "length": 5, "steps": ["reverse", "measure"], "variant": "a"}``
in two nodes, so a ``values`` stream yields three events: the input, the
state after ``reverse`` and the state after ``measure``.

Every key but ``text`` is recomputed on each run, so a run on a thread that
already has state gives the same output as a run on a fresh thread.

``variant`` names the graph's build: ``variants/`` makes images whose graph
answers with another one, for upgrade tests.

An optional ``sleep`` (seconds) makes ``reverse`` wait first, without sending
anything: a long, quiet run for tests of streams, draining and faults.
"""

from __future__ import annotations

import asyncio
from typing import TypedDict

from langgraph.graph import END, START, StateGraph

GRAPH_VARIANT = "a"


class EchoState(TypedDict, total=False):
    text: str
    sleep: float
    reversed: str
    length: int
    steps: list[str]
    variant: str


async def reverse(state: EchoState) -> EchoState:
    await asyncio.sleep(float(state.get("sleep") or 0))
    text = state.get("text") or ""
    return {"reversed": text[::-1], "steps": ["reverse"]}


def measure(state: EchoState) -> EchoState:
    text = state.get("text") or ""
    return {"length": len(text), "steps": [*state.get("steps", []), "measure"], "variant": GRAPH_VARIANT}


builder = StateGraph(EchoState)
builder.add_node("reverse", reverse)
builder.add_node("measure", measure)
builder.add_edge(START, "reverse")
builder.add_edge("reverse", "measure")
builder.add_edge("measure", END)

graph = builder.compile()
graph.name = "echo"

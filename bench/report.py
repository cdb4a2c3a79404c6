#!/usr/bin/env python3
"""One report of every benchmark's figures: a table, a JSON file and charts.

    bench/report.py [--figures build/bench] [--out bench/results]

Reads what the benchmarks wrote to --figures (converge.json, proxy.json,
faults.json, upgrade.json, soak.json, queue.json; a missing one is left out) and writes to
--out: report.md (the tables), report.json (the same figures, without the
timelines) and, with matplotlib (requirements-dev.txt), one PNG of request
timelines per benchmark that has them (successes and failures per 100 ms, per
second for the soak; the fault or the action shaded), so the gap an upgrade
or a fault leaves, or its absence, shows; and the soak's memory samples, one
line per service.
"""

from __future__ import annotations

import argparse
import json
import os

SOURCES = ("converge", "proxy", "faults", "upgrade", "soak", "queue")


def load(folder: str) -> dict:
    figures = {}
    for name in SOURCES:
        path = os.path.join(folder, f"{name}.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as source:
                figures[name] = json.load(source)
    return figures


def without_timelines(value):
    """The figures without what only the charts need (timelines, memory samples, run IDs)."""
    if isinstance(value, dict):
        return {key: without_timelines(item) for key, item in value.items() if key not in ("timeline", "run_ids", "memory_samples")}
    if isinstance(value, list):
        return [without_timelines(item) for item in value]
    return value


def table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def runs_text(runs: dict) -> str:
    return ", ".join(f"{count} {state}" for state, count in runs.items()) or "none"


def slowest_text(load: dict) -> str:
    """The slowest runs/wait and stream of a load (absent from older figures)."""
    return ", ".join(f"{kind} {secs} s" for kind, secs in load.get("slowest_call_s", {}).items()) or "-"


def summary_section(figures: dict) -> list[str]:
    """The headline figures, one line each, from whichever benchmarks ran."""
    rows = []
    for connection in ("ssh", "docker"):
        for phase, what in (("first_converge", "first converge"), ("rerun", "rerun, nothing changed")):
            one = figures.get("converge", {}).get(connection, {}).get(phase)
            if one:
                rows.append([f"all-in-one over {connection}: {what}", f"{one['seconds']} s ({one['tasks']} tasks)"])
    if "restart_to_ok_s" in figures.get("converge", {}):
        rows.append(["`systemctl restart` of the server to `GET /ok` 200",
                     f"{figures['converge']['restart_to_ok_s']['median']} s"])
    for one in figures.get("faults", []):
        rows.append([f"fault `{one['fault']}`: `/ok?check_db=1` again, runs ended",
                     f"{one['healthy_after_s']} s, {one['runs_ended_after_s']} s"])
    planned = [one for one in figures.get("upgrade", []) if "restart" not in one["name"]]
    if planned:
        rows.append(["upgrades and rotations under load: requests failed",
                     f"{sum(one['failed'] for one in planned)} of {sum(one['requests'] for one in planned)}"
                     f" ({len(planned)} runs)"])
    if "proxy" in figures:
        rows.append(["proxy overhead (runs/wait throughput)", f"{figures['proxy']['cost_percent']} %"])
    if "soak" in figures:
        soak = figures["soak"]
        rows.append([f"soak of {round(soak['seconds'])} s through the proxy: requests failed",
                     f"{soak['failed']} of {soak['requests']}"])
        rows.append(["soak: memory at start → end (MiB)", memory_text(soak["memory"])])
    return ["## Summary", ""] + table(["figure", "value"], rows)


def memory_text(memory: dict) -> str:
    """Start → end per kind of service, a range where several run."""
    kinds = (("PostgreSQL (page cache included)", lambda unit: unit.startswith("postgresql")),
             ("Redis", lambda unit: unit == "redis-server"), ("HAProxy", lambda unit: unit == "haproxy"),
             ("APIs", lambda unit: unit == "langgraph-server"),
             ("queue workers", lambda unit: unit.startswith("langgraph-server-queue")))

    def span(values: list[float]) -> str:
        low, high = f"{min(values):.0f}", f"{max(values):.0f}"
        return low if low == high else f"{low}-{high}"

    text = []
    for name, matches in kinds:
        ones = [one for service, one in memory.items() if matches(service.split()[-1])]
        if ones:
            ends = [one["end_mib"] or 0 for one in ones]
            text.append(f"{name} {span([one['start_mib'] for one in ones])} → {span(ends)}")
    return ", ".join(text)


def converge_section(figures: dict) -> list[str]:
    rows = []
    for connection in ("ssh", "docker"):
        for phase in ("first_converge", "rerun"):
            one = figures.get(connection, {}).get(phase)
            if one:
                rows.append([connection, phase.replace("_", " "), f"{one['seconds']} s",
                             f"{one['tasks']} ({one['changed']} changed)",
                             ", ".join(f"{name.split(' : ')[-1]} {secs:.1f} s" for name, secs in one["slowest"][:3])])
    lines = [f"## Converge ({figures['scenario']} scenario's host)", ""]
    lines += table(["connection", "run", "time", "tasks", "slowest three"], rows)
    restart = figures.get("restart_to_ok_s")
    if restart:
        lines += [f"Restart of the server unit to `GET /ok` 200: {restart['median']} s "
                  f"(median of {len(restart['samples'])}).", ""]
    ssh = figures.get("ssh", {})
    if "call_s" in ssh:
        lines += [f"On this machine one module call over SSH takes {ssh['call_s']} s and one step on the controller "
                  f"{ssh['step_s']} s (medians of 20): figures from other machines compare through these.", ""]
    return lines


def proxy_section(figures: dict) -> list[str]:
    rows = [[name, figures[name]["req_per_s"], figures[name]["p50_ms"], figures[name]["p99_ms"],
             figures[name]["errors"]] for name in ("direct", "proxy")]
    return (["## Proxy overhead", "", f"{figures['call']}, {figures['requests']} requests per target, "
             f"{figures['concurrency']} clients with keep-alive; the proxy costs {figures['cost_percent']} % "
             "of the direct throughput.", ""]
            + table(["target", "req/s", "p50 ms", "p99 ms", "errors"], rows))


def faults_section(figures: list) -> list[str]:
    rows = [[one["fault"], f"{one['healthy_after_s']} s", f"{one['runs_ended_after_s']} s",
             f"{one['success']} / {one['lost']} / {one['taken_again']} of {one['runs']}",
             one["load"]["requests"], one["load"]["failed"], f"{one['load']['longest_gap_s']} s",
             slowest_text(one["load"]), runs_text(one["load"]["runs"])] for one in figures]
    return (["## Faults (all-in-one host, runs in flight, steady load straight to the server)", ""]
            + table(["fault", "/ok?check_db=1 again", "runs ended", "runs: success / lost / taken again",
                     "load requests", "failed", "longest gap", "slowest call", "load's background runs"], rows)
            + ["![Requests per 100 ms through each fault](faults.png)", ""])


def queue_section(figures: dict) -> list[str]:
    rows = []
    for layout, one in figures.items():
        hosts = one.get("hosts", {}).values()
        rows.append([layout, f"{one['runs']} of {one['run_seconds']:g} s", f"{one['burst_s']} s", runs_text(one["states"]),
                     ", ".join(f"1 → {host['most']} in {host['seconds_to_most']} s, back to 1 "
                               f"{host['seconds_back_to_min']} s after" for host in hosts) or "-"])
    return (["## Queue autoscaling (lab cluster, two server hosts, runs sent at once)", ""]
            + table(["workers per host", "runs", "burst took", "runs ended", "autoscaler, per host"], rows))


def upgrade_section(figures: list) -> list[str]:
    rows = [[one["layout"], one["name"], f"{one['took_s']} s", one["requests"], one["failed"],
             f"{one['longest_gap_s']} s", slowest_text(one), one["stream_rejoins"], runs_text(one["runs"])]
            for one in figures]
    return (["## Upgrades, restarts and secret rotation under load (through the proxy)", ""]
            + table(["layout", "action", "took", "requests", "failed", "longest gap", "slowest call",
                     "stream rejoins", "background runs"], rows)
            + ["![Requests per 100 ms through each action](upgrade.png)", ""])


def soak_section(figures: dict) -> list[str]:
    rows = [[key, one["start_mib"], one["end_mib"], one.get("second_half_mib_per_hour", "-")]
            for key, one in figures["memory"].items()]
    return (["## Soak (lab cluster, through the proxy)", "",
             f"{figures['seconds']} s, {figures['requests']} requests, {figures['failed']} failed, longest gap "
             f"{figures['longest_gap_s']} s, slowest call {slowest_text(figures)}, {figures['stream_rejoins']} "
             f"stream rejoins; background runs: {runs_text(figures['runs'])}.", ""]
            + table(["host and service", "memory at start (MiB)", "at end (MiB)",
                     "growth over the second half (MiB per hour)"], rows)
            + ["![Requests per second through the soak](soak.png)", ""]
            + (["![Memory of each service through the soak](soak-memory.png)", ""]
               if figures.get("memory_samples") else []))


def per_second(timeline: dict) -> dict:
    """The same counts per second (a long timeline reads better so)."""
    factor = round(1 / timeline["bucket_s"])
    return {"bucket_s": 1.0, **{key: [sum(timeline[key][i:i + factor]) for i in range(0, len(timeline[key]), factor)]
                                for key in ("ok", "failed")}}


def draw(path: str, panels: list[tuple[str, dict, list[tuple[float, float]]]]) -> None:
    """One panel per timeline: successes up, failures down, per bucket; the
    spans (seconds from the timeline's start) shaded."""
    if not panels:
        return
    import matplotlib  # pylint: disable=import-outside-toplevel

    matplotlib.use("Agg")
    from matplotlib import pyplot  # pylint: disable=import-outside-toplevel

    columns = 2 if len(panels) > 3 else 1
    rows = (len(panels) + columns - 1) // columns
    figure, axes = pyplot.subplots(rows, columns, figsize=(7 * columns, 2.2 * rows), squeeze=False)
    for axis, (title, timeline, spans) in zip(axes.flat, panels):
        step = timeline["bucket_s"]
        moments = [index * step for index in range(len(timeline["ok"]))]
        axis.bar(moments, timeline["ok"], width=step, align="edge", color="tab:green", label="succeeded")
        axis.bar(moments, [-count for count in timeline["failed"]], width=step, align="edge", color="tab:red",
                 label="failed")
        for start, end in spans:
            axis.axvspan(start, max(end, start + step), color="tab:orange", alpha=0.25)
        axis.set_title(title, fontsize=9)
        axis.tick_params(labelsize=7)
        axis.set_xlim(0, len(moments) * step)
    for axis in list(axes.flat)[len(panels):]:
        axis.set_visible(False)
    axes.flat[0].legend(fontsize=7, loc="lower left")
    shaded = " (shaded: the fault or the action)" if any(spans for _, _, spans in panels) else ""
    figure.supxlabel(f"seconds since the load began{shaded}", fontsize=8)
    figure.supylabel(f"requests per {'100 ms' if panels[0][1]['bucket_s'] < 1 else 'second'}", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    pyplot.close(figure)


def draw_memory(path: str, samples: dict) -> None:
    """The memory of each service over the soak, one line each."""
    import matplotlib  # pylint: disable=import-outside-toplevel

    matplotlib.use("Agg")
    from matplotlib import pyplot  # pylint: disable=import-outside-toplevel

    figure, axis = pyplot.subplots(figsize=(7, 3.5))
    for service, points in samples.items():
        axis.plot([t / 60 for t, _ in points], [mib for _, mib in points], marker=".", label=service)
    axis.set_xlabel("minutes since the load began", fontsize=8)
    axis.set_ylabel("MiB", fontsize=8)
    axis.tick_params(labelsize=7)
    axis.legend(fontsize=6, loc="center left", bbox_to_anchor=(1, 0.5))
    axis.set_title("memory of each service through the soak", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    pyplot.close(figure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", default="build/bench", help="where the benchmarks wrote (build/bench)")
    parser.add_argument("--out", default="bench/results", help="where the report goes (bench/results)")
    args = parser.parse_args()
    figures = load(args.figures)
    if not figures:
        raise SystemExit(f"no figures in {args.figures}: run the benchmarks first (bench/all.sh)")
    os.makedirs(args.out, exist_ok=True)

    sections = {"converge": converge_section, "proxy": proxy_section, "faults": faults_section,
                "upgrade": upgrade_section, "soak": soak_section, "queue": queue_section}
    lines = ["# Benchmark report", "", "Written by `bench/report.py` from the figures of `bench/all.sh`.", ""]
    lines += summary_section(figures)
    for name in SOURCES:
        if name in figures:
            lines += sections[name](figures[name])
    with open(os.path.join(args.out, "report.md"), "w", encoding="utf-8") as out:
        out.write("\n".join(lines))
    with open(os.path.join(args.out, "report.json"), "w", encoding="utf-8") as out:
        json.dump(without_timelines(figures), out, indent=1)
        out.write("\n")

    if "faults" in figures:
        draw(os.path.join(args.out, "faults.png"), [
            (f"{one['fault']}: {one['load']['failed']} failed, gap {one['load']['longest_gap_s']} s",
             one["load"]["timeline"],
             [(one["load"]["fault_s"], one["load"]["fault_s"] + float(one["healthy_after_s"]))])
            for one in figures["faults"]])
    if "upgrade" in figures:
        draw(os.path.join(args.out, "upgrade.png"), [
            (f"{one['layout']} {one['name']}: {one['failed']} failed, gap {one['longest_gap_s']} s",
             one["timeline"], [tuple(one["action_s"])]) for one in figures["upgrade"]])
    if "soak" in figures:
        soak = figures["soak"]
        draw(os.path.join(args.out, "soak.png"), [
            (f"soak: {soak['requests']} requests, {soak['failed']} failed", per_second(soak["timeline"]), [])])
        if soak.get("memory_samples"):
            draw_memory(os.path.join(args.out, "soak-memory.png"), soak["memory_samples"])
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

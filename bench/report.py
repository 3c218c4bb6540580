"""The benchmark's results as a plain-text table (also used for docs/benchmarks.md)."""


def _f(value, unit="", digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    return f"{value:,}{unit}"


def _status(section) -> str | None:
    return section.get("status") if isinstance(section, dict) else None


def rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(measure, coopkg, bare engine, ratio coopkg/bare) rows; a missing part says why in the middle."""
    s = results.get("sections", {})
    out = []

    def missing(name, section):
        out.append((name, _status(section) or "not measured", "", ""))

    load = s.get("load", {})
    if "coopkg" in load:
        out.append(("load (triples/s)", _f(load["coopkg"]["triples_per_s"]), _f(load["bare"]["triples_per_s"]),
                    _f(load["ratio"], "", 2)))
    else:
        missing("load", load)

    sparql = s.get("sparql", {})
    if "clients" in sparql:
        for n, level in sparql["clients"].items():
            a, b = level["coopkg"], level["bare"]
            out.append((f"SPARQL mix, {n} client{'s' if n != '1' else ''} (queries/s)", _f(a["qps"], "", 2),
                        _f(b["qps"], "", 2), _f(level["ratio_qps"], "", 2)))
            out.append((f"  latency p50 / p95 (ms), {n} client{'s' if n != '1' else ''}",
                        f"{_f(a['p50_ms'])} / {_f(a['p95_ms'])}", f"{_f(b['p50_ms'])} / {_f(b['p95_ms'])}",
                        f"{_f(level['ratio_p50'], '', 2)} / {_f(level['ratio_p95'], '', 2)}"))
            if a.get("errors") or b.get("errors"):
                out.append(("  errors", _f(a.get("errors")), _f(b.get("errors")), ""))
        out.append(("  answers agree on every query", "yes" if sparql.get("all_agree") else "NO", "", ""))
        for q in sparql.get("queries", []):
            if q.get("error"):
                out.append((f"  {q['query']} failed", q["error"][:100], "", ""))
    else:
        missing("SPARQL mix", sparql)

    pages = s.get("pages", {})
    if isinstance(pages, dict) and not _status(pages):
        for page, value in pages.items():
            if "p50_ms" in value:
                out.append((f"page: {page} p50 / p95 (ms)", f"{_f(value['p50_ms'])} / {_f(value['p95_ms'])}", "", ""))
            else:
                missing(f"page: {page}", value)
    else:
        missing("pages", pages)

    validation = s.get("contribution validation", {})
    if isinstance(validation, dict) and not _status(validation):
        for label, value in validation.items():
            out.append((f"validate a {value['contribution_triples']}-triple contribution, store of {label} (s)",
                        _f(value["median_s"], "", 3), "", ""))
    else:
        missing("contribution validation", validation)

    rec = s.get("reconciliation", {})
    if "queries_per_s" in rec:
        out.append((f"reconcile: batch of {rec['queries_per_batch']} (queries/s)", _f(rec["queries_per_s"]), "", ""))
    else:
        missing("reconciliation", rec)

    start = s.get("startup", {})
    if "coopkg_s" in start:
        out.append(("start-up to first answer (s)", _f(start["coopkg_s"], "", 2), _f(start["bare_s"], "", 2),
                    _f(start["ratio"], "", 2)))
        if start.get("warm_s") is not None:
            out.append(("  until background index builds are done (s)", _f(start["warm_s"], "", 1), "", ""))
            out.append(("  service process RSS once warm (MiB)", _f(start.get("main_rss_warm_mib")), "", ""))
    else:
        missing("start-up", start)

    mem = s.get("memory", {})
    if "coopkg_peak_mib" in mem:
        out.append(("peak RSS of the server process tree (MiB)", _f(mem["coopkg_peak_mib"]), _f(mem["bare_peak_mib"]),
                    _f(mem["ratio"], "", 2)))
    else:
        missing("memory", mem)

    peer = s.get("python peer", {})
    if "queries" in peer:
        loads = peer.get("load", {})
        rd = loads.get("rdflib", {}).get("triples_per_s")
        ox = loads.get("pyoxigraph", {}).get("triples_per_s")
        out.append((f"peer: rdflib in-memory load at {_f(peer['triples'])} triples (triples/s)", _f(ox), _f(rd),
                    "pyoxigraph | rdflib"))
        ratio = peer.get("query_time_ratio_rdflib_vs_oxigraph")
        out.append((f"peer: mix time rdflib / pyoxigraph ({peer['queries_done_by_rdflib']}/{peer['queries_in_mix']}"
                    " queries finished)", _f(ratio, "x", 1), "", ""))
        if peer.get("coopkg_vs_rdflib_total") is not None:
            out.append(("peer: mix time rdflib / coopkg over HTTP", _f(peer["coopkg_vs_rdflib_total"], "x", 1), "", ""))
        out.append(("peer: rdflib-endpoint", peer.get("rdflib_endpoint", "-"), "", ""))
    else:
        missing("python peer", peer)
    return out


def table(results: dict) -> str:
    header = ("measure", "coopkg", "bare Oxigraph", "ratio coopkg/bare")
    body = rows(results)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(4)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    gen = results.get("generated", {})
    m = results.get("machine", {})
    title = (f"coopkg bench: {_f(gen.get('triples', results.get('size')))} generated triples (seed {results.get('seed')}"
             f"{', quick' if results.get('quick') else ''}) on {m.get('cpus')} CPUs, {m.get('memory_gib')} GiB, {m.get('cpu', '')}")
    if m.get("load_average_start"):
        title += (f"\nload average (1/5/15 min) at start {m['load_average_start']}, at end "
                  f"{m.get('load_average_end', '-')}: other work on the machine shares its {m.get('cpus')} CPUs")
    return "\n".join([title, line(header), "  ".join("-" * w for w in widths), *map(line, body)])


def markdown(results: dict) -> str:
    body = rows(results)
    out = ["| measure | coopkg | bare Oxigraph | ratio coopkg/bare |", "| --- | --- | --- | --- |"]
    out += [f"| {' | '.join(c.replace('|', '/').replace(chr(10), ' ').strip() for c in r)} |" for r in body]
    return "\n".join(out)

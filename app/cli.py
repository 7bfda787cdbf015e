"""Command line: `prescreen serve`, `prescreen check`, `prescreen lists stats|validate`."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from app.engine.models import Listing, Screening, Severity

_COLOURS = {Severity.HIGH: "\033[1;31m", Severity.MEDIUM: "\033[1;33m", Severity.LOW: "\033[36m"}
_RESET = "\033[0m"


def _listing_from_json(obj: dict, line: int) -> Listing:
    if not isinstance(obj, dict):
        # a bad input line, reported with its number by the caller (which catches TypeError too)
        raise TypeError(f"line {line}: expected a JSON object")
    bullets = obj.get("bullets") or []
    if isinstance(bullets, str):
        bullets = [bullets]
    return Listing(
        id=str(obj["id"]) if obj.get("id") is not None else f"line-{line}",
        title=str(obj.get("title") or ""), bullets=tuple(str(b) for b in bullets),
        description=str(obj.get("description") or ""), search_terms=str(obj.get("search_terms") or ""),
        brand=obj.get("brand") if isinstance(obj.get("brand"), str) else None,
        authorized_brands=tuple(obj.get("authorized_brands") or ()), category=obj.get("category"),
        marketplace=obj.get("marketplace"),
    )


def highlight(text: str, spans: list[tuple[int, int, Severity]], colour: bool) -> str:
    if not colour or not spans:
        return text
    out, pos = [], 0
    for s, e, sev in sorted(spans):
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(_COLOURS[sev] + text[s:e] + _RESET)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def render(listing: Listing, result: Screening, colour: bool) -> str:
    lines = [f"{result.id or '-'}  verdict={result.verdict.value}  risk={result.risk_score}  hits={len(result.hits)}"]
    for field, index, text in listing.fields():
        spans = [(h.start, h.end, h.severity) for h in result.hits if h.field == field and h.index == index]
        if spans:
            label = field.value if index is None else f"{field.value}[{index}]"
            lines.append(f"  {label}: {highlight(text, spans, colour)}")
    for h in result.hits:
        if h.brand:
            what = h.brand.name + (f" / {h.brand.mark}" if h.brand.mark != h.brand.name else "")
        else:
            what = h.category or h.rule or ""
        sev = (_COLOURS[h.severity] + h.severity.value + _RESET) if colour else h.severity.value
        usage = f" [{h.usage.value}]" if h.usage else ""
        lines.append(f"  - {sev:6s} {h.kind.value}:{what}{usage} {h.match.value} {h.field.value}"
                     f"{'' if h.index is None else f'[{h.index}]'} {h.start}-{h.end} {h.text!r}")
        lines.append(f"      {h.reason}")
        if h.suggestion:
            lines.append(f"      -> {h.suggestion}")
    return "\n".join(lines)


def cmd_catalogue(args: argparse.Namespace) -> int:
    from app.catalogue.offline import default_workers, screen_file

    mapping = None
    if args.mapping:
        try:
            mapping = json.loads(args.mapping)
        except ValueError:
            print("--mapping: not valid JSON", file=sys.stderr)
            return 2
    from app.settings import get_settings

    counts = screen_file(Path(args.file), Path(args.out), data_dir=args.data_dir,
                         workers=args.workers or default_workers(), mapping=mapping,
                         engine_cache=get_settings().engine_cache)
    print(json.dumps({"rows": sum(counts.values()), **counts, "out": args.out}))
    worst = 2 if counts.get("block") else 1 if counts.get("review") else 0
    return 0 if args.exit_zero else (worst if worst < 2 else 3)


def cmd_check(args: argparse.Namespace) -> int:
    from app.lists import build_engine

    if args.out:
        if not args.file:
            print("--out needs --file", file=sys.stderr)
            return 2
        return cmd_catalogue(args)

    from app.settings import get_settings

    engine = build_engine(args.data_dir, get_settings().engine_cache)
    colour = sys.stdout.isatty() and not args.json and os.environ.get("NO_COLOR") is None
    listings: list[Listing] = []
    if args.file:
        path = Path(args.file)
        with path.open(encoding="utf-8-sig") as fh:
            for n, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    listings.append(_listing_from_json(json.loads(raw), n))
                except (ValueError, KeyError, TypeError) as exc:
                    print(f"{path}:{n}: {exc}", file=sys.stderr)
                    return 2
    if args.text:
        listings.append(Listing(id="cli", title=" ".join(args.text), category=args.category, brand=args.brand))
    if not listings:
        print("nothing to check: give a title or --file", file=sys.stderr)
        return 2
    worst = 0
    for lst in listings:
        res = engine.screen(lst)
        worst = max(worst, {"pass": 0, "review": 1, "block": 2}[res.verdict.value])
        if args.json:
            print(json.dumps(res.to_dict(), ensure_ascii=False))
        else:
            print(render(lst, res, colour))
    return 0 if args.exit_zero else (worst if worst < 2 else 3)


def _tcp_socket(host: str, port: int):
    """A listening socket created with IPPROTO_TCP, so that the connections it accepts get
    TCP_NODELAY from asyncio. Sockets created with protocol 0 (uvicorn's own, for several
    workers) do not, and every keep-alive response then waits ~40 ms for a delayed ACK."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def serve(host: str, port: int, workers: int, log_level: str) -> None:
    import inspect

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("app.api.main:app_factory", factory=True, host=host, port=port,
                            workers=workers, log_level=log_level)
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    sockets = [_tcp_socket(host, port)]
    if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn < 0.36
        Multiprocess(config, target=uvicorn.Server(config).run, sockets=sockets).run()
    else:
        Multiprocess(config, sockets=sockets).run()


def cmd_serve(args: argparse.Namespace) -> int:
    from app.settings import get_settings

    s = get_settings()
    if args.data_dir:
        os.environ["PRESCREEN_DATA_DIR"] = str(args.data_dir)
    try:
        serve(args.host or s.host, args.port or s.port, args.workers or s.workers, s.log_level)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_store(args: argparse.Namespace) -> int:
    """prescreen lists import|export against the list store the service uses."""
    import getpass

    from app.lists import ListError
    from app.settings import get_settings
    from app.store import open_store
    from app.store.records import to_json
    from app.store.store import read_csv, write_csv

    store = open_store(get_settings().database_url)
    store.seed_from(args.data_dir)
    if args.action == "export":
        rows = store.export(args.kind)
        text = (write_csv(args.kind, rows) if args.format == "csv"
                else json.dumps([to_json(args.kind, r) for r in rows], ensure_ascii=False, indent=1) + "\n")
        if args.file:
            Path(args.file).write_text(text, encoding="utf-8")
            print(f"{len(rows)} {args.kind} written to {args.file}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    if not args.file:
        print("import: give the CSV file to read", file=sys.stderr)
        return 2
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"invalid: {args.file}: {exc}", file=sys.stderr)
        return 1
    try:
        counts = store.import_records(args.kind, read_csv(args.kind, text), f"cli:{getpass.getuser()}",
                                      replace=args.replace)
    except ListError as exc:
        print(f"invalid: {args.file}: {exc} (nothing was changed)", file=sys.stderr)
        return 1
    print(json.dumps({**counts, "list_revision": store.revision()}))
    return 0


def cmd_lists(args: argparse.Namespace) -> int:
    from app.lists import ListError, build_engine

    if args.action in ("import", "export"):
        return cmd_store(args)

    try:
        engine = build_engine(args.data_dir)
    except ListError as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return 1
    stats = engine.stats()
    if args.action == "validate":
        from app.lists.loader import default_data_dir
        from app.lists.review import load_distinctive, review, summary

        try:
            findings = review(engine, load_distinctive(Path(args.data_dir) if args.data_dir else default_data_dir()))
        except ListError as exc:
            print(f"invalid: {exc}", file=sys.stderr)
            return 1
        for f in findings[: args.show]:
            print(f"error [{f.kind}] {f.detail}", file=sys.stderr)
        if len(findings) > args.show:
            print(f"... {len(findings) - args.show} more (--show N to list more)", file=sys.stderr)
        if findings:
            print(f"invalid: {summary(findings)}", file=sys.stderr)
            return 1
        print(f"ok: {stats['brands']} brands, {stats['marks']} marks, {stats['terms']} terms ({stats['list_version']})")
        return 0
    lists = engine.lists
    zh = sum(1 for b in lists.brands if b.zh_names)
    with_sub = sum(1 for b in lists.brands if b.submarks)
    by_cat: dict[str, int] = {}
    for t in lists.terms:
        by_cat[t.category] = by_cat.get(t.category, 0) + 1
    out = dict(stats, brands_with_chinese_names=zh, brands_with_submarks=with_sub,
               submarks=sum(len(b.submarks) for b in lists.brands), terms_by_category=by_cat,
               exemptions=len(lists.exemptions), build_seconds=round(engine.build_seconds, 2))
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="prescreen", description="Listing infringement pre-screener")
    p.add_argument("--data-dir", type=Path, default=None, help="directory with the lists (default: PRESCREEN_DATA_DIR or ./data)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the HTTP service")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int)
    s.set_defaults(func=cmd_serve)

    c = sub.add_parser("check", help="screen a title, a JSONL file of listings, or a whole catalogue (--out)")
    c.add_argument("text", nargs="*", help="a title to screen")
    c.add_argument("--file", help="JSONL file, one listing object per line")
    c.add_argument("--json", action="store_true", help="one JSON result per line")
    c.add_argument("--category", help="category of the title given on the command line")
    c.add_argument("--brand", help="your own brand (never reported)")
    c.add_argument("--exit-zero", action="store_true", help="exit 0 even when something is flagged")
    c.add_argument("--out", help="with --file: screen a whole catalogue (CSV, TSV, XLSX, JSONL) in parallel and "
                                 "write one result row per input row here (.csv compact, .jsonl full)")
    c.add_argument("--workers", type=int, default=0, help="with --out: worker processes (default: one per core)")
    c.add_argument("--mapping", help='with --out: JSON column mapping, e.g. {"title": "Product Name"}')
    c.set_defaults(func=cmd_check)

    ls = sub.add_parser("lists", help="inspect the lists; import to and export from the list store")
    ls.add_argument("action", choices=["stats", "validate", "import", "export"],
                    help="stats/validate read data/; import/export work on the store (PRESCREEN_DATABASE_URL)")
    ls.add_argument("file", nargs="?", help="import: CSV file to read; export: file to write (default: standard output)")
    ls.add_argument("--kind", choices=["brands", "terms"], default="brands", help="import/export: which list")
    ls.add_argument("--replace", action="store_true", help="import: delete the records the file does not have")
    ls.add_argument("--format", choices=["csv", "json"], default="csv", help="export format")
    ls.add_argument("--show", type=int, default=20, help="how many review warnings to print (validate)")
    ls.set_defaults(func=cmd_lists)

    args = p.parse_args(argv)
    if args.data_dir is None:
        from app.settings import get_settings

        args.data_dir = get_settings().data_dir
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
